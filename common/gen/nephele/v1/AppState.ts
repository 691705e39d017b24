// Original file: proto/nephele/v1/monitor.proto

export const AppState = {
  APP_STATE_UNSPECIFIED: 'APP_STATE_UNSPECIFIED',
  APP_STATE_RUNNING: 'APP_STATE_RUNNING',
  APP_STATE_FAULTED: 'APP_STATE_FAULTED',
  APP_STATE_STOPPED: 'APP_STATE_STOPPED',
} as const;

export type AppState =
  | 'APP_STATE_UNSPECIFIED'
  | 0
  | 'APP_STATE_RUNNING'
  | 1
  | 'APP_STATE_FAULTED'
  | 2
  | 'APP_STATE_STOPPED'
  | 3

export type AppState__Output = typeof AppState[keyof typeof AppState]
