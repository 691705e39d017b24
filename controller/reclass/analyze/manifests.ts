// Manifests (ports.ts): the running VM's nephele-manifest.json (AgentCommand
// read_manifest) over its image record's manifest. The VM's answer is cached
// per VM id and generation (a move or re-create reads it again); a VM that is
// not running, an agent that fails or times out, or a file that does not parse
// falls back to the image's (logged, the VM's id in a key).
import type { Clock } from '../../../common/clock.js';
import { ulid } from '../../../common/ids.js';
import type { Logger } from '../../../common/logger.js';
import type { VmRecord } from '../../model/index.js';
import type { AgentCommands, ImageStore } from '../../tokens/ports.js';
import type { Manifests } from '../ports.js';
import { imageManifestFields, mergeManifest, parseManifestText } from './manifest.js';

/** VMs whose answer is remembered at most (oldest forgotten first). */
const MAX_CACHED = 10_000;
const READ_TIMEOUT_MS = 3_000;
/** A failed read is not retried for this long (an unanswering host would slow every Analyze page). */
const RETRY_AFTER_MS = 60_000;

type Fields = ReturnType<typeof imageManifestFields>;

export function createManifests(d: {
  commands: AgentCommands;
  images: ImageStore;
  clock: Clock;
  log: Logger;
  timeoutMs?: number;
}): Manifests {
  const cache = new Map<string, { generation: number; fields: Fields | undefined; until: number }>();

  const remember = (vm: VmRecord, fields: Fields | undefined, until = Infinity) => {
    cache.delete(vm.id);
    cache.set(vm.id, { generation: vm.generation, fields, until });
    if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  };

  /** The VM's own file's fields; undefined when it has none or could not be read. */
  async function fromVm(vm: VmRecord, askAgent: boolean): Promise<Fields | undefined> {
    const hit = cache.get(vm.id);
    if (hit && hit.generation === vm.generation && d.clock.now() < hit.until) return hit.fields;
    if (!askAgent || vm.state !== 'running' || !vm.hostId) return undefined;
    try {
      const r = await d.commands.run(
        vm.hostId,
        { commandId: ulid(d.clock.now()), vmId: vm.id, generation: vm.generation, readManifest: {} },
        d.timeoutMs ?? READ_TIMEOUT_MS,
      );
      if (!r.ok) {
        d.log.info({ vm_id: vm.id, error: r.error.slice(0, 200) }, 'manifest not read; the image manifest applies');
        remember(vm, undefined, d.clock.now() + RETRY_AFTER_MS);
        return undefined;
      }
      if (!r.manifestJson) {
        remember(vm, undefined);
        return undefined;
      }
      const p = parseManifestText(r.manifestJson);
      if ('error' in p) {
        d.log.warn({ vm_id: vm.id, error: p.error }, 'the VM manifest is invalid; the image manifest applies');
        remember(vm, undefined);
        return undefined;
      }
      remember(vm, p.fields);
      return p.fields;
    } catch (e) {
      d.log.info({ vm_id: vm.id, error: (e as Error).message }, 'manifest not read; the image manifest applies');
      remember(vm, undefined, d.clock.now() + RETRY_AFTER_MS);
      return undefined;
    }
  }

  async function fromImage(vm: VmRecord): Promise<{ id: string; fields: Fields }> {
    const id = vm.spec.base?.imageId ?? '';
    if (!id) return { id, fields: {} };
    try {
      return { id, fields: imageManifestFields((await d.images.get(id, undefined)).image.manifest) };
    } catch {
      return { id, fields: {} }; // image deleted since: no manifest from it
    }
  }

  return {
    async of(vm: VmRecord, o: { askAgent?: boolean } = {}) {
      const [image, own] = await Promise.all([fromImage(vm), fromVm(vm, o.askAgent ?? true)]);
      return mergeManifest(image.fields, image.id, own);
    },
  };
}
