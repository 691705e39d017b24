// Original file: proto/nephele/v1/scheme.proto

export const DiskFormat = {
  DISK_FORMAT_UNSPECIFIED: 'DISK_FORMAT_UNSPECIFIED',
  DISK_FORMAT_QCOW2: 'DISK_FORMAT_QCOW2',
  DISK_FORMAT_RAW: 'DISK_FORMAT_RAW',
  DISK_FORMAT_VMDK: 'DISK_FORMAT_VMDK',
  DISK_FORMAT_VHD: 'DISK_FORMAT_VHD',
} as const;

export type DiskFormat =
  | 'DISK_FORMAT_UNSPECIFIED'
  | 0
  | 'DISK_FORMAT_QCOW2'
  | 1
  | 'DISK_FORMAT_RAW'
  | 2
  | 'DISK_FORMAT_VMDK'
  | 3
  | 'DISK_FORMAT_VHD'
  | 4

export type DiskFormat__Output = typeof DiskFormat[keyof typeof DiskFormat]
