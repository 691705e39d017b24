// Our own names (controller and agent) for the states and kinds we store and decide
// on. Short, lower-case, independent of the proto enum names: a rename that is
// safe on the wire cannot change a stored record. Converted to and from the
// proto enums in one place, common/grpc/convert.ts.

export const VM_STATES = ['pending', 'creating', 'running', 'suspended', 'stopped', 'failed', 'destroyed'] as const;
export type VmState = (typeof VM_STATES)[number];

export const DESIRED_STATES = ['running', 'stopped', 'suspended', 'destroyed'] as const;
export type DesiredState = (typeof DESIRED_STATES)[number];

export const SLAS = ['guaranteed', 'best_effort'] as const;
export type Sla = (typeof SLAS)[number];

export const HOST_KINDS = ['dedicated', 'adhoc'] as const;
export type HostKind = (typeof HOST_KINDS)[number];

export const HOST_STATES = ['pending', 'ready', 'unreachable', 'down'] as const;
export type HostState = (typeof HOST_STATES)[number];

/**
 * What the API shows of a host: its stored state, or, never stored, `unknown`
 * (the controller restarted and the host's session is not back yet) or
 * `revoked` (its credentials are; it can never connect again).
 */
export const HOST_SHOWN_STATES = [...HOST_STATES, 'unknown', 'revoked'] as const;
export type HostShownState = (typeof HOST_SHOWN_STATES)[number];

/** `none`: a dedicated host, no owner policy. */
export const OWNER_STATES = ['none', 'idle', 'busy', 'evacuate'] as const;
export type OwnerState = (typeof OWNER_STATES)[number];

export const TOKEN_KINDS = ['join', 'api'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

export const SET_STATES = ['scheduled', 'waiting', 'placed', 'partial', 'retiring', 'retired'] as const;
export type SetState = (typeof SET_STATES)[number];

/** `default`: the controller's `--strategy`. */
export const STRATEGIES = ['default', 'binpack', 'spread'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const AFFINITIES = ['none', 'affinity', 'anti_affinity'] as const;
export type Affinity = (typeof AFFINITIES)[number];

/** How much of a host a read returns: `basic` leaves out the inventory's lists. */
export const HOST_VIEWS = ['basic', 'full'] as const;
export type HostView = (typeof HOST_VIEWS)[number];

/** Usage query/export resolution: raw records, or hourly/daily rollups. */
export const GRANULARITIES = ['raw', 'hour', 'day'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** Images (TokenService): how a base is stored, and whether new clones may be made of it. */
export const IMAGE_FORMATS = ['qcow2', 'raw', 'tar'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

export const IMAGE_STATES = ['active', 'revoked'] as const;
export type ImageState = (typeof IMAGE_STATES)[number];

/** An update cycle: `failed` left the new VMs as they were; `reverted` removed them (the prior set stays). */
export const CYCLE_STATES = ['running', 'succeeded', 'failed', 'reverted'] as const;
export type CycleState = (typeof CYCLE_STATES)[number];
