// Candidate targets of one VM (pure): (a) existing VMs of its tenant with spare
// room, (b) classes of the catalog, (c) a class built to measure when nothing
// fits, (d) peer VMs (informational). Each comes with how it would be applied
// (its RecommendationKind) and the host it would land on.
import type { ApplianceManifest } from '../../../common/model/reclass.js';
import type { RecommendationKind } from '../../../common/model/reclass.js';
import type { ClassRecord, TargetModel, VmAnalysisModel } from '../../model/reclass.js';

/** What recommend knows of a host (features by HostFeatures, room from the planner's ledger). */
export interface HostView {
  id: string;
  /** Ready, not cordoned: placeable. */
  ready: boolean;
  schemes: string[];
  features: string[];
  capacity: { vcpus: number; memoryMib: number };
  free: { vcpus: number; memoryMib: number };
}

/** An existing VM of the same tenant that could take this VM's workload. */
export interface PoolVm {
  vmId: string;
  tenant: string;
  scheme: string;
  hostId: string;
  running: boolean;
  managed: boolean;
  vcpus: number;
  memoryMib: number;
  cpuP95: number;
  memoryP95: number;
}

/** A peer controller's offered VM (OfferTargets). */
export interface PeerOffer {
  peer: string;
  vmId: string;
  vcpus: number;
  memoryMib: number;
  spareVcpus: number;
  spareMemoryMib: number;
  features: string[];
  scheme: string;
  pricePerHour: number;
}

export interface Draft {
  kind: RecommendationKind;
  target: TargetModel;
  /** Load already on the target (a reassign target's own p95), added to the VM's when replayed. */
  baseCpu: number;
  baseMemoryMib: number;
  moves: number;
  /** False for what this controller cannot apply (a peer's VM). */
  applicable: boolean;
  note: string;
}

export interface CandidateInput {
  a: VmAnalysisModel;
  /** The VM's required features (manifest), and whether it is a management instance etc. are the caller's. */
  hosts: HostView[];
  classes: ClassRecord[];
  pool: PoolVm[];
  peers: PeerOffer[];
  /** The headroom bar in % (p95 of the target at most this). */
  bar: number;
  /** Pressure bumps: the target must have at least this much (0 = no bump). */
  minVcpus: number;
  minMemoryMib: number;
}

/** How each scheme changes a VM's size: process live (new cgroup limits), qemu by a restart; others not at all. */
export const RESIZE: Record<string, 'live' | 'restart' | undefined> = { process: 'live', qemu: 'restart' };

const has = (offered: string[], wanted: string[]) => wanted.every((f) => offered.includes(f));
const union = (a: string[], b: string[]) => [...new Set([...a, ...b])].sort();

/** The largest ready host: nothing is ever recommended above it. */
export function biggestHost(hosts: HostView[]): { vcpus: number; memoryMib: number } {
  let vcpus = 0;
  let memoryMib = 0;
  for (const h of hosts)
    if (h.ready) {
      vcpus = Math.max(vcpus, h.capacity.vcpus);
      memoryMib = Math.max(memoryMib, h.capacity.memoryMib);
    }
  return { vcpus, memoryMib };
}

/** Some ready host is at least this big (one host, both dimensions). */
export const underBiggest = (hosts: HostView[], s: { vcpus: number; memoryMib: number }) =>
  hosts.some((h) => h.ready && h.capacity.vcpus >= s.vcpus && h.capacity.memoryMib >= s.memoryMib);

/** Within the manifest's declared bounds (0 max = unbounded). */
export function withinManifest(m: ApplianceManifest | undefined, s: { vcpus: number; memoryMib: number }): boolean {
  if (!m) return true;
  if (s.vcpus < m.minVcpus || (m.maxVcpus > 0 && s.vcpus > m.maxVcpus)) return false;
  return !(s.memoryMib < m.minMemoryMib || (m.maxMemoryMib > 0 && s.memoryMib > m.maxMemoryMib));
}

/** "custom-3c-6g": p95 / headroom rounded up (memory to whole GiB), within the manifest, never above the biggest host. */
export function customSize(
  a: VmAnalysisModel,
  bar: number,
  min: { vcpus: number; memoryMib: number },
  biggest: { vcpus: number; memoryMib: number },
): { name: string; vcpus: number; memoryMib: number } {
  const m = a.manifest;
  let vcpus = Math.max(1, Math.ceil(a.usage.cpuVcpus.p95 / (bar / 100) - 1e-9), min.vcpus, m?.minVcpus ?? 0);
  let gib = Math.max(1, Math.ceil(a.usage.memoryMib.p95 / (bar / 100) / 1024 - 1e-9));
  gib = Math.max(gib, Math.ceil(Math.max(min.memoryMib, m?.minMemoryMib ?? 0) / 1024));
  if (m?.maxVcpus) vcpus = Math.min(vcpus, m.maxVcpus);
  if (m?.maxMemoryMib) gib = Math.max(1, Math.min(gib, Math.floor(m.maxMemoryMib / 1024)));
  vcpus = Math.max(1, Math.min(vcpus, biggest.vcpus || vcpus));
  gib = Math.max(1, Math.min(gib, Math.floor((biggest.memoryMib || gib * 1024) / 1024)));
  return { name: `custom-${vcpus}c-${gib}g`, vcpus, memoryMib: gib * 1024 };
}

const target = (p: Partial<TargetModel> & Pick<TargetModel, 'kind' | 'vcpus' | 'memoryMib'>): TargetModel => ({
  vmId: '',
  vmClass: '',
  diskGib: 0,
  features: [],
  hostId: '',
  peer: '',
  ...p,
});

/**
 * Where a VM of this size and these features would go, and how: resize in place
 * when its host offers the features and has the room and the scheme can resize;
 * a move (cold, at the new size) to another host that offers them otherwise; a
 * new VM where the scheme cannot resize. undefined: no host can take it.
 */
export function placeSize(
  a: VmAnalysisModel,
  hosts: HostView[],
  size: { vcpus: number; memoryMib: number },
  features: string[],
): { kind: RecommendationKind; hostId: string; moves: number } | undefined {
  const mode = RESIZE[a.scheme];
  const here = hosts.find((h) => h.id === a.hostId);
  const dv = Math.max(0, size.vcpus - a.vcpus);
  const dm = Math.max(0, size.memoryMib - a.memoryMib);
  if (here && has(here.features, features) && here.free.vcpus >= dv && here.free.memoryMib >= dm) {
    if (size.vcpus === a.vcpus && size.memoryMib === a.memoryMib) return undefined; // nothing to change
    if (mode) return { kind: 'resize', hostId: a.hostId, moves: mode === 'live' ? 0 : 1 };
  }
  // Another host (or this one for a scheme that cannot resize): the most free room first.
  const fit = hosts
    .filter(
      (h) =>
        h.ready &&
        h.schemes.includes(a.scheme) &&
        has(h.features, features) &&
        h.free.vcpus >= size.vcpus &&
        h.free.memoryMib >= size.memoryMib &&
        (mode ? h.id !== a.hostId : true),
    )
    .sort((x, y) => y.free.vcpus - x.free.vcpus || y.free.memoryMib - x.free.memoryMib || (x.id < y.id ? -1 : 1))[0];
  if (!fit) return undefined;
  return { kind: mode ? 'move' : 'new_vm', hostId: fit.id, moves: 1 };
}

/** Every candidate target of the VM, unranked. */
export function candidates(i: CandidateInput): Draft[] {
  const { a, hosts, bar } = i;
  const required = a.manifest?.requiredFeatures ?? [];
  const out: Draft[] = [];
  const big = (s: { vcpus: number; memoryMib: number }) =>
    s.vcpus >= i.minVcpus && s.memoryMib >= i.minMemoryMib && underBiggest(hosts, s) && withinManifest(a.manifest, s);
  // (a) existing VMs of the same tenant and scheme with room for this VM's p95 under the bar.
  for (const p of i.pool) {
    if (p.vmId === a.vmId || p.tenant !== a.tenant || p.scheme !== a.scheme || !p.running || p.managed) continue;
    // Onto a busier VM only: consolidation has a direction, so two idle VMs are never offered onto each other.
    if (p.cpuP95 <= a.usage.cpuVcpus.p95) continue;
    const h = hosts.find((x) => x.id === p.hostId);
    if (!h || !has(h.features, required)) continue;
    const cpuOk = p.cpuP95 + a.usage.cpuVcpus.p95 <= (p.vcpus * bar) / 100;
    const memOk = p.memoryP95 + a.usage.memoryMib.p95 <= (p.memoryMib * bar) / 100;
    if (!cpuOk || !memOk || !big(p)) continue;
    out.push({
      kind: 'reassign',
      target: target({ kind: 'vm', vmId: p.vmId, vcpus: p.vcpus, memoryMib: p.memoryMib, hostId: p.hostId }),
      baseCpu: p.cpuP95,
      baseMemoryMib: p.memoryP95,
      moves: 1,
      applicable: true,
      note: '',
    });
  }
  // (b) classes of the catalog on a host offering the VM's and the class's features.
  for (const c of i.classes) {
    if (!big(c)) continue;
    const d = sizeDraft(a, hosts, { ...c, kind: 'class', vmClass: c.name, features: union(required, c.features) });
    if (d) out.push(d);
  }
  // The VM's own size elsewhere: a host lacking a required feature is answered by a move alone.
  const here = hosts.find((h) => h.id === a.hostId);
  if (!here || !has(here.features, required)) {
    const d = sizeDraft(a, hosts, { ...a, kind: 'class', features: union(required, []) });
    if (d && !out.some((x) => x.target.vcpus === a.vcpus && x.target.memoryMib === a.memoryMib)) out.push(d);
  }
  // (d) peers' VMs: shown, applied on the peer.
  for (const o of i.peers) {
    if (o.scheme !== a.scheme || !has(o.features, required)) continue;
    if (o.spareVcpus < a.usage.cpuVcpus.p95 || o.spareMemoryMib < a.usage.memoryMib.p95) continue;
    out.push({
      kind: 'reassign',
      target: target({
        kind: 'peer_vm',
        vmId: o.vmId,
        vcpus: o.vcpus,
        memoryMib: o.memoryMib,
        features: [...o.features],
        peer: o.peer,
      }),
      baseCpu: o.vcpus - o.spareVcpus,
      baseMemoryMib: o.memoryMib - o.spareMemoryMib,
      moves: 1,
      applicable: false,
      note: 'apply on the peer',
    });
  }
  return out;
}

/** (c) A class built to measure, for when nothing of the above fits. */
export function customDraft(i: CandidateInput): Draft | undefined {
  const { a, hosts, bar } = i;
  const required = a.manifest?.requiredFeatures ?? [];
  const size = customSize(a, bar, { vcpus: i.minVcpus, memoryMib: i.minMemoryMib }, biggestHost(hosts));
  if (!underBiggest(hosts, size)) return undefined;
  return sizeDraft(a, hosts, {
    kind: 'custom',
    vmClass: size.name,
    vcpus: size.vcpus,
    memoryMib: size.memoryMib,
    diskGib: a.diskGib,
    features: union(required, []),
  });
}

/** A target of a given size (class, custom, or the VM's own) placed by placeSize; undefined where nothing can take it. */
function sizeDraft(
  a: VmAnalysisModel,
  hosts: HostView[],
  t: Pick<TargetModel, 'kind' | 'vmClass' | 'vcpus' | 'memoryMib' | 'diskGib' | 'features'>,
): Draft | undefined {
  const where = placeSize(a, hosts, t, t.features);
  if (!where) return undefined;
  return {
    kind: where.kind,
    target: target({
      kind: t.kind,
      vmClass: t.vmClass,
      vcpus: t.vcpus,
      memoryMib: t.memoryMib,
      diskGib: t.diskGib,
      features: t.features,
      hostId: where.hostId,
    }),
    baseCpu: 0,
    baseMemoryMib: 0,
    moves: where.moves,
    applicable: true,
    note: '',
  };
}
