// nephele subscription set|show (issue 14): when a set's or tenant's
// subscription ends, its VMs are stopped and unmonitored, and after the grace
// period the set is retired.
import type { Command } from 'commander';
import type { Subscription__Output as Subscription } from '../../../common/gen/nephele/v1/Subscription.js';
import { CliError } from '../client.js';
import type { CliKit } from '../kit.js';
import { details, enumWord, when } from '../format.js';
import { duration, timeFlag } from '../parse.js';
import { resolveScope } from './monitor-policy.js';

/** A point in time, ahead too: `--end 30d` is 30 days from now (timeFlag reads a bare duration as ago). */
function ahead(flag: string, v: string | undefined, now = Date.now()): number {
  if (v !== undefined && /^\+?\d+(\.\d+)?(ms|s|m|h|d)$/.test(v)) return now + duration(flag, v.replace(/^\+/, ''));
  return timeFlag(flag, v, now);
}

const secondsOf = (flag: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const ms = duration(flag, v);
  if (ms % 1000 !== 0) throw new CliError(`${flag}: whole seconds`);
  return ms / 1000;
};

function subscriptionDetail(s: Subscription): string {
  return details([
    ['Scope', s.scope],
    ['State', enumWord(s.state, 'SUBSCRIPTION_STATE_')],
    ['Start', when(s.startUnixMs)],
    ['End', s.endUnixMs ? when(s.endUnixMs) : 'open-ended'],
    ['Warning', `${s.warnS}s before the end`],
    ['Grace', `${s.graceS}s after the end, then the set is retired`],
    ['Version', `${s.version}, updated ${when(s.updatedUnixMs)}`],
  ]);
}

export function registerSubscriptionCommands(program: Command, k: CliKit): void {
  const sub = program
    .command('subscription')
    .description('subscriptions: at their end a set or tenant is stopped, then retired');
  sub
    .command('set <scope>')
    .description('set the subscription of set:<set> or tenant:<name>')
    .option('--start <time>', 'when it starts: ISO time, unix ms, now (default: now)')
    .option('--end <time>', 'when it ends: ISO time, unix ms, or a duration from now (30d); "none": open-ended')
    .option('--grace <duration>', 'after the end, before the set is retired (default 1h)')
    .option('--warn <duration>', 'a warning event this long before the end (default 1d)')
    .option('--request-id <id>', 'retry-safe: the same id again does not apply twice')
    .action(
      async (ref: string, o: { start?: string; end?: string; grace?: string; warn?: string; requestId?: string }) => {
        if (o.end === undefined) throw new CliError('--end: when the subscription ends (or "none")');
        const now = Date.now();
        const endUnixMs = o.end === 'none' ? 0 : ahead('--end', o.end, now);
        const startUnixMs = o.start === undefined ? now : timeFlag('--start', o.start, now);
        if (endUnixMs && endUnixMs <= startUnixMs) throw new CliError('--end: must be after --start');
        const s = await k.withClient(async (c) => {
          const scope = await resolveScope(c, ref, false);
          const subscription = {
            scope,
            startUnixMs,
            endUnixMs,
            graceS: secondsOf('--grace', o.grace) ?? 0,
            warnS: secondsOf('--warn', o.warn) ?? 0,
          };
          return (await c.setSubscription({ subscription, requestId: o.requestId ?? '' })).subscription!;
        });
        k.out(s, () => subscriptionDetail(s));
      },
    );
  sub
    .command('show <scope>')
    .description('the subscription of set:<set> or tenant:<name>')
    .action(async (ref: string) => {
      const s = await k.withClient(
        async (c) => (await c.getSubscription({ scope: await resolveScope(c, ref, false) })).subscription!,
      );
      k.out(s, () => subscriptionDetail(s));
    });
}
