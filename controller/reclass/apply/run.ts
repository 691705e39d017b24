// Carries out an applying recommendation, one step after the other, each with
// its `reclass.apply.<step>` event (vm_id, recommendation_id). The long waits
// (a VM coming up elsewhere) run after the RPC answered; the record ends
// applied or failed, with the reason, for GetRecommendation to show.
import { FailedPreconditionError } from '../../../common/errors.js';
import { retryOnConflict } from '../../../common/store/index.js';
import { ulid } from '../../../common/ids.js';
import { resizedReason } from '../../../agent/runner/decide.js';
import type { RecommendationRecord } from '../../model/reclass.js';
import type { VmRecord } from '../../model/vm.js';
import { lifecycleEvent, VMS } from '../../vms/registry.js';
import type { ReclassDeps } from '../deps.js';
import type { ApplyStepModel, Recommendations } from '../ports.js';
import { untilOk } from './until-ok.js';
import { sizeOf } from './decide.js';

/** How long a VM may take to come up at its new size or place. */
export const WAIT_MS = 5 * 60_000;
const POLL_MS = 250;
/** How long an appliance may take to answer after a change (it may be restarting to take new config). */
export const PROBE_MS = 30_000;

export type RunDeps = ReclassDeps & {
  recommendations: Recommendations;
  requiredFeatures: (rec: RecommendationRecord, vm: VmRecord) => Promise<string[]>;
};

export class Runner {
  constructor(private readonly d: RunDeps) {}

  /**
   * What the planner would do, without writing: RESOURCE_EXHAUSTED naming the
   * quota, FAILED_PRECONDITION when no host can take it. Reassign checks its target.
   */
  async check(rec: RecommendationRecord, vm: VmRecord): Promise<void> {
    const d = this.d;
    const size = sizeOf(rec);
    if (rec.kind === 'resize') await d.planner.resizeVm(vm.id, vm.generation, size, { dryRun: true });
    else if (rec.kind === 'move') {
      await this.moveCheck(vm, { size, features: await d.requiredFeatures(rec, vm), generation: vm.generation });
    } else if (rec.kind === 'new_vm')
      await d.planner.addVmLike(vm, size, await d.requiredFeatures(rec, vm), { dryRun: true });
    else await this.reassignTarget(rec, vm);
  }

  /** Runs the steps of an applying record to the end; never throws (the record says how it ended). */
  async run(rec: RecommendationRecord, vm: VmRecord, steps: ApplyStepModel[]): Promise<void> {
    const d = this.d;
    let newVmId = '';
    const step = async (name: string, fn: () => Promise<string | void>) => {
      const s = steps.find((x) => x.name === name)!;
      try {
        const detail = await fn();
        if (detail) s.detail = detail;
        s.state = 'done';
        await this.event(rec, name, s.detail, 'info');
      } catch (e) {
        s.state = 'failed';
        s.detail = (e as Error).message;
        await this.event(rec, name, s.detail, 'warning');
        throw e;
      }
    };
    try {
      const size = sizeOf(rec);
      if (rec.kind === 'resize') {
        await step(
          'reserve',
          async () => void (await d.planner.resizeVm(vm.id, vm.generation, size, { dryRun: true })),
        );
        await step('resize', async () => void (await d.planner.resizeVm(vm.id, vm.generation, size)));
        const want = resizedReason(size.vcpus, size.memoryMib);
        await step('wait', () => this.waitVm(vm.id, (v) => v.state === 'running' && v.stateReason === want));
      } else if (rec.kind === 'move') {
        const features = await d.requiredFeatures(rec, vm);
        const x = { size, features, generation: vm.generation };
        await step('reserve', () => this.moveCheck(vm, x));
        await step('move', async () => {
          const m = await d.planner.moveVm(vm.id, 'reclassification', x);
          if (!m.moved) throw new FailedPreconditionError(`not moved: ${m.reasons.join('; ') || 'no host'}`);
          const now = (await d.store.get<VmRecord>(VMS, vm.id))?.value;
          // A qemu VM hands its disk over first (cold move): re-placed once it is copied.
          return now?.exportDisk
            ? 'cold move: its disk is exported, then it is re-placed'
            : `re-placed on host ${d.planner.fleet.slot(now?.hostId ?? '')?.name ?? now?.hostId}`;
        });
        const from = vm.hostId;
        await step('wait', () =>
          this.waitVm(
            vm.id,
            (v) => v.hostId !== from && !v.exportDisk && v.state === 'running' && v.guestReady,
            (v) => (v.hostId === from && !v.exportDisk && !v.moveChange ? v.stateReason : undefined), // abandoned
          ),
        );
      } else if (rec.kind === 'new_vm') {
        const features = await d.requiredFeatures(rec, vm);
        await step('reserve', async () => void (await d.planner.addVmLike(vm, size, features, { dryRun: true })));
        await step('create', async () => {
          const made = await d.planner.addVmLike(vm, size, features);
          newVmId = made.id;
          return `${made.name} created`;
        });
        await step('wait', () => this.waitVm(newVmId, (v) => v.state === 'running' && v.guestReady));
        await step('probe', () => this.probe(newVmId));
        await step('retire', () => this.retire(vm.id));
      } else {
        const target = await this.reassignTarget(rec, vm);
        newVmId = target.id; // the contract: new_vm_id names the reassignment's target
        await step('check', async () => `target ${target.name} runs`);
        await step('configure', () => this.configure(vm, target));
        await step('probe', () => this.probe(target.id));
        await step('retire', () => this.retire(vm.id));
      }
      await this.finish(rec, 'applied', 'applied', newVmId);
    } catch (e) {
      for (const s of steps) if (s.state === 'planned') s.state = 'skipped';
      d.log.warn({ err: e, vm_id: rec.vmId, recommendation_id: rec.id }, 'reclassification failed');
      await this.finish(rec, 'failed', (e as Error).message.slice(0, 512), newVmId).catch((err) =>
        d.log.error({ err, recommendation_id: rec.id }, 'could not record a failed reclassification'),
      );
    }
  }

  private async moveCheck(
    vm: VmRecord,
    x: { size: ReturnType<typeof sizeOf>; features: string[]; generation: number },
  ) {
    const m = await this.d.planner.moveVm(vm.id, 'reclassification (check)', { ...x, dryRun: true });
    if (!m.moved) throw new FailedPreconditionError(`no host can take it: ${m.reasons.join('; ') || 'none'}`);
  }

  /** The target of a reassignment: a running VM of the same tenant and scheme. */
  private async reassignTarget(rec: RecommendationRecord, vm: VmRecord): Promise<VmRecord> {
    const t = (await this.d.store.get<VmRecord>(VMS, rec.target.vmId))?.value;
    if (!t || t.desired === 'destroyed' || t.tenant !== vm.tenant || t.id === vm.id)
      throw new FailedPreconditionError('the target vm is gone');
    if (t.spec?.scheme !== vm.spec?.scheme) throw new FailedPreconditionError('the target vm runs another scheme');
    if (t.state !== 'running' || !t.guestReady) throw new FailedPreconditionError('the target vm is not running');
    return t;
  }

  /** ApplyConfig of the source's config onto the target (what the source serves, the target now serves too). */
  private async configure(src: VmRecord, target: VmRecord): Promise<string> {
    const r = await this.d.commands.run(
      target.hostId,
      {
        commandId: ulid(this.d.clock.now()),
        vmId: target.id,
        generation: target.generation,
        configure: { config: src.spec?.config ?? {}, files: [], applianceVersion: '' },
      },
      60_000,
    );
    if (!r.ok) throw new FailedPreconditionError(`configure failed: ${r.error}`);
    return `${Object.keys(src.spec?.config ?? {}).length} config keys applied`;
  }

  /**
   * ProbeAppliance on the VM's host until its appliance answers 2xx, for up to
   * PROBE_MS: an appliance taking new config may be restarting, refusing
   * connections for a moment, and a busy host makes that moment longer.
   */
  private async probe(vmId: string): Promise<string> {
    const r = await untilOk(this.d.clock, PROBE_MS, POLL_MS, async () => {
      const vm = (await this.d.store.get<VmRecord>(VMS, vmId))?.value;
      if (!vm || vm.desired === 'destroyed') throw new FailedPreconditionError('the vm is gone');
      return this.d.commands.run(
        vm.hostId,
        {
          commandId: ulid(this.d.clock.now()),
          vmId,
          generation: vm.generation,
          probe: { path: '/', expect: '', timeoutMs: 5_000 },
        },
        15_000,
      );
    });
    if (!r.ok) throw new FailedPreconditionError(`the appliance did not answer: ${r.error || `HTTP ${r.httpStatus}`}`);
    return `HTTP ${r.httpStatus}`;
  }

  /** Destroys the VM the reclassification replaced (its set, if any, holds the new one already). */
  private async retire(vmId: string): Promise<string> {
    const { vm } = await this.d.vms.setDesired(
      vmId,
      undefined,
      (v) => (v.desired === 'destroyed' ? undefined : { desired: 'destroyed' }),
      lifecycleEvent('destroy_requested'),
    );
    this.d.sessions.pushDesired(vm.hostId);
    return 'destroyed';
  }

  /** Resolves once `ok(vm)`; FAILED_PRECONDITION when the VM fails, is gone, or the wait runs out. */
  private async waitVm(
    vmId: string,
    ok: (vm: VmRecord) => boolean,
    failed: (vm: VmRecord) => string | undefined = () => undefined,
  ): Promise<string> {
    const { clock, store } = this.d;
    const deadline = clock.now() + WAIT_MS;
    for (;;) {
      const vm = (await store.get<VmRecord>(VMS, vmId))?.value;
      if (!vm || vm.desired === 'destroyed') throw new FailedPreconditionError('the vm is gone');
      if (ok(vm)) return `${vm.state}: ${vm.stateReason}`;
      if (vm.state === 'failed') throw new FailedPreconditionError(`the vm failed: ${vm.stateReason}`);
      const why = failed(vm);
      if (why) throw new FailedPreconditionError(why);
      if (clock.now() > deadline)
        throw new FailedPreconditionError(`timed out waiting (${vm.state}: ${vm.stateReason})`);
      await new Promise<void>((r) => clock.setTimeout(r, POLL_MS));
    }
  }

  /** `reclass.apply.<step>`; the detail (which may name a vm or host) goes in the attributes, never the message. */
  private async event(rec: RecommendationRecord, step: string, detail: string, severity: 'info' | 'warning') {
    await this.d.events.append({
      type: `reclass.apply.${step}`,
      severity,
      message: `reclassification (${rec.kind}): ${step} ${severity === 'warning' ? 'failed' : 'done'}`,
      tenant: rec.tenant,
      attributes: {
        vm_id: rec.vmId,
        recommendation_id: rec.id,
        kind: rec.kind,
        detail: detail.slice(0, 256),
        ...(rec.setId ? { set_id: rec.setId } : {}),
      },
    });
  }

  /** The end state, on the record as it is now (re-read: its version may have moved while it ran). */
  async finish(rec: RecommendationRecord, state: 'applied' | 'failed', reason: string, newVmId: string) {
    const d = this.d;
    await retryOnConflict(async () => {
      const { rec: cur, version } = await d.recommendations.get(rec.id, undefined);
      const next = {
        ...cur,
        state,
        stateReason: reason,
        newVmId: newVmId || cur.newVmId,
        updatedUnixMs: d.clock.now(),
      };
      await d.recommendations.update(next, version);
    });
    await this.event(rec, state, reason, state === 'failed' ? 'warning' : 'info');
  }
}
