// Original file: proto/nephele/v1/token.proto

export const CycleState = {
  CYCLE_STATE_UNSPECIFIED: 'CYCLE_STATE_UNSPECIFIED',
  CYCLE_STATE_RUNNING: 'CYCLE_STATE_RUNNING',
  CYCLE_STATE_SUCCEEDED: 'CYCLE_STATE_SUCCEEDED',
  CYCLE_STATE_FAILED: 'CYCLE_STATE_FAILED',
  CYCLE_STATE_REVERTED: 'CYCLE_STATE_REVERTED',
} as const;

export type CycleState =
  | 'CYCLE_STATE_UNSPECIFIED'
  | 0
  | 'CYCLE_STATE_RUNNING'
  | 1
  | 'CYCLE_STATE_SUCCEEDED'
  | 2
  | 'CYCLE_STATE_FAILED'
  | 3
  | 'CYCLE_STATE_REVERTED'
  | 4

export type CycleState__Output = typeof CycleState[keyof typeof CycleState]
