// Original file: proto/nephele/v1/monitor.proto

export const ProbeKind = {
  PROBE_KIND_UNSPECIFIED: 'PROBE_KIND_UNSPECIFIED',
  PROBE_KIND_HTTP: 'PROBE_KIND_HTTP',
  PROBE_KIND_TCP: 'PROBE_KIND_TCP',
  PROBE_KIND_EXEC: 'PROBE_KIND_EXEC',
} as const;

export type ProbeKind =
  | 'PROBE_KIND_UNSPECIFIED'
  | 0
  | 'PROBE_KIND_HTTP'
  | 1
  | 'PROBE_KIND_TCP'
  | 2
  | 'PROBE_KIND_EXEC'
  | 3

export type ProbeKind__Output = typeof ProbeKind[keyof typeof ProbeKind]
