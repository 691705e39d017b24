// CaptureImage: the agent flattens the management instance's disk without the
// token and uploads it under a transfer id the image store expects; the image is
// registered in one batch with the end of the capture record. A capture record
// left by a controller restart is failed at start: nothing is registered for it.
import { FailedPreconditionError } from '../../common/errors.js';
import { ulid } from '../../common/ids.js';
import { absent, del, put, type Store } from '../../common/store/index.js';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { EventLog } from '../events/log.js';
import type { VmRegistry } from '../vms/registry.js';
import { requireName } from '../../common/validate.js';
import { ImageFormatEnum } from '../../common/grpc/convert.js';
import {
  CAPTURES,
  type CaptureRecord,
  type ImageRecord,
  type ManagementRecord,
  type VmRecord,
  type VmSpec,
} from '../model/index.js';
import type { AgentCommands, ImageStore, Scope } from './ports.js';
import { byToken, guest } from './records.js';
import type { Instances } from './management.js';

export const CAPTURE_TIMEOUT_MS = 15 * 60_000;

export interface CaptureDeps {
  store: Store;
  events: EventLog;
  clock: Clock;
  log: Logger;
  vms: VmRegistry;
  images: ImageStore;
  commands: AgentCommands;
  captureTimeoutMs?: number;
}

/** What clones of the captured VM get: its spec with every configuration change applied. */
export function clonedSpec(vm: VmRecord, rec: ManagementRecord): VmSpec {
  const { base: _b, ...spec } = vm.spec;
  const config = { ...spec.config };
  let { vcpus, memoryMib, diskGib } = spec;
  for (const c of rec.changes) {
    for (const [k, v] of Object.entries(c.config))
      if (v === '') delete config[k];
      else config[k] = v;
    vcpus = c.vcpus || vcpus;
    memoryMib = c.memoryMib || memoryMib;
    diskGib = c.diskGib || diskGib;
  }
  return { ...spec, config, vcpus, memoryMib, diskGib };
}

const applianceVersion = (rec: ManagementRecord) =>
  [...rec.changes].reverse().find((c) => c.applianceVersion)?.applianceVersion ?? '';

export class Captures {
  constructor(
    private readonly d: CaptureDeps,
    private readonly instances: Instances,
  ) {}

  async capture(token: string, name: string, scope: Scope, cycleId = ''): Promise<ImageRecord> {
    const d = this.d;
    if (name) requireName('name', name);
    const { rec: first } = await byToken(d.store, token, scope);
    return this.instances.locks.run(first.tokenId, async () => {
      const { rec } = await byToken(d.store, token, scope);
      const { vm } = await d.vms.get(rec.vmId);
      if (vm.managed !== rec.tokenId) throw new FailedPreconditionError('token: its vm is not a management instance');
      if (vm.state !== 'running' || !vm.hostId) throw new FailedPreconditionError('token: its vm is not running');
      const now = d.clock.now();
      const cap: CaptureRecord = {
        transferId: ulid(now),
        tokenId: rec.tokenId,
        vmId: vm.id,
        hostId: vm.hostId,
        tenant: rec.tenant,
        name,
        startedUnixMs: now,
      };
      const attrs = {
        vm_id: vm.id,
        token_id: rec.tokenId,
        transfer_id: cap.transferId,
        ...(cycleId ? { cycle_id: cycleId } : {}),
      };
      await d.events.commit({
        ops: [put(CAPTURES, cap.transferId, cap)],
        preconditions: [absent(CAPTURES, cap.transferId)],
        events: [
          {
            type: 'image.capture_started',
            message: 'image capture started',
            tenant: rec.tenant,
            hostId: vm.hostId,
            attributes: attrs,
          },
        ],
      });
      const timeout = d.captureTimeoutMs ?? CAPTURE_TIMEOUT_MS;
      const upload = d.images.expectUpload(cap.transferId, vm.hostId, timeout);
      upload.catch(() => {}); // awaited below, or abandoned with the capture
      try {
        const res = await guest(d.commands, vm, { capture: { transferId: cap.transferId } }, timeout, d.clock);
        const blob = await upload;
        if (res.sha256 && res.sha256 !== blob.sha256)
          throw new FailedPreconditionError('the uploaded capture does not match what the host captured');
        const image = await d.images.registerCaptured(
          {
            name: name || `${vm.name.replace(/-\d+$/, '')}-v${rec.configVersion}`.slice(0, 63),
            tenant: rec.tenant,
            scheme: vm.spec.scheme,
            format: ImageFormatEnum.fromProto(res.format) ?? (vm.spec.scheme === 'process' ? 'tar' : 'qcow2'),
            spec: clonedSpec(vm, rec),
            manifest: {
              appliance_version: applianceVersion(rec),
              ...(vm.spec.base?.bootImage ? { boot_image: vm.spec.base.bootImage } : {}),
            },
            parentImageId: rec.parentImageId,
            tokenId: rec.tokenId,
            setId: rec.setId,
            sourceVmId: vm.id,
            configVersion: rec.configVersion,
          },
          blob,
          [del(CAPTURES, cap.transferId)],
        );
        d.log.info(
          {
            vm_id: vm.id,
            token_id: rec.tokenId,
            transfer_id: cap.transferId,
            cycle_id: cycleId || undefined,
            image_id: image.id,
            sha256: image.sha256,
          },
          'image captured',
        );
        return image;
      } catch (e) {
        await this.fail(cap, (e as Error).message);
        throw e;
      }
    });
  }

  /** Captures in flight when the controller stopped: failed, nothing registered. */
  async recover(): Promise<number> {
    const left: CaptureRecord[] = [];
    for await (const { value } of this.d.store.scan<CaptureRecord>(CAPTURES, { limit: 1000 })) left.push(value);
    for (const c of left) await this.fail(c, 'the controller restarted during the capture');
    return left.length;
  }

  private async fail(c: CaptureRecord, why: string): Promise<void> {
    this.d.images.discardUpload(c.transferId);
    await this.d.events
      .commit({
        ops: [del(CAPTURES, c.transferId)],
        events: [
          {
            type: 'image.capture_failed',
            severity: 'warning',
            message: `image capture failed: ${why.slice(0, 300)}`,
            tenant: c.tenant,
            hostId: c.hostId,
            attributes: { vm_id: c.vmId, token_id: c.tokenId, transfer_id: c.transferId },
          },
        ],
      })
      .catch((err) => this.d.log.error({ err, transfer_id: c.transferId }, 'could not record a failed capture'));
  }
}
