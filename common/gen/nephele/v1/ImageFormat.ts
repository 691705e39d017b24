// Original file: proto/nephele/v1/vm.proto

export const ImageFormat = {
  IMAGE_FORMAT_UNSPECIFIED: 'IMAGE_FORMAT_UNSPECIFIED',
  IMAGE_FORMAT_QCOW2: 'IMAGE_FORMAT_QCOW2',
  IMAGE_FORMAT_RAW: 'IMAGE_FORMAT_RAW',
  IMAGE_FORMAT_TAR: 'IMAGE_FORMAT_TAR',
} as const;

export type ImageFormat =
  | 'IMAGE_FORMAT_UNSPECIFIED'
  | 0
  | 'IMAGE_FORMAT_QCOW2'
  | 1
  | 'IMAGE_FORMAT_RAW'
  | 2
  | 'IMAGE_FORMAT_TAR'
  | 3

export type ImageFormat__Output = typeof ImageFormat[keyof typeof ImageFormat]
