// Monitor policy validation: INVALID_ARGUMENT naming the request's field. Zero
// values mean "the default" (proto3) and are filled in here, so a stored policy
// is complete and the agent never guesses.
import cron from 'node-cron';
import { InvalidArgumentError } from '../../../common/errors.js';
import { optionalString, requireName, requireString } from '../../../common/validate.js';
import type { LadderStep, ProbeSpec, RogueSignature } from '../../../common/model/monitor.js';
import type { LadderRung, PolicyRecord } from '../../model/monitor.js';

export const POLICY_LIMITS = {
  probes: 16,
  rogue: 64,
  regexChars: 256,
  execWords: 16,
  execBytes: 1024,
  rungs: 8,
  rungTimes: 20,
  failures: 100,
  windowS: 86_400,
  intervalS: 86_400,
  timeoutMs: 30_000,
  backoffS: 300,
  maxSeats: 1_000_000,
} as const;

export const DEFAULT_LADDERS: PolicyRecord['ladders'] = {
  faulted: [
    { step: 'restart_app', times: 3 },
    { step: 'reboot', times: 1 },
    { step: 'terminate', times: 1 },
  ],
  rogue: [
    { step: 'kill_process', times: 1 },
    { step: 'suspend', times: 1 },
  ],
  outdated: [{ step: 'update_app', times: 1 }],
  backoffS: 5,
};

/** What applies where nobody set a policy: nothing is polled until an operator enables a policy. */
export const defaultPolicy = (): PolicyRecord => ({
  scope: 'default',
  intervalS: 30,
  cron: '',
  jitterPct: 100,
  probes: [],
  thresholds: { failures: 3, windowS: 0 },
  rogue: [],
  licence: { maxSeats: 0, enforceExpiry: false },
  ladders: structuredClone(DEFAULT_LADDERS),
  desiredVersion: '',
  enabled: false,
  version: 0,
  updatedUnixMs: 0,
});

const SCOPE_RE = /^(fleet|tenant:[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?|set:[0-9A-HJKMNP-TV-Z]{26})$/;
/** "fleet", "tenant:<name>" or "set:<id>". */
export function requireScope(field: string, v: unknown): string {
  const s = requireString(field, v, { max: 80 });
  if (!SCOPE_RE.test(s)) throw new InvalidArgumentError(field, 'must be "fleet", "tenant:<name>" or "set:<id>"');
  return s;
}

const PROBE_NAME_RE = /^[a-z0-9_-]{1,32}$/;
const SHA256_RE = /^[0-9a-f]{64}$/;
// Nested quantifiers ((a+)+, (a*)*, (a|a)+ …) backtrack exponentially; agents run these on hostile cmdlines.
const NESTED_QUANTIFIER_RE = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]/;

function range(field: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) throw new InvalidArgumentError(field, `must be ${min}..${max}`);
  return v;
}

/** A regex the agent can compile and run cheaply ('' = any). */
export function checkRegex(field: string, v: string): string {
  if (!v) return '';
  requireString(field, v, { max: POLICY_LIMITS.regexChars });
  try {
    new RegExp(v);
  } catch {
    throw new InvalidArgumentError(field, 'is not a valid regular expression');
  }
  if (NESTED_QUANTIFIER_RE.test(v)) throw new InvalidArgumentError(field, 'must not nest quantifiers (e.g. (a+)+)');
  return v;
}

function checkProbe(p: ProbeSpec, f: string): ProbeSpec {
  if (!PROBE_NAME_RE.test(p.name)) throw new InvalidArgumentError(`${f}.name`, 'must match [a-z0-9_-]{1,32}');
  const out: ProbeSpec = { ...p, command: [...p.command] };
  out.timeoutMs = p.timeoutMs === 0 ? 2000 : range(`${f}.timeout_ms`, p.timeoutMs, 1, POLICY_LIMITS.timeoutMs);
  range(`${f}.port`, p.port, 0, 65535);
  if (p.kind === 'http') {
    requireString(`${f}.path`, p.path, { max: 256 });
    if (!p.path.startsWith('/')) throw new InvalidArgumentError(`${f}.path`, 'must start with "/"');
    if (p.expectStatus !== 0) range(`${f}.expect_status`, p.expectStatus, 100, 599);
    optionalString(`${f}.expect_body`, p.expectBody, 256);
  }
  if (p.kind === 'exec') {
    if (p.command.length === 0) throw new InvalidArgumentError(`${f}.command`, 'is required for an exec probe');
    if (p.command.length > POLICY_LIMITS.execWords)
      throw new InvalidArgumentError(`${f}.command`, `at most ${POLICY_LIMITS.execWords} words`);
    p.command.forEach((w, i) => requireString(`${f}.command[${i}]`, w, { max: POLICY_LIMITS.execBytes }));
    if (Buffer.byteLength(p.command.join(' ')) > POLICY_LIMITS.execBytes)
      throw new InvalidArgumentError(`${f}.command`, `at most ${POLICY_LIMITS.execBytes} bytes`);
  } else if (p.command.length) throw new InvalidArgumentError(`${f}.command`, 'only for exec probes');
  return out;
}

function checkRogue(r: RogueSignature, f: string): RogueSignature {
  if (!PROBE_NAME_RE.test(r.name)) throw new InvalidArgumentError(`${f}.name`, 'must match [a-z0-9_-]{1,32}');
  checkRegex(`${f}.name_regex`, r.nameRegex);
  checkRegex(`${f}.cmdline_regex`, r.cmdlineRegex);
  if (r.exeSha256 && !SHA256_RE.test(r.exeSha256))
    throw new InvalidArgumentError(`${f}.exe_sha256`, 'must be 64 hex digits');
  if (!r.nameRegex && !r.cmdlineRegex && !r.exeSha256)
    throw new InvalidArgumentError(f, 'needs name_regex, cmdline_regex or exe_sha256');
  return { ...r };
}

const LADDER_STEPS: Record<'faulted' | 'rogue' | 'outdated', LadderStep[]> = {
  faulted: ['restart_app', 'reboot', 'terminate', 'suspend', 'none'],
  rogue: ['kill_process', 'suspend', 'terminate', 'reboot', 'none'],
  outdated: ['update_app', 'none'],
};

function checkLadder(kind: keyof typeof LADDER_STEPS, rungs: LadderRung[]): LadderRung[] {
  const f = `policy.ladders.${kind}`;
  if (rungs.length === 0) return structuredClone(DEFAULT_LADDERS[kind]);
  if (rungs.length > POLICY_LIMITS.rungs) throw new InvalidArgumentError(f, `at most ${POLICY_LIMITS.rungs} rungs`);
  return rungs.map((r, i) => {
    if (!LADDER_STEPS[kind].includes(r.step))
      throw new InvalidArgumentError(`${f}[${i}].step`, `must be one of ${LADDER_STEPS[kind].join(', ')}`);
    const times = r.times === 0 ? 1 : range(`${f}[${i}].times`, r.times, 1, POLICY_LIMITS.rungTimes);
    return { step: r.step, times };
  });
}

/** A bounded list of named entries, each checked, names unique. */
function named<T extends { name: string }>(f: string, xs: T[], max: number, check: (x: T, f: string) => T): T[] {
  if (xs.length > max) throw new InvalidArgumentError(f, `at most ${max}`);
  const seen = new Set<string>();
  return xs.map((x, i) => {
    const out = check(x, `${f}[${i}]`);
    if (seen.has(out.name)) throw new InvalidArgumentError(`${f}[${i}].name`, 'is used twice');
    seen.add(out.name);
    return out;
  });
}

/** The policy as stored: validated, defaults filled in. */
export function validatePolicy(p: PolicyRecord): PolicyRecord {
  const L = POLICY_LIMITS;
  const intervalS = p.intervalS === 0 ? 30 : range('policy.interval_s', p.intervalS, 1, L.intervalS);
  const cronExpr = optionalString('policy.cron', p.cron, 128);
  if (cronExpr && !cron.validate(cronExpr))
    throw new InvalidArgumentError('policy.cron', 'is not a valid cron expression');
  const jitterPct = p.jitterPct === 0 ? 100 : range('policy.jitter_pct', p.jitterPct, 1, 100);
  const probes = named('policy.probes', p.probes, L.probes, checkProbe);
  const rogue = named('policy.rogue', p.rogue, L.rogue, checkRogue);
  const failures =
    p.thresholds.failures === 0 ? 3 : range('policy.thresholds.failures', p.thresholds.failures, 1, L.failures);
  const windowS = range('policy.thresholds.window_s', p.thresholds.windowS, 0, L.windowS);
  range('policy.licence.max_seats', p.licence.maxSeats, 0, L.maxSeats);
  const backoffS = p.ladders.backoffS === 0 ? 5 : range('policy.ladders.backoff_s', p.ladders.backoffS, 1, L.backoffS);
  const desiredVersion = optionalString('policy.desired_version', p.desiredVersion, 128);
  if (p.scope !== 'fleet' && p.scope !== 'default') requireScope('scope', p.scope);
  if (p.scope.startsWith('tenant:')) requireName('scope', p.scope.slice(7));
  return {
    scope: p.scope,
    intervalS,
    cron: cronExpr,
    jitterPct,
    probes,
    thresholds: { failures, windowS },
    rogue,
    licence: { ...p.licence },
    ladders: {
      faulted: checkLadder('faulted', p.ladders.faulted),
      rogue: checkLadder('rogue', p.ladders.rogue),
      outdated: checkLadder('outdated', p.ladders.outdated),
      backoffS,
    },
    desiredVersion,
    enabled: p.enabled,
    version: p.version,
    updatedUnixMs: p.updatedUnixMs,
  };
}
