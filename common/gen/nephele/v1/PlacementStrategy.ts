// Original file: proto/nephele/v1/vm.proto

export const PlacementStrategy = {
  PLACEMENT_STRATEGY_UNSPECIFIED: 'PLACEMENT_STRATEGY_UNSPECIFIED',
  PLACEMENT_STRATEGY_BINPACK: 'PLACEMENT_STRATEGY_BINPACK',
  PLACEMENT_STRATEGY_SPREAD: 'PLACEMENT_STRATEGY_SPREAD',
} as const;

export type PlacementStrategy =
  | 'PLACEMENT_STRATEGY_UNSPECIFIED'
  | 0
  | 'PLACEMENT_STRATEGY_BINPACK'
  | 1
  | 'PLACEMENT_STRATEGY_SPREAD'
  | 2

export type PlacementStrategy__Output = typeof PlacementStrategy[keyof typeof PlacementStrategy]
