// nephele reclass apply ID [--dry-run] [--when now|window|at=TIME] [--wait]
// (issue 15): applies a recommendation through the planner and quotas. Prints
// the recommendation and its steps; --wait follows it to applied (exit 0) or
// failed (exit 1), --timeout ending it with exit 3.
import type { Command } from 'commander';
import type { ApplyRecommendationResponse__Output as ApplyRes } from '../../../common/gen/nephele/v1/ApplyRecommendationResponse.js';
import type { GetRecommendationResponse__Output as GetRes } from '../../../common/gen/nephele/v1/GetRecommendationResponse.js';
import type { Recommendation__Output as Rec } from '../../../common/gen/nephele/v1/Recommendation.js';
import type { ApplyWhen } from '../../../common/gen/nephele/v1/ApplyWhen.js';
import { CliError } from '../client.js';
import type { CliKit } from '../kit.js';
import { details, enumWord, when as whenText } from '../format.js';
import { duration, timeFlag } from '../parse.js';
import { waitVerdict } from '../wait.js';
import { reclassGroup } from './reclass-policy.js';

/** `now`, `window` (the set's next maintenance window) or `at=TIME` (ISO time, unix ms, or +30m from now). */
export function applyWhenFlag(v: string, now = Date.now()): { when: ApplyWhen; atUnixMs: number } {
  if (v === 'now') return { when: 'APPLY_WHEN_NOW', atUnixMs: 0 };
  if (v === 'window') return { when: 'APPLY_WHEN_MAINTENANCE_WINDOW', atUnixMs: 0 };
  const m = /^at=(.+)$/.exec(v);
  if (!m) throw new CliError(`--when: now, window or at=TIME, got ${JSON.stringify(v)}`);
  const t = m[1]!.startsWith('+') ? now + duration('--when', m[1]!.slice(1)) : timeFlag('--when', m[1]);
  return { when: 'APPLY_WHEN_AT', atUnixMs: t };
}

const stateOf = (r: Rec) => enumWord(r.state, 'RECOMMENDATION_STATE_');

function recText(r: Rec, steps: ApplyRes['steps'] = []): string {
  const t = r.target;
  const rows: [string, string | number | string[]][] = [
    ['id', r.id],
    ['vm', `${r.vmName} (${r.vmId})`],
    ['kind', enumWord(r.kind, 'RECOMMENDATION_KIND_')],
    ['target', t ? `${t.vmClass || t.vmId || '-'}: ${t.vcpus} vcpus, ${Number(t.memoryMib)} MiB` : '-'],
    ['state', stateOf(r)],
  ];
  if (r.stateReason) rows.push(['reason', r.stateReason]);
  if (Number(r.scheduledUnixMs)) rows.push(['scheduled', whenText(Number(r.scheduledUnixMs))]);
  if (r.newVmId) rows.push(['new vm', r.newVmId]);
  if (steps.length) rows.push(['steps', steps.map((s) => `${s.name}: ${s.state} (${s.detail})`)]);
  return details(rows);
}

export function registerReclassApplyCommand(program: Command, k: CliKit): void {
  const reclass = reclassGroup(program);
  reclass
    .command('apply <id>')
    .description('apply a recommendation (resize, move, new vm, reassign) through the planner and quotas')
    .option('--dry-run', 'plan and check only (quota, room): writes nothing')
    .option('--when <when>', "now, window (the set's next maintenance window) or at=TIME", 'now')
    .option('--wait', 'follow it until applied (exit 0) or failed (exit 1)')
    .option('--timeout <duration>', 'how long --wait waits (exit 3 after)', '10m')
    .action(async (id: string, o: { dryRun?: boolean; when: string; wait?: boolean; timeout: string }) => {
      const w = applyWhenFlag(o.when);
      const timeoutMs = duration('--timeout', o.timeout);
      const { res, last } = await k.withClient(async (c) => {
        const res = await c.call<ApplyRes>((md, op, cb) =>
          c.reclass.ApplyRecommendation({ id, ...w, dryRun: !!o.dryRun }, md, op, cb),
        );
        if (!o.wait || o.dryRun || stateOf(res.recommendation!) === 'scheduled') return { res, last: undefined };
        const last = await waitVerdict(
          'the recommendation to be applied',
          timeoutMs,
          async () =>
            (await c.call<GetRes>((md, op, cb) => c.reclass.GetRecommendation({ id }, md, op, cb))).recommendation!,
          (r) => {
            const s = stateOf(r);
            return {
              done: s === 'applied',
              failed: s === 'failed' || s === 'stale' ? `${s}: ${r.stateReason}` : undefined,
              progress: `${s}${r.stateReason ? `: ${r.stateReason}` : ''}`,
            };
          },
          { quiet: k.quiet() },
        );
        return { res, last };
      });
      if (o.dryRun) k.note('dry run: nothing was written');
      const rec = last ?? res.recommendation!;
      k.out({ recommendation: rec, steps: res.steps }, () => recText(rec, res.steps));
    });
}
