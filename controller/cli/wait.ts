// `--wait` / `--wait-for`: one meaning for every create command (issue 11, item 3).
// The verdicts are pure (tested on their own); waitUntil polls them, draws the
// progress on stderr and ends at --timeout with exit code 3.
import { CliError, EXIT } from './client.js';

export const WAIT_TARGETS = ['placed', 'running', 'healthy'] as const;
export type WaitTarget = (typeof WAIT_TARGETS)[number];

export function waitTarget(flag: string, v: unknown): WaitTarget {
  const s = String(v);
  if (!(WAIT_TARGETS as readonly string[]).includes(s))
    throw new CliError(`${flag}: expected one of ${WAIT_TARGETS.join(', ')}, got ${JSON.stringify(s)}`);
  return s as WaitTarget;
}

/** Where a wait stands: over (done), hopeless (failed: why) or going on; `progress` says so in a few words. */
export interface Verdict {
  done: boolean;
  failed?: string;
  progress: string;
}

/** What a VM's wait reads of it (the wire's enum names). */
export interface VmWaitView {
  state: string;
  stateReason: string;
  hostId: string;
  guestReady: boolean;
}

const VM_ENDED = ['VM_STATE_FAILED', 'VM_STATE_STOPPED', 'VM_STATE_DESTROYED'];

export function vmVerdict(vm: VmWaitView, target: WaitTarget): Verdict {
  const state = vm.state.replace(/^VM_STATE_/, '').toLowerCase();
  const progress = `${state}${vm.hostId ? '' : ', not placed'}${vm.guestReady ? ', healthy' : ''}`;
  if (VM_ENDED.includes(vm.state))
    return { done: false, failed: `${state}: ${vm.stateReason || 'no reason given'}`, progress };
  const done =
    target === 'placed'
      ? !!vm.hostId
      : target === 'running'
        ? vm.state === 'VM_STATE_RUNNING'
        : vm.state === 'VM_STATE_RUNNING' && vm.guestReady;
  return { done, progress };
}

/** What a set's wait reads of it; `healthy` counts its VMs whose guest answers (from ListVms), when asked for. */
export interface SetWaitView {
  state: string;
  stateReason: string;
  reasons: string[];
  count: number;
  placed: number;
  confirmed: number;
  running: number;
  failed?: number;
  healthy?: number;
}

export function setVerdict(s: SetWaitView, target: WaitTarget): Verdict {
  const parts = [`placed ${s.placed}/${s.count}`, `confirmed ${s.confirmed}`, `running ${s.running}`];
  if (s.failed) parts.push(`failed ${s.failed}`);
  if (target === 'healthy') parts.push(`healthy ${s.healthy ?? 0}`);
  const progress = parts.join(', ');
  const why = s.stateReason || s.reasons.join('; ') || 'no reason given';
  if (s.state === 'VM_SET_STATE_RETIRING' || s.state === 'VM_SET_STATE_RETIRED')
    return {
      done: false,
      failed: `the set is ${s.state.replace(/^VM_SET_STATE_/, '').toLowerCase()}: ${why}`,
      progress,
    };
  const reached =
    target === 'placed' ? s.placed : target === 'running' ? s.running : Math.min(s.running, s.healthy ?? 0);
  if (reached >= s.count) return { done: true, progress };
  // Partial, and every VM that could be placed is confirmed by its host: the rest waits
  // for capacity that may never come, so the wait is over and it did not succeed.
  if (s.state === 'VM_SET_STATE_PARTIAL' && s.confirmed >= s.placed)
    return { done: false, failed: `only ${s.placed} of ${s.count} placed: ${why}`, progress };
  return { done: false, progress };
}

/** The wait's one status line on stderr: redrawn in place on a terminal, a new line per change otherwise. */
export class Progress {
  private last = '';
  private drawn = false;
  private readonly started = Date.now();

  constructor(
    private readonly what: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly quiet = false,
  ) {}

  update(progress: string): void {
    if (this.quiet) return;
    const secs = Math.round((Date.now() - this.started) / 1000);
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[2K${this.what}: ${progress} (${secs}s)`);
      this.drawn = true;
    } else if (progress !== this.last) this.out.write(`${this.what}: ${progress}\n`);
    this.last = progress;
  }

  /** Leaves the terminal line clean for what follows. */
  end(): void {
    if (this.drawn) this.out.write('\r\x1b[2K');
    this.drawn = false;
  }
}

/**
 * Polls `step` every `everyMs` until it returns a value; past `timeoutMs` a
 * CliError with exit code 3. `progress`, when given, is updated with what each
 * step says (step may return `{ progress }` to report without ending).
 */
async function waitUntil<T>(
  what: string,
  timeoutMs: number,
  step: () => Promise<T | undefined>,
  everyMs = 300,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await step();
    if (v !== undefined) return v;
    if (Date.now() >= deadline)
      throw new CliError(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}`, EXIT.timeout);
    await new Promise((ok) => setTimeout(ok, everyMs));
  }
}

/**
 * Waits on a verdict: polls `read`, draws its progress, returns the last view
 * when done; exit 1 with the reason when it failed, 3 at the timeout.
 */
export async function waitVerdict<V>(
  what: string,
  timeoutMs: number,
  read: () => Promise<V>,
  verdict: (v: V) => Verdict,
  opts: { quiet?: boolean; everyMs?: number } = {},
): Promise<V> {
  const progress = new Progress(`waiting for ${what}`, process.stderr, opts.quiet);
  let last: Verdict | undefined;
  try {
    return await waitUntil(
      what,
      timeoutMs,
      async () => {
        const v = await read();
        last = verdict(v);
        progress.update(last.progress);
        if (last.failed) throw new CliError(`${what}: ${last.failed}`, EXIT.failed);
        return last.done ? v : undefined;
      },
      opts.everyMs,
    );
  } catch (e) {
    if (e instanceof CliError && e.exitCode === EXIT.timeout && last)
      throw new CliError(`${e.message} (${last.progress})`, EXIT.timeout);
    throw e;
  } finally {
    progress.end();
  }
}
