// Original file: proto/nephele/v1/monitor.proto

export const ActionOutcome = {
  ACTION_OUTCOME_UNSPECIFIED: 'ACTION_OUTCOME_UNSPECIFIED',
  ACTION_OUTCOME_PENDING: 'ACTION_OUTCOME_PENDING',
  ACTION_OUTCOME_DONE: 'ACTION_OUTCOME_DONE',
  ACTION_OUTCOME_FAILED: 'ACTION_OUTCOME_FAILED',
  ACTION_OUTCOME_SKIPPED: 'ACTION_OUTCOME_SKIPPED',
} as const;

export type ActionOutcome =
  | 'ACTION_OUTCOME_UNSPECIFIED'
  | 0
  | 'ACTION_OUTCOME_PENDING'
  | 1
  | 'ACTION_OUTCOME_DONE'
  | 2
  | 'ACTION_OUTCOME_FAILED'
  | 3
  | 'ACTION_OUTCOME_SKIPPED'
  | 4

export type ActionOutcome__Output = typeof ActionOutcome[keyof typeof ActionOutcome]
