// Management instances: a token marks one VM (hidden, out of its set's counts)
// until it ends. The plaintext token exists only in the BeginManagement answer
// and on its way to the guest; the store keeps its sha256.
import { FailedPreconditionError, InvalidArgumentError } from '../../common/errors.js';
import { ulid } from '../../common/ids.js';
import { absent, at, put, retryOnConflict, KeyedMutex, type Store } from '../../common/store/index.js';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { EventLog, NewEvent } from '../events/log.js';
import type { VmRegistry } from '../vms/registry.js';
import { getSet, live, vmsOfSet } from '../planner/sets.js';
import {
  indexKey,
  MAX_CHANGES,
  MGMT_BY_HASH,
  MGMT_BY_SET,
  MGMT_TOKENS,
  type ConfigRequest,
  type ManagementRecord,
  type VmRecord,
} from '../model/index.js';
import type { AgentCommands, Scope } from './ports.js';
import { isEmptyChange, newToken, tokenHash } from './input.js';
import { byId, byToken, guest, type Found } from './records.js';

export interface InstanceDeps {
  store: Store;
  events: EventLog;
  clock: Clock;
  log: Logger;
  vms: VmRegistry;
  commands: AgentCommands;
  push(hostId: string): void;
}

const event = (type: string, message: string, rec: ManagementRecord, vm: VmRecord): NewEvent => ({
  type,
  message,
  tenant: rec.tenant,
  hostId: vm.hostId || undefined,
  attributes: { vm_id: vm.id, set_id: rec.setId, token_id: rec.tokenId, config_version: String(rec.configVersion) },
});

/** Whether a VM can become a management instance now ('' = it can). */
function unfit(vm: VmRecord): string {
  if (vm.managed) return 'is a management instance already';
  if (vm.desired !== 'running' || vm.state !== 'running' || !vm.hostId) return 'is not running';
  if (vm.exportDisk || vm.importDisk) return 'is being moved';
  return '';
}

export class Instances {
  /** One operation per token at a time (configure, capture and end never interleave). */
  readonly locks = new KeyedMutex();

  constructor(private readonly d: InstanceDeps) {}

  /** The VM a target names, in scope: the VM itself, or the oldest running member of the set. */
  async pick(target: { setId: string } | { vmId: string }, scope: Scope): Promise<VmRecord> {
    if ('vmId' in target) {
      const { vm } = await this.d.vms.get(target.vmId, scope);
      const why = unfit(vm);
      if (why) throw new FailedPreconditionError(`vm_id ${why}`);
      return vm;
    }
    const { set } = await getSet(this.d.store, target.setId, scope);
    if (set.state === 'retiring' || set.state === 'retired')
      throw new FailedPreconditionError(`set_id is ${set.state}`);
    const members = (await vmsOfSet(this.d.store, set.id)).map((r) => r.vm).filter(live);
    if (members.some((v) => v.managed)) throw new FailedPreconditionError('set_id has a management instance already');
    const vm = members.filter((v) => !unfit(v)).sort((a, b) => (a.id < b.id ? -1 : 1))[0];
    if (!vm) throw new FailedPreconditionError('set_id has no running vm to manage');
    return vm;
  }

  async begin(
    vm0: VmRecord,
    scope: Scope,
    cycleId = '',
  ): Promise<{ token: string; record: ManagementRecord; vm: VmRecord }> {
    const d = this.d;
    const token = newToken();
    const now = d.clock.now();
    const record: ManagementRecord = {
      tokenId: ulid(now),
      tenant: vm0.tenant,
      vmId: vm0.id,
      setId: vm0.setId,
      tokenSha256: tokenHash(token),
      live: true,
      createdUnixMs: now,
      endedUnixMs: 0,
      configVersion: 0,
      changes: [],
      cycleId,
      parentImageId: vm0.spec.base?.imageId ?? '',
    };
    // Hidden and out of the set's counts in the batch that stores the token's hash.
    const { vm } = await d.vms.setDesired(
      vm0.id,
      scope,
      (v) => {
        const why = unfit(v);
        if (why) throw new FailedPreconditionError(`vm_id ${why}`);
        return { managed: record.tokenId };
      },
      (v) => event('mgmt.begun', "management instance begun: hidden, out of its set's counts", record, v),
      () => ({
        ops: [
          put(MGMT_TOKENS, record.tokenId, record),
          put(MGMT_BY_HASH, record.tokenSha256, record.tokenId),
          ...(record.setId ? [put(MGMT_BY_SET, indexKey(record.setId, record.tokenId), '')] : []),
        ],
        preconditions: [absent(MGMT_TOKENS, record.tokenId), absent(MGMT_BY_HASH, record.tokenSha256)],
        ref: record.tokenId,
      }),
    );
    d.push(vm.hostId);
    try {
      await guest(d.commands, vm, { tokenPut: { token } }).catch(() => {
        // The agent's words are not passed on: they could quote what it was given.
        throw new FailedPreconditionError('vm could not take the token (its host refused or is not connected)');
      });
      const held = await guest(d.commands, vm, { tokenCheck: {} });
      if (held.tokenSha256 !== record.tokenSha256)
        throw new FailedPreconditionError('vm does not hold the token it was given');
    } catch (e) {
      d.log.warn({ err: e, vm_id: vm.id, token_id: record.tokenId }, 'management could not begin; undone');
      await this.finish(record.tokenId, 'could not begin', true).catch((err) =>
        d.log.error({ err, token_id: record.tokenId }, 'could not undo a failed management begin'),
      );
      throw e;
    }
    return { token, record, vm };
  }

  async configure(token: string, change: ConfigRequest, scope: Scope, principal: string): Promise<ManagementRecord> {
    if (isEmptyChange(change)) throw new InvalidArgumentError('config', 'nothing to change');
    const { rec: first } = await byToken(this.d.store, token, scope);
    return this.locks.run(first.tokenId, async () => {
      const { rec } = await byToken(this.d.store, token, scope);
      const { vm } = await this.d.vms.get(rec.vmId);
      if (change.applianceVersion || Object.keys(change.config).length || change.files.length)
        await guest(this.d.commands, vm, {
          configure: {
            config: change.config,
            files: change.files.map((f) => ({
              path: f.path,
              content: Buffer.from(f.contentB64, 'base64'),
              mode: f.mode,
            })),
            applianceVersion: change.applianceVersion,
          },
        });
      return retryOnConflict(async () => {
        const { rec: cur, version } = await byId(this.d.store, rec.tokenId, scope);
        const version2 = cur.configVersion + 1;
        const next: ManagementRecord = {
          ...cur,
          configVersion: version2,
          changes: [...cur.changes, { ...change, version: version2, timeUnixMs: this.d.clock.now(), principal }].slice(
            -MAX_CHANGES,
          ),
        };
        await this.d.events.commit({
          ops: [put(MGMT_TOKENS, cur.tokenId, next)],
          preconditions: [at(MGMT_TOKENS, cur.tokenId, version)],
          events: [event('mgmt.configured', 'management instance configured', next, vm)],
          ref: cur.tokenId,
        });
        return next;
      });
    });
  }

  async end(token: string, scope: Scope): Promise<{ record: ManagementRecord; vm: VmRecord }> {
    const { rec } = await byToken(this.d.store, token, scope);
    return this.finish(rec.tokenId, 'ended', false);
  }

  /** Idempotent: an ended token stays ended. */
  async endById(tokenId: string): Promise<void> {
    const { rec } = await byId(this.d.store, tokenId, undefined);
    if (rec.live) await this.finish(tokenId, 'ended', false);
  }

  /**
   * Takes the token out of the guest (checked gone) unless the VM is gone, then
   * returns the VM to its set, unhidden, in the batch that marks the token ended.
   */
  private finish(tokenId: string, why: string, undo: boolean): Promise<{ record: ManagementRecord; vm: VmRecord }> {
    const d = this.d;
    return this.locks.run(tokenId, async () => {
      const f: Found = await byId(d.store, tokenId, undefined);
      const { vm } = await d.vms.get(f.rec.vmId);
      if (!f.rec.live) return { record: f.rec, vm };
      const gone = vm.state === 'destroyed' || vm.desired === 'destroyed' || !vm.hostId;
      if (!gone) {
        await guest(d.commands, vm, { tokenRemove: {} }).catch((e) => {
          if (!undo) throw e;
        });
        const held = await guest(d.commands, vm, { tokenCheck: {} });
        if (held.tokenSha256) throw new FailedPreconditionError('token is still in the guest; try again');
      }
      const record: ManagementRecord = { ...f.rec, live: false, endedUnixMs: d.clock.now() };
      const r = await d.vms.setDesired(
        vm.id,
        undefined,
        (v) => ({ managed: v.managed === tokenId ? undefined : v.managed }),
        (v) => event('mgmt.ended', `management instance ${why}: back in its set, unhidden`, record, v),
        () => ({
          ops: [put(MGMT_TOKENS, tokenId, record)],
          preconditions: [at(MGMT_TOKENS, tokenId, f.version)],
          ref: tokenId,
        }),
      );
      if (r.vm.hostId) d.push(r.vm.hostId);
      return { record, vm: r.vm };
    });
  }
}
