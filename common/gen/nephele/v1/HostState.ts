// Original file: proto/nephele/v1/types.proto

export const HostState = {
  HOST_STATE_UNSPECIFIED: 'HOST_STATE_UNSPECIFIED',
  HOST_STATE_PENDING: 'HOST_STATE_PENDING',
  HOST_STATE_READY: 'HOST_STATE_READY',
  HOST_STATE_UNREACHABLE: 'HOST_STATE_UNREACHABLE',
  HOST_STATE_DOWN: 'HOST_STATE_DOWN',
} as const;

export type HostState =
  | 'HOST_STATE_UNSPECIFIED'
  | 0
  | 'HOST_STATE_PENDING'
  | 1
  | 'HOST_STATE_READY'
  | 2
  | 'HOST_STATE_UNREACHABLE'
  | 3
  | 'HOST_STATE_DOWN'
  | 4

export type HostState__Output = typeof HostState[keyof typeof HostState]
