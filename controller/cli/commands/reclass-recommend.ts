// nephele reclass recommend|ls|show (issue 15): recommendations with the
// percentiles beside the current and the target size, the cost delta and the
// risk. The controller validates (INVALID_ARGUMENT naming the field); here only
// what the flags' own syntax needs.
import type { Command } from 'commander';
import type { Recommendation__Output as Rec } from '../../../common/gen/nephele/v1/Recommendation.js';
import type { RecommendationState } from '../../../common/gen/nephele/v1/RecommendationState.js';
import { RECOMMENDATION_STATES } from '../../../common/model/reclass.js';
import { CliError } from '../client.js';
import type { CliKit } from '../kit.js';
import { details, enumWord, table, when, type View } from '../format.js';
import { duration, wholeNumber } from '../parse.js';
import { resolveSet, resolveVm } from '../resolve.js';
import { reclassGroup } from './reclass-policy.js';

const hours = (flag: string, v: string | undefined): number => {
  if (v === undefined) return 0;
  const ms = duration(flag, /^\d+$/.test(v) ? `${v}h` : v);
  if (ms % 3_600_000 !== 0 || ms === 0) throw new CliError(`${flag}: whole hours (e.g. 48h, 7d), got ${v}`);
  return ms / 3_600_000;
};

const size = (vcpus: number, memoryMib: number | string) => `${vcpus}c/${(Number(memoryMib) / 1024).toFixed(1)}G`;
const kind = (r: { kind: string }) => enumWord(r.kind, 'RECOMMENDATION_KIND_');
const money = (v: number, cur: string) => `${v > 0 ? '+' : ''}${v.toFixed(2)}${cur ? ' ' + cur : ''}`;

function target(r: Pick<Rec, 'target'>): string {
  const t = r.target!;
  const what =
    t.kind === 'TARGET_KIND_VM' ? `vm ${t.vmId}` : t.kind === 'TARGET_KIND_PEER_VM' ? `${t.peer}:${t.vmId}` : t.vmClass;
  return `${what} ${size(t.vcpus, t.memoryMib)}`;
}

function p95(r: Rec): string {
  const u = r.usage;
  return u ? `${u.cpuVcpus!.p95.toFixed(2)}c/${(u.memoryMib!.p95 / 1024).toFixed(1)}G` : '-';
}

/** One row per recommendation: the VM's size and p95 now, the target and its projected p95, cost delta, risk. */
export function recTable(recs: Rec[], v: View, withState: boolean): string {
  const head = [
    ...(withState ? ['ID', 'STATE'] : ['ID']),
    'VM',
    'KIND',
    'NOW',
    'P95 USED',
    'TARGET',
    'PROJ CPU/MEM',
    'RISK',
    'COST/MONTH',
    'APPLICABLE',
  ];
  const rows = recs.map((r) => {
    const b = r.benefit!;
    return [
      r.id,
      ...(withState ? [enumWord(r.state, 'RECOMMENDATION_STATE_')] : []),
      r.vmName || r.vmId,
      kind(r),
      `${r.vmClass ? r.vmClass + ' ' : ''}${size(r.vcpus, r.memoryMib)}`,
      p95(r),
      target(r),
      `${b.projectedCpuP95Pct.toFixed(0)}%/${b.projectedMemoryP95Pct.toFixed(0)}%`,
      `${b.riskPct.toFixed(0)}%`,
      money(b.costDeltaPerMonth, b.currency),
      r.applicable ? 'yes' : `no: ${r.notApplicableReason}`,
    ];
  });
  return table(head, rows, v);
}

export function recDetail(r: Rec): string {
  const b = r.benefit!;
  const u = r.usage;
  const pct = (p: { p50: number; p95: number; p99: number; max: number } | null | undefined, unit = '') =>
    p
      ? `p50 ${p.p50.toFixed(2)}${unit}  p95 ${p.p95.toFixed(2)}${unit}  p99 ${p.p99.toFixed(2)}${unit}  max ${p.max.toFixed(2)}${unit}`
      : '-';
  return details([
    ['ID', r.id],
    ['VM', `${r.vmName} (${r.vmId})`],
    ['Tenant', r.tenant],
    ['Set', r.setId],
    ['State', `${enumWord(r.state, 'RECOMMENDATION_STATE_')}${r.stateReason ? `: ${r.stateReason}` : ''}`],
    ['Kind', kind(r)],
    ['Now', `${r.vmClass ? r.vmClass + ' ' : ''}${size(r.vcpus, r.memoryMib)}`],
    ['CPU used', pct(u?.cpuVcpus, ' vCPUs')],
    ['Memory used', pct(u?.memoryMib, ' MiB')],
    ['Data', `${r.dataHours} h of a ${r.windowHours} h window`],
    ['Target', `${target(r)}${r.target!.hostId ? ` on host ${r.target!.hostId}` : ''}`],
    ['Projected p95', `cpu ${b.projectedCpuP95Pct}%, memory ${b.projectedMemoryP95Pct}% (bar ${b.headroomTargetPct}%)`],
    ['Risk', `${b.riskPct}% of hours over the bar`],
    [
      'Cost',
      `${b.costPerHourNow.toFixed(4)} → ${b.costPerHourTarget.toFixed(4)} ${b.currency}/h (${money(b.costDeltaPerMonth, b.currency)}/month)`,
    ],
    ['Moves', b.moves],
    ['Applicable', r.applicable ? 'yes' : `no: ${r.notApplicableReason}`],
    ['Findings', r.findings.map((f) => f.detail)],
    ['Explanation', r.explanation],
    ['Candidates', r.candidates.map((c) => `${c.fits ? 'fits' : 'over'}  ${kind(c)}  ${target(c)}  ${c.explanation}`)],
    ['Created', when(Number(r.createdUnixMs))],
  ]);
}

interface ScopeFlags {
  vm?: string;
  set?: string;
  tenant?: string;
}

export function registerReclassRecommendCommands(program: Command, k: CliKit): void {
  const reclass = reclassGroup(program);
  reclass
    .command('recommend')
    .description('analyze, simulate the candidates and recommend (one VM, a set, a tenant, or everything in reach)')
    .option('--vm <vm>', 'one VM (id, id prefix or name)')
    .option('--set <set>', 'the VMs of a set (id, id prefix or name)')
    .option('--tenant <name>', 'the VMs of a tenant')
    .option('--window <duration>', 'look-back window, whole hours (default 7d, at most 90d)')
    .option('--min-data <duration>', 'hours of data a VM needs (default 24h)')
    .option('--headroom <pct>', 'p95 bar of the target, % (default 70)')
    .option('--peers', "also ask the usage peers' controllers for target VMs")
    .option('--request-id <id>', 'retry-safe: the same id again does not run twice')
    .action(
      async (
        o: ScopeFlags & { window?: string; minData?: string; headroom?: string; peers?: boolean; requestId?: string },
      ) => {
        const headroom = o.headroom === undefined ? 0 : Number(o.headroom.replace(/%$/, ''));
        if (!Number.isFinite(headroom))
          throw new CliError(`--headroom: a percentage, got ${JSON.stringify(o.headroom)}`);
        const req = { windowHours: hours('--window', o.window), minDataHours: hours('--min-data', o.minData) };
        const r = await k.withClient(async (c) =>
          c.recommend({
            vmId: o.vm ? await resolveVm(c, o.vm) : '',
            setId: o.set ? await resolveSet(c, o.set) : '',
            tenant: o.tenant ?? '',
            ...req,
            headroomPct: headroom,
            includePeers: !!o.peers,
            requestId: o.requestId ?? '',
          }),
        );
        k.out(r, (v) => (r.recommendations.length ? recTable(r.recommendations, v, false) : 'no new recommendations'));
        if (!k.json())
          k.note(
            `analyzed ${r.analyzed}, recommended ${r.recommendations.length}, unchanged ${r.unchanged}, insufficient data ${r.skippedInsufficientData}`,
          );
      },
    );
  reclass
    .command('ls')
    .description('recommendations, newest first (open and scheduled unless --state or --all)')
    .option('--vm <vm>', 'of one VM (id, id prefix or name)')
    .option('--set <set>', 'of one set')
    .option('--tenant <name>', 'of one tenant')
    .option('--state <state>', `only in this state: ${RECOMMENDATION_STATES.join(', ')}`)
    .option('--all', 'in every state')
    .option('--limit <n>', 'at most this many (default 100)')
    .action(async (o: ScopeFlags & { state?: string; all?: boolean; limit?: string }) => {
      if (o.state && !(RECOMMENDATION_STATES as readonly string[]).includes(o.state))
        throw new CliError(
          `--state: must be one of ${RECOMMENDATION_STATES.join(', ')}, got ${JSON.stringify(o.state)}`,
        );
      const limit = o.limit === undefined ? 100 : wholeNumber('--limit', o.limit, 1, 10_000);
      const recs = await k.withClient(async (c) => {
        const filter = {
          vmId: o.vm ? await resolveVm(c, o.vm) : '',
          setId: o.set ? await resolveSet(c, o.set) : '',
          tenant: o.tenant ?? '',
          state: (o.state
            ? `RECOMMENDATION_STATE_${o.state.toUpperCase()}`
            : 'RECOMMENDATION_STATE_UNSPECIFIED') as RecommendationState,
          allStates: !!o.all,
        };
        const out: Rec[] = [];
        let pageToken = '';
        do {
          const r = await c.listRecommendations({ ...filter, pageSize: Math.min(500, limit - out.length), pageToken });
          out.push(...r.recommendations);
          pageToken = r.nextPageToken;
        } while (pageToken && out.length < limit);
        return out;
      });
      k.out(recs, (v) => recTable(recs, v, true));
    });
  reclass
    .command('show <id>')
    .description('one recommendation: the analysis, the target, the benefit and the ranked candidates')
    .action(async (id: string) => {
      const r = (await k.withClient((c) => c.getRecommendation({ id }))).recommendation!;
      k.out(r, () => recDetail(r));
    });
}
