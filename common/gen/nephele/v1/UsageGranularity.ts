// Original file: proto/nephele/v1/usage.proto

export const UsageGranularity = {
  USAGE_GRANULARITY_UNSPECIFIED: 'USAGE_GRANULARITY_UNSPECIFIED',
  USAGE_GRANULARITY_RAW: 'USAGE_GRANULARITY_RAW',
  USAGE_GRANULARITY_HOUR: 'USAGE_GRANULARITY_HOUR',
  USAGE_GRANULARITY_DAY: 'USAGE_GRANULARITY_DAY',
} as const;

export type UsageGranularity =
  | 'USAGE_GRANULARITY_UNSPECIFIED'
  | 0
  | 'USAGE_GRANULARITY_RAW'
  | 1
  | 'USAGE_GRANULARITY_HOUR'
  | 2
  | 'USAGE_GRANULARITY_DAY'
  | 3

export type UsageGranularity__Output = typeof UsageGranularity[keyof typeof UsageGranularity]
