// nephele reclass analyze: per VM, usage percentiles beside the size it has,
// the manifest's bounds and the findings (what reclassification would act on).
import type { Command } from 'commander';
import type { AnalyzeRequest } from '../../../common/gen/nephele/v1/AnalyzeRequest.js';
import type { VmAnalysis__Output as VmAnalysis } from '../../../common/gen/nephele/v1/VmAnalysis.js';
import type { Percentiles__Output as Percentiles } from '../../../common/gen/nephele/v1/Percentiles.js';
import { CliError } from '../client.js';
import { enumWord, table, type View } from '../format.js';
import { duration, wholeNumber } from '../parse.js';
import { resolveSet, resolveVm } from '../resolve.js';
import type { CliKit } from '../kit.js';
import { reclassGroup } from './reclass-policy.js';

/** A duration flag as whole hours (48h, 7d). */
export function hoursFlag(flag: string, v: string): number {
  const ms = duration(flag, v);
  if (ms <= 0 || ms % 3_600_000 !== 0)
    throw new CliError(`${flag}: ${JSON.stringify(v)} is not whole hours (e.g. 48h, 7d)`);
  return ms / 3_600_000;
}

const n2 = (x: number) => (Math.round(x * 100) / 100).toString();
const trio = (p: Percentiles | null) => (p ? `${n2(p.p50)}/${n2(p.p95)}/${n2(p.max)}` : '-');
const findingWords = (a: VmAnalysis) =>
  [...new Set(a.findings.map((f) => `${enumWord(f.kind, 'FINDING_KIND_')}:${f.resource}`))].join(',') || '-';

function analysesTable(rows: VmAnalysis[], v: View): string {
  const base = (a: VmAnalysis) => {
    const u = a.usage;
    return [
      a.vmName || a.vmId,
      a.vmClass || '-',
      a.vcpus,
      trio(u?.cpuVcpus ?? null),
      Number(a.memoryMib),
      trio(u?.memoryMib ?? null),
      u ? n2(u.netMbps?.p95 ?? 0) : '-',
      u ? `${u.dataHours}/${u.gapHours}` : '-',
      findingWords(a),
    ];
  };
  const head = [
    'VM',
    'CLASS',
    'VCPUS',
    'CPU P50/P95/MAX',
    'MEM MIB',
    'MEM P50/P95/MAX',
    'NET P95 MBIT',
    'HOURS/GAPS',
    'FINDINGS',
  ];
  if (!v.wide) return table(head, rows.map(base), v);
  const details = rows.flatMap((a) =>
    a.findings.map((f) => `${a.vmName || a.vmId}: ${enumWord(f.kind, 'FINDING_KIND_')}: ${f.detail}`),
  );
  const wide = table(
    [...head, 'HOST', 'DISK P95 MB/S', 'MANIFEST', 'HOST FEATURES'],
    rows.map((a) => {
      const m = a.manifest;
      const manifest = m
        ? `vcpus ${m.minVcpus}-${m.maxVcpus || '*'} mem ${m.minMemoryMib}-${Number(m.maxMemoryMib) || '*'}` +
          (m.requiredFeatures.length ? ` needs ${m.requiredFeatures.join(',')}` : '')
        : '-';
      return [
        ...base(a),
        a.hostId || '-',
        n2(a.usage?.diskIoMbps?.p95 ?? 0),
        manifest,
        a.hostFeatures.join(',') || '-',
      ];
    }),
    v,
  );
  return details.length ? `${wide}\n\n${details.join('\n')}` : wide;
}

export function registerReclassAnalyzeCommand(program: Command, k: CliKit): void {
  reclassGroup(program)
    .command('analyze')
    .description('usage percentiles beside each VM size, the manifest and findings (one VM, a set, a tenant or all)')
    .option('--vm <vm>', 'one VM (name or id)')
    .option('--set <set>', "a set's VMs (name or id)")
    .option('--tenant <tenant>', "a tenant's VMs")
    .option('--window <duration>', 'look-back, whole hours (e.g. 48h, 7d; at most 90d)', '7d')
    .option('--min-data <duration>', 'hours of data a VM needs to be judged by its usage', '24h')
    .option('--page-size <n>', 'VMs per call (at most 1000)', '100')
    .action(async (o) => {
      const windowHours = hoursFlag('--window', o.window);
      const minDataHours = hoursFlag('--min-data', o.minData);
      const pageSize = wholeNumber('--page-size', o.pageSize, 1);
      const rows = await k.withClient(async (c) => {
        const req: AnalyzeRequest = {
          vmId: o.vm ? await resolveVm(c, o.vm) : '',
          setId: o.set ? await resolveSet(c, o.set) : '',
          tenant: o.tenant ?? '',
          windowHours,
          minDataHours,
          pageSize,
        };
        return k.listAll(async (pageToken) => {
          const r = await c.analyze({ ...req, pageToken });
          return { items: r.analyses, next: r.nextPageToken };
        });
      });
      k.out(rows, (v) => analysesTable(rows, v));
    });
}
