// Pure judgement of one poll: probe history against the thresholds, rogue
// processes, the app's state and fault text, and whether the result differs
// from what was last reported (only changes go up in full).
import type { AppState, ObservedAppliance, ProbeResult, Thresholds } from '../../common/model/monitor.js';
import type { ApplianceProcess } from '../../common/model/monitor.js';
import type { VmPhase } from '../drivers/driver.js';
import type { CompiledRogue } from './spec.js';

/** Failure times kept per probe: enough for any window a threshold can count. */
export const FAILURE_HISTORY_MAX = 64;
export const DETAIL_MAX = 256;

/** One probe's history across polls (agent memory only). */
export interface ProbeHistory {
  consecutive: number;
  /** Times (ms) of recent failures, oldest first, at most FAILURE_HISTORY_MAX. */
  failures: number[];
}

export interface ProbeOutcome {
  name: string;
  ok: boolean;
  latencyMs: number;
  detail: string;
}

/** The probe's next history and the result reported for it. */
export function recordProbe(
  prev: ProbeHistory | undefined,
  o: ProbeOutcome,
  now: number,
  windowS: number,
): { history: ProbeHistory; result: ProbeResult } {
  const since = windowS > 0 ? now - windowS * 1000 : -Infinity;
  const failures = (prev?.failures ?? []).filter((t) => t > since);
  if (!o.ok) failures.push(now);
  while (failures.length > FAILURE_HISTORY_MAX) failures.shift();
  const consecutive = o.ok ? 0 : (prev?.consecutive ?? 0) + 1;
  return {
    history: { consecutive, failures },
    result: {
      name: o.name,
      ok: o.ok,
      latencyMs: Math.max(0, Math.round(o.latencyMs)),
      consecutiveFailures: consecutive,
      failuresInWindow: failures.length,
      detail: o.detail.slice(0, DETAIL_MAX),
      timeUnixMs: now,
    },
  };
}

/**
 * A probe counts as failing once it failed `failures` times within the window
 * (window 0: that many times in a row); no threshold set means one failure.
 */
export function probeFailing(r: ProbeResult, t: Thresholds): boolean {
  if (r.ok) return false;
  const n = Math.max(1, t.failures);
  return t.windowS > 0 ? r.failuresInWindow >= n : r.consecutiveFailures >= n;
}

/** "<signature>:<pid>" of every process matching a signature (each process once, the first signature wins). */
export function matchRogue(procs: ApplianceProcess[], sigs: CompiledRogue[]): string[] {
  if (!sigs.length) return [];
  const out: string[] = [];
  for (const p of procs) {
    const hit = sigs.find(
      (s) =>
        (s.nameRe?.test(p.name) ?? false) ||
        (s.cmdlineRe?.test(p.cmdline) ?? false) ||
        (s.exeSha256 !== '' && s.exeSha256 === p.exeSha256),
    );
    if (hit) out.push(`${hit.name}:${p.pid}`);
  }
  return out;
}

/**
 * The app's state: a VM stopped or suspended on purpose has a stopped app; a
 * VM that should run and does not, an app that is not running in a running
 * VM, or a probe over its threshold is faulted.
 */
export function judge(
  phase: VmPhase | undefined,
  app: 'running' | 'stopped' | undefined,
  probes: ProbeResult[],
  t: Thresholds,
): { appState: AppState; fault: string } {
  if (phase === 'stopped' || phase === 'suspended') return { appState: 'stopped', fault: '' };
  if (phase === 'failed') return { appState: 'faulted', fault: 'vm failed' };
  if (phase !== 'running') return { appState: 'unknown', fault: '' };
  if (app === 'stopped') return { appState: 'faulted', fault: 'app not running' };
  const bad = probes.filter((p) => probeFailing(p, t));
  if (bad.length)
    return {
      appState: 'faulted',
      fault: bad
        .map((p) => `probe ${p.name} failed: ${p.detail}`)
        .join('; ')
        .slice(0, DETAIL_MAX),
    };
  return { appState: 'running', fault: '' };
}

/**
 * What the controller's row depends on. Counters that move every poll (io,
 * probe latency and time) are left out: they ride along with the next change.
 */
function essence(a: ObservedAppliance): string {
  return JSON.stringify([
    a.applianceVersion,
    a.configHash,
    a.appState,
    a.fault,
    a.processes.map((p) => [p.pid, p.name, p.cmdline, p.exeSha256]),
    a.rogue,
    a.probes.map((p) => [p.name, p.ok, p.consecutiveFailures, p.failuresInWindow]),
    a.licence,
    a.users,
    a.generation,
  ]);
}

export function changed(prev: ObservedAppliance | undefined, next: ObservedAppliance): boolean {
  return !prev || essence(prev) !== essence(next);
}
