// Original file: proto/nephele/v1/types.proto

export const HostKind = {
  HOST_KIND_UNSPECIFIED: 'HOST_KIND_UNSPECIFIED',
  HOST_KIND_DEDICATED: 'HOST_KIND_DEDICATED',
  HOST_KIND_ADHOC: 'HOST_KIND_ADHOC',
} as const;

export type HostKind =
  | 'HOST_KIND_UNSPECIFIED'
  | 0
  | 'HOST_KIND_DEDICATED'
  | 1
  | 'HOST_KIND_ADHOC'
  | 2

export type HostKind__Output = typeof HostKind[keyof typeof HostKind]
