// Original file: proto/nephele/v1/token.proto

export const ImageState = {
  IMAGE_STATE_UNSPECIFIED: 'IMAGE_STATE_UNSPECIFIED',
  IMAGE_STATE_ACTIVE: 'IMAGE_STATE_ACTIVE',
  IMAGE_STATE_REVOKED: 'IMAGE_STATE_REVOKED',
} as const;

export type ImageState =
  | 'IMAGE_STATE_UNSPECIFIED'
  | 0
  | 'IMAGE_STATE_ACTIVE'
  | 1
  | 'IMAGE_STATE_REVOKED'
  | 2

export type ImageState__Output = typeof ImageState[keyof typeof ImageState]
