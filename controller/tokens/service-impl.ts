// The Management port (controller/tokens/ports.ts), as the RPC handlers and the
// update cycle use it: instances (begin/configure/end), captures, clones, probes.
import type { VmSet__Output as VmSet } from '../../common/gen/nephele/v1/VmSet.js';
import type { Plan__Output as Plan } from '../../common/gen/nephele/v1/Plan.js';
import { FailedPreconditionError } from '../../common/errors.js';
import type { ConfigRequest, ImageRecord, ImageRef, ManagementRecord, SetRequest, VmRecord } from '../model/index.js';
import type { HealthProbe, ImageStore, Management, ManagementTarget, Scope } from './ports.js';
import { Instances, type InstanceDeps } from './management.js';
import { Captures, type CaptureDeps } from './capture.js';
import { cloneRequest } from './clones.js';
import { ulid } from '../../common/ids.js';

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
    if ('imageId' in target) {
      // A new one-VM set of the image; its VM becomes the instance once it runs (BeginManagement by vm_id).
      const { setId } = await this.populate(target.imageId, 1, undefined, scope);
      throw new FailedPreconditionError(
        `image_id: a vm of the image is starting in set ${setId}; begin on the set once it runs`,
      );
    }
    const vm = await this.instances.pick(target, scope);
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
    return { ok: r.ok, status: r.httpStatus, detail: r.ok ? r.detail : r.error || r.detail };
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
