// The Management port (controller/tokens/ports.ts), as the RPC handlers and the
// update cycle use it: instances (begin/configure/end), captures, clones, probes.
import type { VmSet__Output as VmSet } from '../../common/gen/nephele/v1/VmSet.js';
import type { Plan__Output as Plan } from '../../common/gen/nephele/v1/Plan.js';
import { FailedPreconditionError, UnavailableError } from '../../common/errors.js';
import { vmsOfSet } from '../planner/sets.js';
import type { ConfigRequest, ImageRecord, ImageRef, ManagementRecord, SetRequest, VmRecord } from '../model/index.js';
import type { HealthProbe, ImageStore, Management, ManagementTarget, Scope } from './ports.js';
import { Instances, type InstanceDeps } from './management.js';
import { Captures, type CaptureDeps } from './capture.js';
import { cloneRequest } from './clones.js';
import { ulid } from '../../common/ids.js';

/** How long BeginManagement(image) waits for its new VM to run (the handler's deadline is longer). */
export const BOOT_WAIT_MS = 120_000;

export interface ManagementDeps extends InstanceDeps, CaptureDeps {
  images: ImageStore;
  createSet(req: SetRequest, tenant: string): Promise<{ set: VmSet; plan: Plan }>;
}

export class ManagementService implements Management {
  readonly instances: Instances;
  readonly captures: Captures;

  constructor(private readonly d: ManagementDeps) {
    this.instances = new Instances(d);
    this.captures = new Captures(d, this.instances);
  }

  async begin(target: ManagementTarget, scope: Scope, opts: { cycleId?: string } = {}) {
    const vm =
      'imageId' in target ? await this.started(target.imageId, scope) : await this.instances.pick(target, scope);
    return this.instances.begin(vm, scope, opts.cycleId);
  }

  configure(token: string, change: ConfigRequest, scope: Scope, principal = ''): Promise<ManagementRecord> {
    return this.instances.configure(token, change, scope, principal);
  }

  capture(token: string, name: string, scope: Scope, opts: { cycleId?: string } = {}): Promise<ImageRecord> {
    return this.captures.capture(token, name, scope, opts.cycleId);
  }

  end(token: string, scope: Scope): Promise<{ record: ManagementRecord; vm: VmRecord }> {
    return this.instances.end(token, scope);
  }

  endById(tokenId: string): Promise<void> {
    return this.instances.endById(tokenId);
  }

  /** A set of `count` clones with the image's spec; `request` gives the rest (name, SLA, placement). */
  async populate(
    imageId: string,
    count: number,
    request: SetRequest | undefined,
    scope: Scope,
  ): Promise<{ setId: string }> {
    const { image, ref } = await this.d.images.refForClone(imageId, scope, 'image_id');
    const base: SetRequest = request ?? defaultRequest(image);
    const { set } = await this.clones(cloneRequest(image, count, base), ref, image.tenant);
    return { setId: set.id };
  }

  /** Creates a set of clones whose spec is already resolved to `ref`. */
  clones(req: SetRequest, ref: ImageRef, tenant: string): Promise<{ set: VmSet; plan: Plan }> {
    return this.d.createSet({ ...req, spec: { ...req.spec, base: ref } }, tenant);
  }

  /** A new one-VM set of the image, once its VM runs (bounded: BOOT_WAIT_MS). */
  private async started(imageId: string, scope: Scope): Promise<VmRecord> {
    const { image, ref } = await this.d.images.refForClone(imageId, scope, 'image_id');
    const { set, plan } = await this.clones(cloneRequest(image, 1, defaultRequest(image)), ref, image.tenant);
    if (!plan.placed)
      throw new FailedPreconditionError(`image_id: no host can run a vm of it now: ${plan.reasons.join('; ')}`);
    const setId = set.id;
    const until = this.d.clock.now() + BOOT_WAIT_MS;
    for (;;) {
      const vm = (await vmsOfSet(this.d.store, setId)).map((r) => r.vm).find((v) => v.desired === 'running');
      if (vm?.state === 'running' && vm.hostId) return vm;
      if (vm?.state === 'failed') throw new FailedPreconditionError(`image_id: its vm failed: ${vm.stateReason}`);
      if (this.d.clock.now() >= until)
        throw new UnavailableError('image_id: its vm did not start in time; begin on its set once it runs');
      await new Promise<void>((r) => this.d.clock.setTimeout(r, 250));
    }
  }

  async probe(vmId: string, p: HealthProbe): Promise<{ ok: boolean; status: number; detail: string }> {
    const { vm } = await this.d.vms.get(vmId);
    const r = await this.d.commands.run(
      vm.hostId,
      {
        commandId: ulid(this.d.clock.now()),
        vmId,
        generation: vm.generation,
        probe: { path: p.path, expect: p.expect, timeoutMs: p.timeoutMs },
      },
      p.timeoutMs + 5000,
    );
    return { ok: r.ok, status: r.httpStatus, detail: (r.ok ? r.detail : r.error || r.detail).slice(0, 4096) };
  }
}

function defaultRequest(image: ImageRecord): SetRequest {
  return {
    name: '',
    tenant: image.tenant,
    spec: image.spec,
    count: 1,
    sla: 'guaranteed',
    startAtUnixMs: 0,
    batchWindowS: 0,
    durationS: 0,
    endOnTask: false,
    group: '',
    labels: {},
    affinity: 'none',
    schemePreference: [image.scheme],
    strategy: 'default',
  };
}
