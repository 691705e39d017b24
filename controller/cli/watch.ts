// `ls --watch`: the listing again every interval, printed when it changed. On a
// terminal it redraws in place (clear + home); into a pipe or file each change
// is a new table after a blank line, with no escape codes. Ctrl-C ends it with
// exit 0; a reader that goes away (EPIPE) is handled in main.ts.
import type { Clock } from '../../common/clock.js';
import type { Command } from 'commander';
import type { View } from './format.js';
import { CliError, type AdminClient } from './client.js';
import type { CliKit } from './kit.js';
import { duration } from './parse.js';

/** realClock's timers are unref'd; between refreshes ours is all that keeps the process alive. */
const HELD: Pick<Clock, 'setTimeout'> = {
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};

/** Shortest --interval: each refresh is a few List calls. */
const MIN_INTERVAL_MS = 100;

export const CLEAR = '\x1b[H\x1b[2J';

/** What to write for a new render: nothing when unchanged; on a TTY a redraw; else the new text after a blank line. */
export function frame(prev: string | undefined, next: string, tty: boolean): string {
  if (next === prev) return '';
  if (tty) return CLEAR + next + '\n';
  return (prev === undefined ? '' : '\n') + next + '\n';
}

export async function watchLoop(o: {
  render: () => Promise<string>;
  everyMs: number;
  tty: boolean;
  write: (s: string) => void;
  signal: AbortSignal;
  clock?: Pick<Clock, 'setTimeout'>;
}): Promise<void> {
  const clock = o.clock ?? HELD;
  let prev: string | undefined;
  while (!o.signal.aborted) {
    const next = await o.render();
    if (o.signal.aborted) return;
    const out = frame(prev, next, o.tty);
    if (out) o.write(out);
    prev = next;
    await new Promise<void>((ok) => {
      const t = clock.setTimeout(ok, o.everyMs);
      o.signal.addEventListener('abort', () => (t.cancel(), ok()), { once: true });
    });
  }
}

/** The --watch and --interval flags of an ls command. */
export const watchOpts = (c: Command): Command =>
  c
    .option('-w, --watch', 'refresh until Ctrl-C: in place on a terminal, a new table per change otherwise')
    .option('--interval <duration>', 'how often --watch refreshes', '2s');

/** An ls command's body: load and print once, or (--watch) until Ctrl-C. */
export async function listing<T>(
  k: CliKit,
  o: { watch?: boolean; interval?: string },
  load: (c: AdminClient) => Promise<T>,
  human: (data: T, v: View) => string,
  result: (data: T) => unknown = (d) => d,
): Promise<void> {
  if (!o.watch) {
    const data = await k.withClient(load);
    k.out(result(data), (v) => human(data, v));
    return;
  }
  const everyMs = duration('--interval', o.interval ?? '2s');
  if (everyMs < MIN_INTERVAL_MS) throw new CliError(`--interval: at least ${MIN_INTERVAL_MS}ms`);
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await k.withClient((c) =>
    watchLoop({
      everyMs,
      tty: !!process.stdout.isTTY,
      signal: ac.signal,
      write: (s) => void process.stdout.write(s),
      render: async () => {
        const data = await load(c);
        return k.text(result(data), (v) => human(data, v));
      },
    }),
  );
}
