// A VM's MonitorSpec as the agent runs it: taken from the wire once per change,
// regexes compiled once (the controller validated them; the length cap here
// guards an agent talking to a controller that did not), and the VM's fixed
// phase inside the jitter window so a fleet's polls do not land in one second.
import { createHash } from 'node:crypto';
import type { MonitorSpec__Output } from '../../common/gen/nephele/v1/MonitorSpec.js';
import type { MonitorSpec, ProbeKind, ProbeSpec, RogueSignature } from '../../common/model/monitor.js';

export const INTERVAL_MIN_MS = 1_000;
export const INTERVAL_DEFAULT_MS = 30_000;
export const INTERVAL_MAX_MS = 24 * 3600_000;
export const MAX_PROBES = 16;
export const MAX_ROGUE = 64;
export const REGEX_MAX = 256;
export const PROBE_TIMEOUT_DEFAULT_MS = 5_000;
export const PROBE_TIMEOUT_MAX_MS = 60_000;

const PROBE_KINDS: Record<string, ProbeKind> = {
  PROBE_KIND_HTTP: 'http',
  PROBE_KIND_TCP: 'tcp',
  PROBE_KIND_EXEC: 'exec',
};

/** The wire spec in our names; undefined when nothing is to be monitored. */
export function specFromProto(m: MonitorSpec__Output | null | undefined): MonitorSpec | undefined {
  if (!m?.enabled) return undefined;
  const probes: ProbeSpec[] = [];
  for (const p of (m.probes ?? []).slice(0, MAX_PROBES)) {
    const kind = Object.hasOwn(PROBE_KINDS, String(p.kind)) ? PROBE_KINDS[String(p.kind)] : undefined;
    if (!kind) continue; // a kind this agent does not know yet
    probes.push({
      name: String(p.name).slice(0, 32),
      kind,
      path: p.path || '/',
      expectStatus: p.expectStatus,
      expectBody: String(p.expectBody ?? '').slice(0, 256),
      port: p.port,
      command: (p.command ?? []).slice(0, 32).map((w) => String(w).slice(0, 256)),
      expectExit: p.expectExit,
      timeoutMs: Math.min(p.timeoutMs || PROBE_TIMEOUT_DEFAULT_MS, PROBE_TIMEOUT_MAX_MS),
    });
  }
  return {
    enabled: true,
    intervalMs: Math.min(Math.max(m.intervalMs || INTERVAL_DEFAULT_MS, INTERVAL_MIN_MS), INTERVAL_MAX_MS),
    cron: m.cron ?? '',
    jitterPct: Math.min(m.jitterPct ?? 0, 100),
    probes,
    thresholds: { failures: m.thresholds?.failures ?? 0, windowS: m.thresholds?.windowS ?? 0 },
    rogue: (m.rogue ?? []).slice(0, MAX_ROGUE).map((r) => ({
      name: String(r.name).slice(0, 64),
      nameRegex: r.nameRegex ?? '',
      cmdlineRegex: r.cmdlineRegex ?? '',
      exeSha256: (r.exeSha256 ?? '').toLowerCase(),
    })),
  };
}

export interface CompiledRogue {
  name: string;
  nameRe?: RegExp;
  cmdlineRe?: RegExp;
  exeSha256: string;
}

/** Compiles each signature once; one that does not compile (or is over the cap) is left out, not fatal. */
export function compileRogue(sigs: RogueSignature[], onBad: (name: string, why: string) => void): CompiledRogue[] {
  const out: CompiledRogue[] = [];
  for (const s of sigs) {
    try {
      if (s.nameRegex.length > REGEX_MAX || s.cmdlineRegex.length > REGEX_MAX) throw new Error('regex too long');
      const c: CompiledRogue = { name: s.name, exeSha256: s.exeSha256 };
      if (s.nameRegex) c.nameRe = new RegExp(s.nameRegex);
      if (s.cmdlineRegex) c.cmdlineRe = new RegExp(s.cmdlineRegex);
      if (!c.nameRe && !c.cmdlineRe && !c.exeSha256) throw new Error('matches nothing');
      out.push(c);
    } catch (e) {
      onBad(s.name, (e as Error).message);
    }
  }
  return out;
}

/** The VM's fixed offset (ms) inside jitter_pct of the interval: from its id, the same on every agent run. */
export function phaseOf(vmId: string, intervalMs: number, jitterPct: number): number {
  const window = Math.floor((intervalMs * Math.min(Math.max(jitterPct, 0), 100)) / 100);
  if (window <= 0) return 0;
  const h = createHash('sha256').update(vmId).digest().readUInt32BE(0);
  return h % window;
}

/** The first poll time strictly after `now` on the grid interval*k + phase. */
export function nextDue(now: number, intervalMs: number, phaseMs: number): number {
  const k = Math.floor((now - phaseMs) / intervalMs) + 1;
  return k * intervalMs + phaseMs;
}

/** Two specs that schedule and judge alike (a re-sent desired state must not reset a VM's schedule). */
export function sameSpec(a: MonitorSpec | undefined, b: MonitorSpec | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The monitored VMs of a full desired state, with the spec each runs under. */
export function desiredSpecs(
  vms: { vmId: string; generation: number; monitor?: MonitorSpec__Output | null }[],
): Map<string, { spec: MonitorSpec; generation: number }> {
  const out = new Map<string, { spec: MonitorSpec; generation: number }>();
  for (const v of vms) {
    const spec = specFromProto(v.monitor);
    if (spec) out.set(v.vmId, { spec, generation: Number(v.generation) });
  }
  return out;
}
