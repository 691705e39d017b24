// The monitor's decisions (issue 14): a pure function of a state-table row, its
// policy, the appliance's recent actions and the time. The loop (loop.ts) acts on
// what it returns; nothing here reads the store or the clock.
import type {
  ActionKind,
  ActionRecord,
  ActionTrigger,
  ApplianceRecord,
  LadderRung,
  PolicyRecord,
} from '../../model/monitor.js';

/** The ladders decide walks (a manual or subscription action is not one). */
export type LadderTrigger = Extract<ActionTrigger, 'faulted' | 'rogue' | 'outdated' | 'licence'>;
export const LADDER_TRIGGERS: readonly LadderTrigger[] = ['rogue', 'faulted', 'outdated', 'licence'];

/**
 * When each ladder's current episode began (unix ms); 0 = seen healthy (the next
 * episode starts afresh); absent = not known (a controller restart: resume from the history).
 */
export type Episodes = Partial<Record<LadderTrigger, number>>;

/** Backoff between two actions of one ladder: doubling from backoff_s, at most this. */
export const MAX_BACKOFF_S = 300;
/** Rogue processes killed in one decision (a report carries at most a bounded list anyway). */
export const MAX_KILLS = 16;

export interface Planned {
  kind: ActionKind;
  trigger: LadderTrigger;
  /** 1-based position within the ladder's episode: with the episode it makes the action's key. */
  attempt: number;
  cause: string;
  pid: number;
  version: string;
  /** (vm, ladder, episode, attempt): one action per key, ever. */
  key: string;
}

export interface DecideInput {
  row: ApplianceRecord;
  policy: PolicyRecord;
  /** This appliance's recent actions, newest first. */
  history: readonly ActionRecord[];
  episodes: Episodes;
  now: number;
}

export interface Decision {
  actions: Planned[];
  episodes: Episodes;
  /** Decide again at this time though the row may not change (a ladder backing off). */
  retryAtMs?: number;
}

/** Does the row show the ladder's condition, and why (the action's cause)? */
function condition(t: LadderTrigger, row: ApplianceRecord, p: PolicyRecord): string {
  switch (t) {
    case 'rogue':
      return row.rogue.length ? `rogue: ${row.rogue.slice(0, 4).join(', ')}` : '';
    case 'faulted':
      return row.appState === 'faulted' ? `app faulted${row.fault ? `: ${row.fault}` : ''}` : '';
    case 'outdated':
      return row.appState === 'running' &&
        p.desiredVersion &&
        row.applianceVersion &&
        compareVersions(row.applianceVersion, p.desiredVersion) < 0
        ? `outdated: ${row.applianceVersion} < ${p.desiredVersion}`
        : '';
    case 'licence':
      return row.licenceProblem ? `licence: ${row.licenceProblem}` : '';
  }
}

/** Numeric-aware version order ("1.10" > "1.9"); non-numeric parts compare as text. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.\-+]/);
  const pb = b.split(/[.\-+]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    const c = !isNaN(nx) && !isNaN(ny) ? nx - ny : x < y ? -1 : x > y ? 1 : 0;
    if (c) return Math.sign(c);
  }
  return 0;
}

/** The ladder's rungs, one entry per attempt ("none" ends it). */
export function expand(rungs: readonly LadderRung[]): ActionKind[] {
  const out: ActionKind[] = [];
  for (const r of rungs) {
    if (r.step === 'none') break;
    for (let i = 0; i < Math.max(1, r.times); i++) out.push(r.step);
  }
  return out;
}

/** Licence problems suspend the VM once per episode (there is no licence ladder in the policy). */
const LICENCE_LADDER: readonly ActionKind[] = ['suspend'];

function ladderOf(t: LadderTrigger, p: PolicyRecord): readonly ActionKind[] {
  return t === 'licence' ? LICENCE_LADDER : expand(p.ladders[t]);
}

/** The pause before attempt `n` (n >= 2): backoff_s doubling, capped. */
export function backoffMs(backoffS: number, n: number): number {
  return Math.min(backoffS * 2 ** Math.max(0, n - 2), MAX_BACKOFF_S) * 1000;
}

/** Rogue entries are "<signature>:<pid>". */
export function roguePids(rogue: readonly string[]): number[] {
  const pids = new Set<number>();
  for (const r of rogue) {
    const m = /:(\d{1,10})$/.exec(r);
    const pid = m ? Number(m[1]) : 0;
    if (pid > 1) pids.add(pid);
  }
  return [...pids].slice(0, MAX_KILLS);
}

export function decide(i: DecideInput): Decision {
  const { row, policy, now } = i;
  const episodes: Episodes = { ...i.episodes };
  const actions: Planned[] = [];
  let retryAtMs: number | undefined;
  const off = !policy.enabled || !row.monitored;
  // The VM is not running (rebooting, starting): no verdict on the app. Every ladder
  // stays where it is: a reboot rung must not start the ladder over from its first rung.
  if (!off && row.appState === 'unknown') return { actions, episodes };
  for (const t of LADDER_TRIGGERS) {
    const cause = off ? '' : condition(t, row, policy);
    if (!cause) {
      // Healthy again (or not monitored): the ladder starts from its first rung next time.
      episodes[t] = 0;
      continue;
    }
    // A ladder without a record of its start (a controller restart) continues
    // from its last actions: no storm of first rungs after a restart.
    const known = episodes[t];
    const since = known === undefined ? resumeEpisode(t, i.history, now) : known || freshStart(t, i.history, now);
    episodes[t] = since;
    // One ladder at a time: a rogue incident outranks a fault, a fault an update.
    if (actions.length) continue;
    const taken = i.history.filter((a) => a.trigger === t && a.createdUnixMs >= since);
    if (taken.some((a) => a.outcome === 'pending')) continue;
    const ladder = ladderOf(t, policy);
    const plan = (kind: ActionKind, attempt: number, pid = 0): Planned => ({
      kind,
      trigger: t,
      attempt,
      cause,
      pid,
      version: kind === 'update_app' ? policy.desiredVersion : '',
      key: `${row.vmId}/${t}/${since}/${attempt}`,
    });
    if (t === 'rogue') {
      // An incident, not an escalation: the whole ladder at once (kill each match, then suspend/terminate).
      if (taken.length) continue;
      let n = 0;
      for (const kind of ladder) {
        if (kind === 'kill_process') for (const pid of roguePids(row.rogue)) actions.push(plan(kind, ++n, pid));
        else actions.push(plan(kind, ++n));
      }
      continue;
    }
    const next = taken.length + 1;
    if (next > ladder.length) continue; // the ladder is spent: a person looks at it
    const last = taken[0];
    if (last) {
      const at = Math.max(last.createdUnixMs, last.endedUnixMs) + backoffMs(policy.ladders.backoffS, next);
      if (now < at) {
        retryAtMs = retryAtMs === undefined ? at : Math.min(retryAtMs, at);
        continue;
      }
    }
    actions.push(plan(ladder[next - 1]!, next));
  }
  return { actions, episodes, ...(retryAtMs !== undefined ? { retryAtMs } : {}) };
}

/** A new episode starts now, after every earlier action of its ladder (even one in this same ms). */
function freshStart(t: LadderTrigger, history: readonly ActionRecord[], now: number): number {
  const last = history.find((a) => a.trigger === t);
  return last ? Math.max(now, last.createdUnixMs + 1) : now;
}

/** The start of the ladder's latest run of actions in the history (now when it has none). */
function resumeEpisode(t: LadderTrigger, history: readonly ActionRecord[], now: number): number {
  let since = now;
  for (const a of history) {
    if (a.trigger === 'manual' || a.trigger === 'subscription') continue;
    if (a.trigger !== t) break;
    since = a.createdUnixMs;
  }
  return since;
}
