// nephele reclass policy set|show (issue 15): per set, auto-apply of
// recommendations (off by default) in a maintenance window.
import type { Command } from 'commander';
import type { ReclassPolicy__Output } from '../../../common/gen/nephele/v1/ReclassPolicy.js';
import type { RecommendationKind } from '../../../common/gen/nephele/v1/RecommendationKind.js';
import { RECOMMENDATION_KINDS } from '../../../common/model/reclass.js';
import { CliError } from '../client.js';
import type { CliKit } from '../kit.js';
import { details, enumWord, when } from '../format.js';
import { duration } from '../parse.js';
import { resolveSet } from '../resolve.js';

/** `nephele reclass`: the group the reclassification commands share (created by whichever registers first). */
export function reclassGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'reclass') ??
    program.command('reclass').description('reclassification: analysis, recommendations, their application')
  );
}

export function parseKinds(v: string): RecommendationKind[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      if (!(RECOMMENDATION_KINDS as readonly string[]).includes(s))
        throw new CliError(`--kinds: one or more of ${RECOMMENDATION_KINDS.join(', ')}, got ${JSON.stringify(s)}`);
      return `RECOMMENDATION_KIND_${s.toUpperCase()}` as RecommendationKind;
    });
}

export function reclassPolicyDetail(p: ReclassPolicy__Output): string {
  return details([
    ['Set', p.setId],
    ['Auto-apply', p.autoApply ? 'yes' : 'no'],
    ['Window', p.windowCron ? `cron ${p.windowCron}, ${p.windowMinutes} min` : 'none'],
    [
      'Kinds',
      p.kinds.length ? p.kinds.map((x) => enumWord(x, 'RECOMMENDATION_KIND_')).join(', ') : 'resize, move (default)',
    ],
    ['Updated', p.updatedUnixMs ? when(p.updatedUnixMs) : 'never (defaults)'],
  ]);
}

interface SetFlags {
  autoApply?: boolean;
  window?: string;
  windowLength?: string;
  kinds?: string;
  requestId?: string;
}

export function registerReclassPolicyCommands(program: Command, k: CliKit): void {
  const policy = reclassGroup(program).command('policy').description('per-set reclassification policies');
  policy
    .command('set <set>')
    .description('set the policy of a set (by id, id prefix or name); replaces the whole policy')
    .option('--auto-apply', 'apply recommendations by themselves in the maintenance window (needs --window)')
    .option('--window <cron>', 'maintenance window start (node-cron, 5 or 6 fields)')
    .option('--window-length <duration>', 'how long the window stays open (whole minutes, 1m..24h)', '1h')
    .option(
      '--kinds <list>',
      `auto-applied kinds, comma separated: ${RECOMMENDATION_KINDS.join(', ')} (default resize,move)`,
    )
    .option('--request-id <id>', 'retry-safe: the same id again does not apply twice')
    .action(async (ref: string, o: SetFlags) => {
      const ms = o.window ? duration('--window-length', o.windowLength ?? '1h') : 0;
      if (ms % 60_000 !== 0) throw new CliError('--window-length: whole minutes');
      const body = {
        autoApply: !!o.autoApply,
        windowCron: o.window ?? '',
        windowMinutes: ms / 60_000,
        kinds: o.kinds ? parseKinds(o.kinds) : [],
      };
      const r = await k.withClient(async (c) => {
        const setId = await resolveSet(c, ref);
        return (await c.setReclassPolicy({ policy: { ...body, setId }, requestId: o.requestId ?? '' })).policy!;
      });
      k.out(r, () => reclassPolicyDetail(r));
    });
  policy
    .command('show <set>')
    .description("a set's policy (the defaults when none was set: no auto-apply)")
    .action(async (ref: string) => {
      const r = await k.withClient(
        async (c) => (await c.getReclassPolicy({ setId: await resolveSet(c, ref) })).policy!,
      );
      k.out(r, () => reclassPolicyDetail(r));
    });
}
