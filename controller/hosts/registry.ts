import { USAGE_SPANS } from '../usage/continuity.js';
import type { Host__Output as Host } from '../../common/gen/nephele/v1/Host.js';
import type { HostRecord, HostView } from '../model/index.js';
import { hostToProto } from '../../common/grpc/convert.js';
import type { Group__Output as Group } from '../../common/gen/nephele/v1/Group.js';
import type { Inventory__Output as Inventory } from '../../common/gen/nephele/v1/Inventory.js';
import type { Capacity__Output as Capacity } from '../../common/gen/nephele/v1/Capacity.js';
import type { HostLoad__Output as HostLoad } from '../../common/gen/nephele/v1/HostLoad.js';
import {
  AlreadyExistsError,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
} from '../../common/errors.js';
import {
  absent,
  at,
  del,
  isConflict,
  put,
  retryOnConflict,
  type Op,
  type Precondition,
  type Store,
} from '../../common/store/index.js';
import { ULID_RE } from '../../common/ids.js';
import type { Clock } from '../../common/clock.js';
import type { EventLog, NewEvent } from '../events/log.js';
import type { LiveState } from './liveness.js';
import type { HostState } from '../../common/model/enums.js';
import { acceleratorOf, shownState } from './shown.js';
import { checkInventory } from './agent-input.js';
import { HOST_ACKS, HostAcks } from './acks.js';
import { HOST_SEEN, SeenCheckpoint } from './last-seen.js';

export const HOSTS = 'hosts';
export const GROUPS = 'groups';
export const GROUP_MEMBERS = 'group-members'; // index: `${group}/${hostId}`

export type { HostRecord };

export type GroupRecord = Omit<Group, 'hostCount'>;

export interface LiveInfo {
  free: Capacity | null;
  load: HostLoad | null;
  peer: string;
  intervalMs: number;
  owner: HostRecord['owner'];
}

const UNKNOWN_REASON = 'the controller restarted; waiting for the agent to reconnect';

const emptyCapacity = (): Capacity => ({ vcpus: 0, memoryBytes: 0, diskBytes: 0 });

export class HostRegistry {
  readonly live = new Map<string, LiveInfo>();
  private readonly listeners: ((rec: HostRecord) => void)[] = [];
  /** What VMs hold on a host (the planner's ledger). */
  allocation: (id: string) => { allocated: Capacity; vms: number } = () => ({ allocated: emptyCapacity(), vms: 0 });
  /** A host's in-memory liveness (the session manager's): `unknown` is shown, never stored. */
  liveState: (id: string) => LiveState | undefined = () => undefined;

  /** Called after every committed change of a host record (the planner keeps its fleet view from it). */
  onChange(fn: (rec: HostRecord) => void): void {
    this.listeners.push(fn);
  }

  /** How far each agent's reports are stored (kept apart from the host record: see acks.ts). */
  readonly acks: HostAcks;
  /** When each host was last heard from, as checkpointed (see last-seen.ts). */
  readonly seen: SeenCheckpoint;

  constructor(
    readonly store: Store,
    private readonly events: EventLog,
    private readonly clock: Clock,
  ) {
    this.acks = new HostAcks(store);
    this.seen = new SeenCheckpoint(store);
  }

  async get(id: string): Promise<{ rec: HostRecord; version: number }> {
    const r = ULID_RE.test(id) ? await this.store.get<HostRecord>(HOSTS, id) : undefined;
    if (!r) throw new NotFoundError('host');
    return { rec: r.value, version: r.version };
  }

  async find(id: string): Promise<HostRecord | undefined> {
    return (await this.store.get<HostRecord>(HOSTS, id))?.value;
  }

  /**
   * The API view: stored record merged with live figures. The basic view keeps
   * the inventory's summary (what `host ls` and placement read) and leaves out
   * its lists, so a page of 1,000 hosts stays small.
   */
  view(rec: HostRecord, version: number, lastSeen?: number, detail: HostDetail = 'full'): Host {
    const l = this.live.get(rec.id);
    const a = this.allocation(rec.id);
    const state = this.shown(rec);
    // The stored reason is from before the restart: not why it is unknown now.
    const shown = state === 'unknown' ? { ...rec, stateReason: UNKNOWN_REASON } : rec;
    return hostToProto(shown, version, {
      allocated: a.allocated,
      vmCount: a.vms,
      inventory: rec.inventory && detail === 'basic' ? inventorySummary(rec.inventory) : rec.inventory,
      free: l?.free ?? rec.inventory?.guest ?? emptyCapacity(),
      load: l?.load ?? null,
      peer: l?.peer ?? '',
      heartbeatIntervalMs: l?.intervalMs ?? 0,
      owner: l?.owner ?? rec.owner ?? 'none',
      lastSeenUnixMs: lastSeen ?? rec.lastSeenUnixMs,
      state,
      accelerator: acceleratorOf(rec),
    });
  }

  shown(rec: HostRecord): ReturnType<typeof shownState> {
    return shownState(rec, this.liveState(rec.id));
  }

  async *all(): AsyncIterable<{ rec: HostRecord; version: number }> {
    for await (const e of this.store.scan<HostRecord>(HOSTS)) yield { rec: e.value, version: e.version };
  }

  async list(o: {
    after: string;
    limit: number;
    group?: string;
    state?: string;
    kind?: string;
  }): Promise<{ hosts: { rec: HostRecord; version: number }[]; more: boolean }> {
    const out: { rec: HostRecord; version: number }[] = [];
    const accept = (r: HostRecord) => (!o.state || this.shown(r) === o.state) && (!o.kind || r.kind === o.kind);
    if (o.group) {
      // Walk the group index rather than every host.
      const prefix = `${o.group}/`;
      for await (const { key } of this.store.scan(GROUP_MEMBERS, {
        prefix,
        ...(o.after ? { gt: prefix + o.after } : {}),
      })) {
        const r = await this.store.get<HostRecord>(HOSTS, key.slice(prefix.length));
        if (!r || !accept(r.value)) continue;
        if (out.length === o.limit) return { hosts: out, more: true };
        out.push({ rec: r.value, version: r.version });
      }
      return { hosts: out, more: false };
    }
    for await (const e of this.store.scan<HostRecord>(HOSTS, o.after ? { gt: o.after } : {})) {
      if (!accept(e.value)) continue;
      if (out.length === o.limit) return { hosts: out, more: true };
      out.push({ rec: e.value, version: e.version });
    }
    return { hosts: out, more: false };
  }

  /** Applies `fn` to the stored record and commits it with the given events, fenced on its version. */
  async update(
    id: string,
    fn: (r: HostRecord) => HostRecord | undefined,
    events: (r: HostRecord) => NewEvent[] = () => [],
    extra: { ops?: Op[]; pre?: Precondition[] } = {},
  ): Promise<{ rec: HostRecord; version: number }> {
    // Lost a race with another writer of this host: re-read and re-apply (not
    // when the caller's own preconditions are in the batch: they may be why).
    return retryOnConflict(
      async () => {
        const { rec, version } = await this.get(id);
        const next = fn(structuredClone(rec));
        if (!next) return { rec, version };
        const v = await this.events.commit({
          ops: [put(HOSTS, id, next), ...(extra.ops ?? [])],
          preconditions: [at(HOSTS, id, version), ...(extra.pre ?? [])],
          events: events(next),
          ref: id,
        });
        for (const l of this.listeners) l(next);
        return { rec: next, version: v.get(`${HOSTS}/${id}`)! };
      },
      extra.pre?.length ? 1 : undefined,
    );
  }

  async setState(id: string, to: HostState, reason: string, lastSeen: number): Promise<void> {
    await this.update(
      id,
      (r) => {
        if (r.state === to) return undefined;
        return { ...r, state: to, stateReason: reason, stateChangedUnixMs: this.clock.now(), lastSeenUnixMs: lastSeen };
      },
      (r) => [
        {
          type: 'host.state_changed',
          severity: to === 'ready' ? 'info' : to === 'down' ? 'error' : 'warning',
          message: `host is ${to}: ${reason}`,
          hostId: id,
          attributes: { state: to, name: r.name },
        },
      ],
    );
  }

  async cordon(id: string, cordoned: boolean, reason: string): Promise<{ rec: HostRecord; version: number }> {
    return this.update(
      id,
      (r) =>
        r.cordoned === cordoned && r.cordonReason === reason
          ? undefined
          : { ...r, cordoned, cordonReason: cordoned ? reason : '' },
      () => [
        {
          type: cordoned ? 'host.cordoned' : 'host.uncordoned',
          message: cordoned ? 'host cordoned' : 'host uncordoned',
          hostId: id,
          attributes: (reason ? { reason } : {}) as Record<string, string>,
        },
      ],
    );
  }

  async revoke(id: string, reason: string): Promise<{ rec: HostRecord; version: number }> {
    return this.update(
      id,
      (r) =>
        r.revoked
          ? undefined
          : { ...r, revoked: true, revokedReason: reason, cordoned: true, cordonReason: r.cordonReason || 'revoked' },
      () => [
        {
          type: 'host.revoked',
          severity: 'warning',
          message: 'host credentials revoked',
          hostId: id,
          attributes: { reason },
        },
      ],
    );
  }

  /**
   * Deletes a host's record with everything keyed by it (group memberships,
   * ack, last-seen and usage-spans records) in one batch, fenced on the record's version:
   * a host changed meanwhile (e.g. uncordoned, reconnected) is not removed.
   */
  async remove(id: string, version: number): Promise<HostRecord> {
    const changed = () => new FailedPreconditionError('the host changed while it was being removed; retry');
    const { rec, version: now } = await this.get(id);
    if (now !== version) throw changed();
    await this.events
      .commit({
        ops: [
          del(HOSTS, id),
          ...rec.groups.map((g) => del(GROUP_MEMBERS, `${g}/${id}`)),
          del(HOST_ACKS, id),
          del(HOST_SEEN, id),
          del(USAGE_SPANS, id),
        ],
        preconditions: [at(HOSTS, id, version)],
        events: [
          {
            type: 'host.removed',
            severity: 'warning',
            message: 'host removed from the fleet',
            hostId: id,
            attributes: { name: rec.name },
          },
        ],
        ref: id,
      })
      .catch((e: unknown) => {
        throw isConflict(e) ? changed() : e;
      });
    return rec;
  }

  /** Records a renewed client certificate; the previous one stays valid until the agent uses the new one. */
  async renewCertificate(id: string, serial: string, notAfter: number): Promise<void> {
    await this.update(
      id,
      (r) => ({ ...r, previousCertSerial: r.certSerial, certSerial: serial, certNotAfterUnixMs: notAfter }),
      () => [
        {
          type: 'host.certificate_renewed',
          message: 'host certificate renewed',
          hostId: id,
          attributes: { not_after: new Date(notAfter).toISOString() },
        },
      ],
    );
  }

  /** The agent presented its new certificate: the previous one is no longer accepted. */
  async retirePreviousCertificate(id: string): Promise<void> {
    await this.update(id, (r) => (r.previousCertSerial ? { ...r, previousCertSerial: '' } : undefined));
  }

  async setGroups(id: string, groups: string[]): Promise<{ rec: HostRecord; version: number }> {
    const wanted = [...new Set(groups)].sort();
    const found = await this.store.getMany<GroupRecord>(GROUPS, wanted);
    found.forEach((g, i) => {
      if (!g) throw new InvalidArgumentError(`groups[${groups.indexOf(wanted[i]!)}]`, 'unknown group');
    });
    const { rec } = await this.get(id);
    const ops: Op[] = [];
    for (const g of rec.groups) if (!wanted.includes(g)) ops.push(del(GROUP_MEMBERS, `${g}/${id}`));
    for (const g of wanted) if (!rec.groups.includes(g)) ops.push(put(GROUP_MEMBERS, `${g}/${id}`, {}));
    // Groups must still exist when the batch lands.
    const pre = wanted.map((g, i) => at(GROUPS, g, found[i]!.version));
    return this.update(
      id,
      (r) => (sameList(r.groups, wanted) ? undefined : { ...r, groups: wanted }),
      () => [
        {
          type: 'host.groups_changed',
          message: 'host groups changed',
          hostId: id,
          attributes: { groups: wanted.join(',') },
        },
      ],
      { ops, pre },
    );
  }

  async createGroup(name: string, description: string): Promise<GroupRecord> {
    const g: GroupRecord = { name, description, createdUnixMs: this.clock.now() };
    try {
      await this.events.commit({
        ops: [put(GROUPS, name, g)],
        preconditions: [absent(GROUPS, name)],
        events: [{ type: 'group.created', message: 'virtual group created', attributes: { group: name } }],
        ref: name,
      });
    } catch (e) {
      if (isConflict(e)) throw new AlreadyExistsError('group');
      throw e;
    }
    return g;
  }

  async getGroup(name: string): Promise<Group> {
    const g = await this.store.get<GroupRecord>(GROUPS, name);
    if (!g) throw new NotFoundError('group');
    return { ...g.value, hostCount: await this.groupSize(name) };
  }

  async listGroups(after: string, limit: number): Promise<{ groups: Group[]; more: boolean }> {
    const out: Group[] = [];
    for await (const { value } of this.store.scan<GroupRecord>(GROUPS, after ? { gt: after } : {})) {
      if (out.length === limit) return { groups: out, more: true };
      out.push({ ...value, hostCount: await this.groupSize(value.name) });
    }
    return { groups: out, more: false };
  }

  private async groupSize(name: string): Promise<number> {
    let n = 0;
    for await (const _ of this.store.scan(GROUP_MEMBERS, { prefix: `${name}/` })) n++;
    return n;
  }

  /**
   * Stores an agent's inventory, cut to the size limits. An implausible one
   * (absurd capacity, more free than total) is refused with an event and the
   * previous inventory is kept.
   */
  async setInventory(
    id: string,
    raw: Inventory,
  ): Promise<{ ok: true; inv: Inventory; truncated: string[] } | { ok: false; reason: string }> {
    const c = checkInventory(raw);
    if (!c.ok) {
      await this.events.append({
        type: 'host.inventory_rejected',
        severity: 'warning',
        message: `host inventory rejected: ${c.reason}`,
        hostId: id,
        actor: id,
        attributes: { reason: c.reason },
      });
      return c;
    }
    const inv = c.inv;
    await this.update(
      id,
      (r) => (r.inventory?.hash === inv.hash ? undefined : { ...r, inventory: inv, schemes: inv.schemes }),
      () => [
        {
          type: 'host.inventory_updated',
          message: 'host inventory updated',
          hostId: id,
          attributes: { hash: inv.hash, ...(c.truncated.length ? { truncated: c.truncated.join(',') } : {}) },
        },
      ],
    );
    return c;
  }
}

/** How much of the inventory a host view carries. */
export type HostDetail = HostView;

/** The inventory without its lists: CPU (no flags), memory, OS, capacities, schemes, hash. */
export function inventorySummary(inv: Inventory): Inventory {
  return {
    ...inv,
    cpu: inv.cpu ? { ...inv.cpu, flags: [] } : inv.cpu,
    disks: [],
    filesystems: [],
    nics: [],
    hypervisors: [],
    software: [],
  };
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
