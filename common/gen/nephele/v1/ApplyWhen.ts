// Original file: proto/nephele/v1/reclass.proto

export const ApplyWhen = {
  APPLY_WHEN_UNSPECIFIED: 'APPLY_WHEN_UNSPECIFIED',
  APPLY_WHEN_NOW: 'APPLY_WHEN_NOW',
  APPLY_WHEN_MAINTENANCE_WINDOW: 'APPLY_WHEN_MAINTENANCE_WINDOW',
  APPLY_WHEN_AT: 'APPLY_WHEN_AT',
} as const;

export type ApplyWhen =
  | 'APPLY_WHEN_UNSPECIFIED'
  | 0
  | 'APPLY_WHEN_NOW'
  | 1
  | 'APPLY_WHEN_MAINTENANCE_WINDOW'
  | 2
  | 'APPLY_WHEN_AT'
  | 3

export type ApplyWhen__Output = typeof ApplyWhen[keyof typeof ApplyWhen]
