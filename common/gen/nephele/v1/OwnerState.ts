// Original file: proto/nephele/v1/types.proto

export const OwnerState = {
  OWNER_STATE_UNSPECIFIED: 'OWNER_STATE_UNSPECIFIED',
  OWNER_STATE_IDLE: 'OWNER_STATE_IDLE',
  OWNER_STATE_BUSY: 'OWNER_STATE_BUSY',
  OWNER_STATE_EVACUATE: 'OWNER_STATE_EVACUATE',
} as const;

export type OwnerState =
  | 'OWNER_STATE_UNSPECIFIED'
  | 0
  | 'OWNER_STATE_IDLE'
  | 1
  | 'OWNER_STATE_BUSY'
  | 2
  | 'OWNER_STATE_EVACUATE'
  | 3

export type OwnerState__Output = typeof OwnerState[keyof typeof OwnerState]
