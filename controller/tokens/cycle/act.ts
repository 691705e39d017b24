// Runs update cycles: observe → decide → act, one step at a time, every step
// written before it runs (running) and after (done or failed), so a restarted
// controller resumes from the record (start()). The plaintext token lives only
// in this process's memory; a cycle that loses it mid-management reverts.
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/logger.js';
import type { Store } from '../../../common/store/index.js';
import { outsideCall } from '../../context.js';
import type { NewEvent } from '../../events/log.js';
import type { CycleRecord, CycleStep, SetRecord, SetRequest } from '../../model/index.js';
import type { Management } from '../ports.js';
import { decide, HEALTH_POLL_MS, type Action, type StepName } from './decide.js';
import { observe, type CycleSets } from './observe.js';
import { loadCycle, saveCycle, type Commit } from './store.js';

/** VMs probed at once in one health round. */
const PROBE_BATCH = 16;
const PROBE_TIMEOUT_MS = 5000;
/** After an action failed to be recorded (store trouble), the loop waits this long and looks again. */
const RETRY_MS = 2000;
const DETAIL_MAX = 300;

export interface CycleDeps {
  store: Store;
  events: Commit;
  clock: Clock;
  log: Logger;
  mgmt: Management;
  sets: CycleSets;
}

interface Memory {
  token?: string;
  probedOk: Set<string>;
  /** What the last failed probe said (a failed health gate tells why). */
  lastProbe?: string;
}

/** The revised set's request: the prior one, cloned from the child image, with the cycle's changes. */
export function revisedRequest(prior: SetRecord, c: CycleRecord, count: number): SetRequest {
  const r = prior.request;
  const ch = c.changes;
  const config = { ...r.spec.config };
  for (const [k, v] of Object.entries(ch.config)) {
    if (v === '') delete config[k];
    else config[k] = v;
  }
  const { base: _base, ...spec } = r.spec;
  return {
    ...r,
    count,
    startAtUnixMs: 0,
    spec: {
      ...spec,
      image: c.imageId,
      config,
      vcpus: ch.vcpus || spec.vcpus,
      memoryMib: ch.memoryMib || spec.memoryMib,
      diskGib: ch.diskGib || spec.diskGib,
    },
  };
}

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, DETAIL_MAX);

export class CycleRunner {
  private readonly active = new Map<string, Promise<void>>();
  private readonly memory = new Map<string, Memory>();
  private stopped = false;
  /** Told after every write of a cycle (tests and followers). */
  onChange?: (c: CycleRecord) => void;
  /** Told once a cycle's revised set exists: what belongs to the prior set (its monitor policy, subscription) follows it. */
  readonly onRevised = new Set<(priorSetId: string, newSetId: string) => Promise<void>>();

  constructor(private readonly d: CycleDeps) {}

  /** Stops driving cycles (shutdown); their records stay as last written. */
  stop(): void {
    this.stopped = true;
  }

  /** Drives the cycle until it finishes (or stop()), outside the calling RPC's context. */
  run(id: string): Promise<void> {
    const existing = this.active.get(id);
    if (existing) return existing;
    const p = outsideCall(() => this.loop(id))()
      .catch((err) => this.d.log.error({ err, cycle_id: id }, 'update cycle stopped'))
      .finally(() => {
        this.active.delete(id);
        this.memory.delete(id);
      });
    this.active.set(id, p);
    return p;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.d.clock.setTimeout(resolve, ms));
  }

  private async loop(id: string): Promise<void> {
    const mem: Memory = { probedOk: new Set() };
    this.memory.set(id, mem);
    while (!this.stopped) {
      try {
        const { cycle: c, version } = await loadCycle(this.d.store, id, undefined);
        const memo = { haveToken: !!mem.token, probedOk: mem.probedOk };
        const seen = await observe(this.d.store, this.d.sets, c, memo);
        const a = decide(c, seen.obs, this.d.clock.now());
        if (a.kind === 'none' || (await this.act(c, version, a, mem, seen.prior))) return;
      } catch (err) {
        // Nothing could be read or recorded (store trouble, a conflict): look again shortly.
        this.d.log.warn({ err, cycle_id: id }, 'update cycle could not read or record a step; retrying');
        await this.sleep(RETRY_MS);
      }
    }
  }

  /** Performs one action; true once the cycle is finished. */
  private async act(c: CycleRecord, version: number, a: Action, mem: Memory, prior?: SetRecord): Promise<boolean> {
    const scope = c.tenant;
    const m = this.d.mgmt;
    switch (a.kind) {
      case 'finish': {
        c.state = a.state;
        c.reason = a.reason;
        c.endedUnixMs = this.d.clock.now();
        await this.save(c, version, [
          this.event(c, `update cycle ${a.state}`, a.state === 'succeeded' ? 'info' : 'warning'),
        ]);
        return true;
      }
      case 'fail': {
        const why = a.step === 'health' && mem.lastProbe ? `${a.reason}; last probe: ${mem.lastProbe}` : a.reason;
        await this.failStep(c, version, a.step, why.slice(0, DETAIL_MAX));
        return false;
      }
      case 'select':
        c.vmId = a.vmId;
        await this.record(c, version, 'select', async () => 'a running member chosen');
        return false;
      case 'wait':
        await this.sleep(Math.max(0, a.untilMs - this.d.clock.now()));
        return false;
      case 'probe': {
        const batch = a.vmIds.slice(0, PROBE_BATCH);
        const p = { path: c.options.healthPath, expect: c.options.healthExpect, timeoutMs: PROBE_TIMEOUT_MS };
        const results = await Promise.all(
          batch.map((vm) => m.probe(vm, p).catch((e: unknown) => ({ ok: false, status: 0, detail: msg(e) }))),
        );
        batch.forEach((vm, i) => {
          const r = results[i]!;
          if (r.ok) mem.probedOk.add(vm);
          else mem.lastProbe = `${r.status ? `HTTP ${r.status} ` : ''}${r.detail}`.slice(0, 120);
        });
        // Nobody answered: wait a little rather than probing in a tight loop.
        if (!results.some((r) => r.ok)) await this.sleep(HEALTH_POLL_MS);
        return false;
      }
      case 'health':
        mem.probedOk.clear();
        this.open(c, 'health');
        await this.save(c, version, []);
        return false;
      case 'healthy':
        mem.probedOk.clear();
        await this.close(c, version, 'done', a.detail);
        return false;
      default:
        await this.record(c, version, stepOf(a), () => this.effect(c, a, mem, scope, prior));
        return false;
    }
  }

  /** The side effect of a step; returns its detail (never a token). */
  private async effect(c: CycleRecord, a: Action, mem: Memory, scope: string, prior?: SetRecord): Promise<string> {
    const m = this.d.mgmt;
    switch (a.kind) {
      case 'begin': {
        const r = await m.begin({ vmId: a.vmId }, scope, { cycleId: c.id });
        mem.token = r.token;
        c.tokenId = r.record.tokenId;
        c.parentImageId = r.record.parentImageId;
        return 'the management token is in the instance';
      }
      case 'configure': {
        const r = await m.configure(mem.token!, c.changes, scope);
        return `configuration version ${r.configVersion}`;
      }
      case 'capture': {
        const img = await m.capture(mem.token!, `${prior?.request.name || 'set'}-update`, scope, { cycleId: c.id });
        c.imageId = img.id;
        return `image captured (${img.sizeBytes} bytes)`;
      }
      case 'end':
        if (mem.token && a.tokenId === c.tokenId) await m.end(mem.token, scope);
        else await m.endById(a.tokenId);
        mem.token = undefined;
        return 'the instance is back in its set';
      case 'populate': {
        c.newSetId = a.adopt || (await m.populate(c.imageId, a.count, revisedRequest(prior!, c, a.count), scope)).setId;
        for (const fn of this.onRevised)
          await fn(c.setId, c.newSetId).catch((err: unknown) =>
            this.d.log.warn(
              { err, cycle_id: c.id, set_id: c.newSetId },
              'revised set did not take over from its prior',
            ),
          );
        return `revised set with ${a.count} vm${a.count === 1 ? '' : 's'}`;
      }
      case 'scale':
        await this.d.sets.scale(c.newSetId, a.count, scope);
        return `revised set scaled to ${a.count}`;
      case 'retire':
        if (await this.d.sets.get(c.setId)) await this.d.sets.retire(c.setId, 'replaced by an update cycle', scope);
        return 'prior set retired';
      case 'revert': {
        if (a.newSetId && (await this.d.sets.get(a.newSetId)))
          await this.d.sets.retire(a.newSetId, 'update cycle reverted', scope);
        if (a.tokenId) await m.endById(a.tokenId);
        mem.token = undefined;
        if (a.vmId) await this.d.sets.replace(a.vmId, 'reconfigured by a reverted update cycle');
        const replaced = a.vmId ? '; the reconfigured instance is replaced' : '';
        return `${a.newSetId ? 'revised set removed; ' : ''}the prior set stays${replaced}`;
      }
      default:
        throw new Error(`no effect for ${a.kind}`);
    }
  }

  /** Runs `fn` as the step `name`: written running, then done (with the fields `fn` set) or failed. */
  private async record(c: CycleRecord, version: number, name: StepName, fn: () => Promise<string>): Promise<void> {
    this.open(c, name);
    const v = await this.save(c, version, []);
    let detail: string;
    try {
      detail = await fn();
    } catch (err) {
      this.d.log.warn({ err, cycle_id: c.id, step: name }, 'update cycle step failed');
      await this.close(c, v, 'failed', msg(err));
      // What follows a failure (a revert, a retry) waits a little: a failing dependency is not hammered.
      await this.sleep(RETRY_MS);
      return;
    }
    await this.close(c, v, 'done', detail);
  }

  private open(c: CycleRecord, name: StepName): void {
    const last = c.steps.at(-1);
    // Interrupted by a restart and run again: still the same step.
    if (last?.name === name && last.status === 'running') return;
    c.steps.push({ name, status: 'running', detail: '', startedUnixMs: this.d.clock.now(), endedUnixMs: 0 });
  }

  private close(c: CycleRecord, version: number, status: 'done' | 'failed', detail: string): Promise<number> {
    const s = c.steps.at(-1)!;
    s.status = status;
    s.detail = detail;
    s.endedUnixMs = this.d.clock.now();
    return this.save(c, version, [this.stepEvent(c, s)]);
  }

  /** A step that cannot run (or was interrupted) is recorded as failed. */
  private async failStep(c: CycleRecord, version: number, name: StepName, reason: string): Promise<void> {
    const last = c.steps.at(-1);
    if (!(last?.name === name && last.status === 'running')) this.open(c, name);
    await this.close(c, version, 'failed', reason);
  }

  private async save(c: CycleRecord, version: number, ev: NewEvent[]): Promise<number> {
    const v = await saveCycle(this.d.events, c, version, ev);
    this.onChange?.(structuredClone(c));
    return v;
  }

  private stepEvent(c: CycleRecord, s: CycleStep): NewEvent {
    const e = this.event(c, `update cycle step ${s.name} ${s.status}`, s.status === 'failed' ? 'warning' : 'info');
    e.attributes = { ...e.attributes, step: s.name, status: s.status, detail: s.detail };
    return e;
  }

  private event(c: CycleRecord, message: string, severity: NewEvent['severity']): NewEvent {
    return {
      type: 'update_cycle.changed',
      severity,
      message,
      tenant: c.tenant,
      attributes: { cycle_id: c.id, set_id: c.setId, state: c.state, new_set_id: c.newSetId },
    };
  }
}

function stepOf(a: Action): StepName {
  if (a.kind === 'populate') return a.step;
  if (a.kind === 'scale') return 'batch';
  return a.kind as StepName;
}
