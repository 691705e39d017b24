// Original file: proto/nephele/v1/vm.proto

export const SetAffinity = {
  SET_AFFINITY_UNSPECIFIED: 'SET_AFFINITY_UNSPECIFIED',
  SET_AFFINITY_AFFINITY: 'SET_AFFINITY_AFFINITY',
  SET_AFFINITY_ANTI_AFFINITY: 'SET_AFFINITY_ANTI_AFFINITY',
} as const;

export type SetAffinity =
  | 'SET_AFFINITY_UNSPECIFIED'
  | 0
  | 'SET_AFFINITY_AFFINITY'
  | 1
  | 'SET_AFFINITY_ANTI_AFFINITY'
  | 2

export type SetAffinity__Output = typeof SetAffinity[keyof typeof SetAffinity]
