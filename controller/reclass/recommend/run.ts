// One Recommend run over a page of VMs: read what decide() needs (analyses,
// series, hosts, catalog and prices, the tenant's other VMs, histories, open
// recommendations, quotas), decide per VM, then write each new recommendation
// in one batch (record, indexes, the superseded one, history) and notify.
import { isConflict, KeyedMutex } from '../../../common/store/index.js';
import { ulid } from '../../../common/ids.js';
import { HOSTS } from '../../hosts/registry.js';
import type { HostRecord, VmRecord } from '../../model/index.js';
import type { RecommendationRecord, VmAnalysisModel } from '../../model/reclass.js';
import type { ReclassDeps } from '../deps.js';
import type { AnalyzeOptions, Analyzer, Catalog, HostFeatures, Notifier } from '../ports.js';
import type { HostView, PeerOffer, PoolVm } from './candidates.js';
import { decide, type Decision } from './decide.js';
import { emptyHistory, type Change } from './noise.js';
import { vmSpecHash } from '../spec-hash.js';
import { LIVE, type RecStore } from './records.js';
import type { Pricing } from './simulate.js';

/** Hosts read per run (the fleet), and a tenant's VMs considered as reassignment targets. */
const MAX_HOSTS = 10_000;
const MAX_POOL = 500;
const MIB = 1024 * 1024;

export interface RunDeps extends ReclassDeps {
  analyzer: Analyzer;
  catalog: Catalog;
  hostFeatures: HostFeatures;
  notifier: Notifier;
  recs: RecStore;
  /** Peer controllers' offers (include_peers); undefined: no peer client wired. */
  peerOffers?: (need: { vcpus: number; memoryMib: number; features: string[] }) => Promise<PeerOffer[]>;
}

export interface RunOptions extends AnalyzeOptions {
  bar: number;
  includePeers: boolean;
}

export interface RunResult {
  recs: RecommendationRecord[];
  analyzed: number;
  skipped: number;
  unchanged: number;
}

/** What a run reads once for all its VMs. */
export interface Fleet {
  hosts: HostView[];
  pricing: Pricing;
  classes: Awaited<ReturnType<Catalog['list']>>;
}

export async function readFleet(d: RunDeps): Promise<Fleet> {
  const hosts: HostView[] = [];
  for await (const { value: h } of d.store.scan<HostRecord>(HOSTS, { limit: MAX_HOSTS })) hosts.push(hostView(d, h));
  const card = await d.usage.groups.query.rates.current();
  const pricing: Pricing = {
    price: (c) => d.catalog.pricePerHour(c, card),
    currency: card?.currency ?? '',
    rateCardVersion: card?.version ?? 0,
  };
  return { hosts, pricing, classes: await d.catalog.list() };
}

function hostView(d: RunDeps, h: HostRecord): HostView {
  const g = h.inventory?.guest;
  const capacity = { vcpus: g?.vcpus ?? 0, memoryMib: Math.floor(Number(g?.memoryBytes ?? 0) / MIB) };
  const slot = d.planner.fleet.slot(h.id);
  const held = slot
    ? {
        vcpus: slot.guaranteed.vcpus + slot.bestEffort.vcpus,
        memoryMib: Math.ceil((slot.guaranteed.memoryBytes + slot.bestEffort.memoryBytes) / MIB),
      }
    : { vcpus: 0, memoryMib: 0 };
  return {
    id: h.id,
    ready: h.state === 'ready' && !h.cordoned && !h.revoked,
    schemes: h.schemes,
    features: d.hostFeatures(h),
    capacity,
    free: {
      vcpus: Math.max(0, capacity.vcpus - held.vcpus),
      memoryMib: Math.max(0, capacity.memoryMib - held.memoryMib),
    },
  };
}

/** Runs of one process for one VM are serialized: two runs never both add an open recommendation. */
const vmLocks = new KeyedMutex();

export async function recommendVms(d: RunDeps, vms: VmRecord[], o: RunOptions, fleet?: Fleet): Promise<RunResult> {
  const out: RunResult = { recs: [], analyzed: 0, skipped: 0, unchanged: 0 };
  if (!vms.length) return out;
  const f = fleet ?? (await readFleet(d));
  const analyses = await d.analyzer.analyze(vms, o);
  out.analyzed = analyses.length;
  const byId = new Map(vms.map((v) => [v.id, v]));
  const pools = new Map<string, Promise<PoolVm[]>>();
  const quotas = new Map<string, Promise<Parameters<typeof decide>[0]['tenant']>>();
  for (const a of analyses) {
    const vm = byId.get(a.vmId);
    if (!vm) continue;
    if (!pools.has(a.tenant)) pools.set(a.tenant, poolOf(d, a.tenant, o));
    if (!quotas.has(a.tenant))
      quotas.set(
        a.tenant,
        d.tenants.get(a.tenant).then(
          ({ t }) => t,
          () => undefined,
        ),
      );
    const pool = await pools.get(a.tenant)!;
    const tenant = await quotas.get(a.tenant)!;
    const need = {
      vcpus: a.usage.cpuVcpus.p95,
      memoryMib: a.usage.memoryMib.p95,
      features: a.manifest?.requiredFeatures ?? [],
    };
    const peers = o.includePeers && d.peerOffers ? await d.peerOffers(need).catch(() => []) : [];
    const r = await vmLocks.run(a.vmId, () => one(d, vm, a, { ...f, pool, peers, tenant }, o));
    if (r.outcome === 'insufficient') out.skipped++;
    else if (r.outcome === 'unchanged') out.unchanged++;
    else if (r.rec) out.recs.push(r.rec);
  }
  return out;
}

/** The tenant's running VMs with their p95s: targets for a reassignment (bounded). */
async function poolOf(d: RunDeps, tenant: string, o: AnalyzeOptions): Promise<PoolVm[]> {
  const page = await d.vms.list({ after: '', limit: MAX_POOL, tenant });
  const running = page.vms.map((v) => v.vm).filter((v) => v.state === 'running' && v.desired === 'running');
  const as = await d.analyzer.analyze(running, { ...o, askAgents: false }); // targets: spare room is usage only
  const byId = new Map(running.map((v) => [v.id, v]));
  return as
    .filter((a) => a.usage.sufficient)
    .map((a) => ({
      vmId: a.vmId,
      tenant: a.tenant,
      scheme: a.scheme,
      hostId: a.hostId,
      running: true,
      managed: !!byId.get(a.vmId)?.managed,
      vcpus: a.vcpus,
      memoryMib: a.memoryMib,
      cpuP95: a.usage.cpuVcpus.p95,
      memoryP95: a.usage.memoryMib.p95,
    }));
}

async function one(
  d: RunDeps,
  vm: VmRecord,
  a: VmAnalysisModel,
  f: Fleet & { pool: PoolVm[]; peers: PeerOffer[]; tenant: Parameters<typeof decide>[0]['tenant'] },
  o: RunOptions,
): Promise<{ outcome: Decision['outcome']; rec?: RecommendationRecord }> {
  for (let attempt = 1; ; attempt++) {
    const now = d.clock.now();
    const [recent, hist, series] = await Promise.all([
      d.recs.ofVm(vm.id),
      d.recs.history(vm.id),
      d.analyzer.series(vm.id, o),
    ]);
    const open = recent.find((r) => LIVE.includes(r.rec.state));
    const history = hist.h ?? emptyHistory(vm.id);
    // Sizes the VM was changed from: its history, and its applied recommendations.
    const changes: Change[] = [
      ...history.changes,
      ...recent
        .filter((r) => r.rec.state === 'applied' && r.rec.kind !== 'reassign')
        .map((r) => ({
          unixMs: r.rec.updatedUnixMs,
          fromVcpus: r.rec.vcpus,
          fromMemoryMib: r.rec.memoryMib,
          toVcpus: r.rec.target.vcpus,
          toMemoryMib: r.rec.target.memoryMib,
        })),
    ];
    const dec = decide({ ...f, a, series, bar: o.bar, history, changes, open: open?.rec, now });
    if (dec.outcome !== 'recommend') return { outcome: dec.outcome };
    const rec = recordOf(vm, a, dec, o, now);
    const { ops, pre } = d.recs.newOps(rec, open, { next: dec.history, version: hist.version });
    try {
      // No request ref here: a call's request_id is recorded once, for the whole call (rpc.ts).
      await d.events.commit({ ops, preconditions: pre });
    } catch (e) {
      // Another writer moved the VM's open recommendation or history: read again and decide again.
      if (isConflict(e) && attempt < 3) continue;
      throw e;
    }
    await d.notifier
      .recommended(rec)
      .catch((err) => d.log.warn({ err, vm_id: rec.vmId, rec_id: rec.id }, 'recommendation notice failed'));
    return { outcome: 'recommend', rec };
  }
}

function recordOf(
  vm: VmRecord,
  a: VmAnalysisModel,
  dec: Extract<Decision, { outcome: 'recommend' }>,
  o: RunOptions,
  now: number,
): RecommendationRecord {
  const strip = ({ applicable: _a, note: _n, ...c }: (typeof dec.ranked)[number]) => c;
  const best = strip(dec.best);
  return {
    id: ulid(now),
    vmId: vm.id,
    vmName: vm.name,
    setId: vm.setId,
    tenant: vm.tenant,
    kind: best.kind,
    target: best.target,
    benefit: best.benefit,
    findings: a.findings,
    explanation: best.explanation,
    candidates: dec.ranked.map(strip),
    state: 'open',
    applicable: dec.applicable,
    notApplicableReason: dec.reason,
    createdUnixMs: now,
    updatedUnixMs: now,
    windowHours: o.windowHours,
    dataHours: a.usage.dataHours,
    vmGeneration: vm.generation,
    vmSpecHash: vmSpecHash(vm.spec),
    stateReason: '',
    newVmId: '',
    scheduledUnixMs: 0,
    usage: a.usage,
    vcpus: a.vcpus,
    memoryMib: a.memoryMib,
    vmClass: a.vmClass,
  };
}
