// Original file: proto/nephele/v1/reclass.proto

export const TargetKind = {
  TARGET_KIND_UNSPECIFIED: 'TARGET_KIND_UNSPECIFIED',
  TARGET_KIND_VM: 'TARGET_KIND_VM',
  TARGET_KIND_CLASS: 'TARGET_KIND_CLASS',
  TARGET_KIND_CUSTOM: 'TARGET_KIND_CUSTOM',
  TARGET_KIND_PEER_VM: 'TARGET_KIND_PEER_VM',
} as const;

export type TargetKind =
  | 'TARGET_KIND_UNSPECIFIED'
  | 0
  | 'TARGET_KIND_VM'
  | 1
  | 'TARGET_KIND_CLASS'
  | 2
  | 'TARGET_KIND_CUSTOM'
  | 3
  | 'TARGET_KIND_PEER_VM'
  | 4

export type TargetKind__Output = typeof TargetKind[keyof typeof TargetKind]
