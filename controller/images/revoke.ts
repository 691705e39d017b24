// RevokeImage: no new clones of the image from `at` on (now, or a time to
// come); running VMs of the sets cloned from it and its descendants are flagged
// by an event each, in the revocation's batch; retire_descendants retires those
// sets through the planner once the revocation is written.
import type { Clock } from '../../common/clock.js';
import { InvalidArgumentError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { at, put, type Store } from '../../common/store/index.js';
import { optionalString, requireId } from '../../common/validate.js';
import type { EventLog, NewEvent } from '../events/log.js';
import { IMAGES, type ImageRecord } from '../model/image.js';
import { live, vmsOfSet } from '../planner/sets.js';
import type { Scope } from '../tokens/ports.js';
import { family, MAX_NODES } from './lineage.js';
import type { Images } from './store.js';

export interface RevokeDeps {
  store: Store;
  events: EventLog;
  clock: Clock;
  images: Images;
  log: Logger;
  /** The planner's retirement of a set (Planner.retire). */
  retireSet: (setId: string, why: string, scope: Scope) => Promise<unknown>;
}

export interface RevokeRequest {
  imageId: string;
  atUnixMs: number | string;
  reason: string;
  retireDescendants: boolean;
}

export interface Revoked {
  image: ImageRecord;
  version: number;
  flaggedVmIds: string[];
  retiredSetIds: string[];
}

export async function revokeImage(d: RevokeDeps, req: RevokeRequest, scope: Scope): Promise<Revoked> {
  const id = requireId('image_id', req.imageId);
  const asked = Number(req.atUnixMs ?? 0);
  if (!Number.isSafeInteger(asked) || asked < 0)
    throw new InvalidArgumentError('at_unix_ms', 'must be 0 (now) or a unix time in ms');
  const reason = optionalString('reason', req.reason, 256);
  const now = d.clock.now();
  const when = asked && asked > now ? asked : now;
  if (req.retireDescendants && when > now)
    throw new InvalidArgumentError('retire_descendants', 'only with a revocation that takes effect now');
  const { image, version } = await d.images.get(id, scope);
  // The sets and running VMs of the image and every descendant.
  const nodes = await family(d.store, id, scope, now);
  const setIds = [...new Set(nodes.flatMap((n) => n.setIds))];
  const flagged: { vmId: string; setId: string }[] = [];
  for (const setId of setIds) {
    for (const { vm } of await vmsOfSet(d.store, setId)) {
      if (flagged.length >= MAX_NODES) break;
      if (live(vm)) flagged.push({ vmId: vm.id, setId });
    }
  }
  let rec = image;
  let v = version;
  if (image.state !== 'revoked') {
    rec = { ...image, state: when <= now ? 'revoked' : 'active', revokedUnixMs: when, revokeReason: reason };
    const events: NewEvent[] = [
      {
        type: 'image.revoked',
        message: when <= now ? 'image revoked' : 'image revocation scheduled',
        tenant: image.tenant,
        attributes: { image_id: id, revoked_unix_ms: String(when), flagged_vms: String(flagged.length) },
      },
      ...flagged.map((f): NewEvent => ({
        type: 'image.descendant_flagged',
        message: 'vm runs a clone of a revoked image',
        severity: 'warning',
        tenant: image.tenant,
        attributes: { image_id: id, vm_id: f.vmId, set_id: f.setId },
      })),
    ];
    const versions = await d.events.commit({
      ops: [put(IMAGES, id, rec)],
      preconditions: [at(IMAGES, id, version)],
      events,
      ref: id,
    });
    v = versions.get(`${IMAGES}/${id}`) ?? version + 1;
  }
  const retired: string[] = [];
  if (req.retireDescendants) {
    for (const setId of setIds) {
      try {
        await d.retireSet(setId, 'its image was revoked', scope);
        retired.push(setId);
      } catch (err) {
        d.log.warn({ err, set_id: setId, image_id: id }, 'could not retire a set cloned from a revoked image');
      }
    }
  }
  return { image: rec, version: v, flaggedVmIds: flagged.map((f) => f.vmId), retiredSetIds: retired };
}
