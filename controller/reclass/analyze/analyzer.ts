// The Analyzer (ports.ts): a page of VMs → their usage series (one scan of the
// window's hourly rollups), profiles, manifests, their hosts' features and the
// findings. Reading is here; the judging is pure (profile.ts, findings.ts).
import type { Store } from '../../../common/store/index.js';
import type { HostRecord, VmRecord } from '../../model/index.js';
import { CLASSES, type ClassRecord, type VmAnalysisModel } from '../../model/reclass.js';
import { HOSTS } from '../../hosts/registry.js';
import { hourOf, HOUR_MS } from '../../usage/model.js';
import type { AnalyzeOptions, Analyzer, HostFeatures, Manifests, UsageSeries } from '../ports.js';
import { findingsOf } from './findings.js';
import { profileOf } from './profile.js';
import { readSeries } from './series.js';

/** Manifests asked at once (each may be an agent round trip). */
const MANIFEST_PARALLEL = 8;
/**
 * Agent round trips for manifests per analysis, in all: past this, the VMs left
 * get their cached read or their image's manifest. Hosts that never answer
 * (3 s each) must not hold a call for minutes over a page of 1,000 VMs.
 */
export const MANIFEST_BUDGET_MS = 5_000;

/** [from, to): the window's hour starts, the current (partial) hour included. */
export function windowOf(o: AnalyzeOptions): { fromUnixMs: number; toUnixMs: number } {
  const toUnixMs = hourOf(o.nowUnixMs) + HOUR_MS;
  return { fromUnixMs: toUnixMs - o.windowHours * HOUR_MS, toUnixMs };
}

/** Runs `fn` over `items`, at most `n` at a time, results in order. */
async function mapLimit<T, R>(items: readonly T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

export function createAnalyzer(d: { store: Store; manifests: Manifests; hostFeatures: HostFeatures }): Analyzer {
  const getMany = async <T>(coll: string, keys: string[]): Promise<Map<string, T>> => {
    const uniq = [...new Set(keys.filter(Boolean))];
    const got = await d.store.getMany<T>(coll, uniq);
    return new Map(uniq.flatMap((k, i) => (got[i] ? [[k, got[i]!.value] as const] : [])));
  };
  return {
    async analyze(vms: VmRecord[], opts: AnalyzeOptions): Promise<VmAnalysisModel[]> {
      const w = windowOf(opts);
      const series = await readSeries(d.store, new Set(vms.map((v) => v.id)), w.fromUnixMs, w.toUnixMs);
      const hosts = await getMany<HostRecord>(
        HOSTS,
        vms.map((v) => v.hostId),
      );
      const classes = await getMany<ClassRecord>(
        CLASSES,
        vms.map((v) => v.spec.vmClass ?? ''),
      );
      const until = opts.agentsUntil ?? performance.now() + MANIFEST_BUDGET_MS;
      const askAgents = opts.askAgents ?? true;
      const manifests = await mapLimit(vms, MANIFEST_PARALLEL, (vm) =>
        d.manifests.of(vm, { askAgent: askAgents && performance.now() < until }),
      );
      return vms.map((vm, i) => {
        const host = hosts.get(vm.hostId);
        const hostFeatures = host ? d.hostFeatures(host) : [];
        const usage = profileOf(series.get(vm.id)!, {
          windowHours: opts.windowHours,
          minDataHours: opts.minDataHours,
          endUnixMs: w.toUnixMs,
          createdUnixMs: vm.createdUnixMs,
        });
        const manifest = manifests[i];
        const { vcpus, memoryMib } = vm.spec;
        const classNetMbps = classes.get(vm.spec.vmClass ?? '')?.netMbps ?? 0;
        return {
          vmId: vm.id,
          vmName: vm.name,
          setId: vm.setId,
          tenant: vm.tenant,
          hostId: vm.hostId,
          scheme: vm.spec.scheme,
          vmClass: vm.spec.vmClass ?? '',
          vcpus,
          memoryMib,
          diskGib: vm.spec.diskGib,
          usage,
          ...(manifest ? { manifest } : {}),
          findings: findingsOf({ vcpus, memoryMib, usage, manifest, hostFeatures, classNetMbps }),
          hostFeatures,
        };
      });
    },
    async series(vmId: string, opts: AnalyzeOptions): Promise<UsageSeries | undefined> {
      const w = windowOf(opts);
      const s = (await readSeries(d.store, new Set([vmId]), w.fromUnixMs, w.toUnixMs)).get(vmId)!;
      return s.cpuVcpus.length ? s : undefined;
    },
  };
}
