// The seams between the parts of the appliance monitor (issue 14), so each is
// built and tested on its own:
//   state   the state table (memory + store on change), report ingest, policies,
//           the MonitorSpec each VM's desired state carries, metering of polls
//           (controller/monitor/state, policy)
//   actions the decide/act loop (ladders, backoff), the action log, control
//           actions by hand, subscriptions (controller/monitor/actions, subscription)
//   sink    the external appliance store: PostgreSQL or JSON Lines, fed from a
//           durable backlog written in the same batch as each row and action
//           (controller/monitor/sink)
// Implementations live with their owners; tests use in-memory fakes of these.
import type { ApplianceReport__Output } from '../../common/gen/nephele/v1/ApplianceReport.js';
import type { Op } from '../../common/store/index.js';
import type {
  ActionRecord,
  AppState,
  ApplianceRecord,
  MonitorSpec,
  PolicyRecord,
  SubscriptionRecord,
} from '../model/monitor.js';

/** undefined = every tenant (admins), else the only tenant the caller may touch (as UnaryCtx.scope). */
export type Scope = string | undefined;

// ---- sink (the external appliance store) -------------------------------------------------

/** What is mirrored: a state-table row (upserted by vm id) or an action (upserted by action id). */
/** `removedUnixMs`: the VM went away; the row's last state, marked removed (the store keeps no stale live row). */
export type MirrorItem =
  { kind: 'appliance'; row: ApplianceRecord; removedUnixMs?: number } | { kind: 'action'; action: ActionRecord };

/** An item as the sink gets it: with its backlog sequence number (a sink keeps the highest per key, so a late replay never overwrites a newer row). */
export interface MirrorEntry {
  seq: number;
  item: MirrorItem;
}

/**
 * The durable backlog in front of the external store. Writers add `ops(item)` to
 * the same batch that stores the row or action, then call `kick()` after the
 * commit; the mirror ships the backlog to its sink in order, in batches,
 * at-least-once with idempotent keys (a replayed item overwrites itself), and
 * deletes what the sink confirmed. Without --monitor-store it is a no-op
 * (`ops` returns []).
 */
export interface MonitorMirror {
  ops(item: MirrorItem): Op[];
  kick(): void;
  /** Items waiting for the sink (gauge, tests). */
  backlog(): Promise<number>;
  /** The sink's last error ('' = healthy). */
  lastError(): string;
  close(): Promise<void>;
}

/** Where the mirror writes. Both calls are idempotent on their keys. */
export interface MonitorSink {
  readonly name: string;
  /** Creates or migrates the schema; called before the first write and after reconnecting. */
  open(): Promise<void>;
  write(entries: MirrorEntry[]): Promise<void>;
  close(): Promise<void>;
}

// ---- state (the state table and policies) -------------------------------------------------

export interface ApplianceFilter {
  setId?: string;
  tenant?: string;
  appState?: AppState;
  hostId?: string;
}

/** Why a row changed (what the decide loop looks at). */
export interface RowChange {
  row: ApplianceRecord;
  prev: ApplianceRecord | undefined;
  /** vm-status, probe-failed, guest-fault, request, poll, push. */
  trigger: string;
}

export interface StateTable {
  /** An agent's report (the session calls this; rows of VMs not on `hostId` are ignored). */
  ingest(hostId: string, report: ApplianceReport__Output): Promise<void>;
  /** NOT_FOUND ('vm_id') outside scope or unknown. */
  get(vmId: string, scope: Scope): ApplianceRecord;
  list(
    filter: ApplianceFilter,
    scope: Scope,
    page: { size: number; token: string },
  ): { rows: ApplianceRecord[]; next: string };
  /** Called after each changed row is stored (the decide loop). */
  onChange(fn: (c: RowChange) => void): () => void;
  /** Subscription end: stops (or resumes) monitoring these VMs; pushes their hosts' desired state. */
  setMonitored(vmIds: string[], monitored: boolean): Promise<void>;
  /** Asks the VM's agent to poll now and resolves with the row after that poll arrived. */
  poll(vmId: string, scope: Scope, timeoutMs: number): Promise<ApplianceRecord>;
}

export interface Policies {
  /** The policy for a VM of `setId`/`tenant`: the set's, else the tenant's, else the fleet's, else defaults. */
  effective(setId: string, tenant: string): { policy: PolicyRecord; source: string };
  /** The spec its agent runs ({ enabled: false } when monitoring is off for it). */
  specFor(vm: { setId: string; tenant: string; vmId: string }): MonitorSpec;
  onChange(fn: (scope: string) => void): () => void;
}

// ---- actions (decide/act, the action log, subscriptions) --------------------------------

export interface ActionFilter {
  vmId?: string;
  setId?: string;
  tenant?: string;
  kind?: ActionRecord['kind'];
  trigger?: string;
  sinceUnixMs?: number;
}

export interface ActionLog {
  /** Stores a new action (outcome pending) with its mirror ops in one batch. */
  begin(a: Omit<ActionRecord, 'id' | 'outcome' | 'endedUnixMs' | 'createdUnixMs' | 'detail'>): Promise<ActionRecord>;
  finish(id: string, outcome: ActionRecord['outcome'], detail: string): Promise<ActionRecord>;
  list(
    filter: ActionFilter,
    scope: Scope,
    page: { size: number; token: string },
  ): Promise<{ actions: ActionRecord[]; next: string }>;
}

export interface Subscriptions {
  get(scope: string): Promise<SubscriptionRecord | undefined>;
  /** Whether VMs of this set/tenant may be monitored (false once their subscription ended). */
  active(setId: string, tenant: string): boolean;
}
