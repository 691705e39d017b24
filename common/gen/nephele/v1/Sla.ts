// Original file: proto/nephele/v1/vm.proto

export const Sla = {
  SLA_UNSPECIFIED: 'SLA_UNSPECIFIED',
  SLA_GUARANTEED: 'SLA_GUARANTEED',
  SLA_BEST_EFFORT: 'SLA_BEST_EFFORT',
} as const;

export type Sla =
  | 'SLA_UNSPECIFIED'
  | 0
  | 'SLA_GUARANTEED'
  | 1
  | 'SLA_BEST_EFFORT'
  | 2

export type Sla__Output = typeof Sla[keyof typeof Sla]
