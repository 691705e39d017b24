// Original file: proto/nephele/v1/monitor.proto

export const UpdateSource = {
  UPDATE_SOURCE_UNSPECIFIED: 'UPDATE_SOURCE_UNSPECIFIED',
  UPDATE_SOURCE_POLL: 'UPDATE_SOURCE_POLL',
  UPDATE_SOURCE_EVENT: 'UPDATE_SOURCE_EVENT',
  UPDATE_SOURCE_PUSH: 'UPDATE_SOURCE_PUSH',
} as const;

export type UpdateSource =
  | 'UPDATE_SOURCE_UNSPECIFIED'
  | 0
  | 'UPDATE_SOURCE_POLL'
  | 1
  | 'UPDATE_SOURCE_EVENT'
  | 2
  | 'UPDATE_SOURCE_PUSH'
  | 3

export type UpdateSource__Output = typeof UpdateSource[keyof typeof UpdateSource]
