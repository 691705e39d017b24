// Original file: proto/nephele/v1/host.proto

export const HostView = {
  HOST_VIEW_UNSPECIFIED: 'HOST_VIEW_UNSPECIFIED',
  HOST_VIEW_BASIC: 'HOST_VIEW_BASIC',
  HOST_VIEW_FULL: 'HOST_VIEW_FULL',
} as const;

export type HostView =
  | 'HOST_VIEW_UNSPECIFIED'
  | 0
  | 'HOST_VIEW_BASIC'
  | 1
  | 'HOST_VIEW_FULL'
  | 2

export type HostView__Output = typeof HostView[keyof typeof HostView]
