// nephele monitor policy set|show (issue 14): a policy from a JSON file (the
// shape `policy show --json` prints), from flags, or a file with flags on top.
// The controller validates it (INVALID_ARGUMENT naming the field); here only
// what the flags' own syntax needs.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { MonitorPolicy, MonitorPolicy__Output } from '../../../common/gen/nephele/v1/MonitorPolicy.js';
import type { Probe } from '../../../common/gen/nephele/v1/Probe.js';
import type { RogueSignature } from '../../../common/gen/nephele/v1/RogueSignature.js';
import type { ProbeKind } from '../../../common/gen/nephele/v1/ProbeKind.js';
import type { LadderStep } from '../../../common/gen/nephele/v1/LadderStep.js';
import { LADDER_STEPS, PROBE_KINDS } from '../../../common/model/monitor.js';
import { CliError, type AdminClient } from '../client.js';
import { collect, type CliKit } from '../kit.js';
import { details, enumWord, when } from '../format.js';
import { duration, wholeNumber } from '../parse.js';
import { resolveSet } from '../resolve.js';

/** `fleet`, `tenant:<name>` or `set:<set>` (a set by id, id prefix or name) as the controller takes it. */
export async function resolveScope(c: AdminClient, scope: string, fleet = true): Promise<string> {
  if (fleet && scope === 'fleet') return scope;
  const m = /^(tenant|set):(.+)$/.exec(scope);
  if (!m)
    throw new CliError(`scope: ${fleet ? 'fleet, ' : ''}tenant:<name> or set:<set>, got ${JSON.stringify(scope)}`);
  return m[1] === 'set' ? `set:${await resolveSet(c, m[2]!)}` : scope;
}

const seconds = (flag: string, v: string, min = 0) => {
  const ms = duration(flag, v);
  if (ms % 1000 !== 0 || ms < min * 1000) throw new CliError(`${flag}: whole seconds, at least ${min}s`);
  return ms / 1000;
};

/** Splits `a,k1=x,k2=y` at the commas that start a known key (so a regex or path may hold other commas). */
function keyed(flag: string, spec: string, keys: string[]): { head: string; opts: Map<string, string> } {
  const parts = spec.split(new RegExp(`,(?=(?:${keys.join('|')})=)`));
  const opts = new Map<string, string>();
  for (const p of parts.slice(1)) {
    const i = p.indexOf('=');
    if (opts.has(p.slice(0, i))) throw new CliError(`${flag}: ${p.slice(0, i)} given twice in ${JSON.stringify(spec)}`);
    opts.set(p.slice(0, i), p.slice(i + 1));
  }
  return { head: parts[0]!, opts };
}

/** `[name=]http[:/path][,status=200][,body=ok][,timeout=2s]`, `[name=]tcp[:port]`, `[name=]exec:argv words[,exit=0]`. */
export function parseProbe(spec: string): Probe {
  const { head, opts } = keyed('--probe', spec, ['status', 'body', 'timeout', 'exit', 'port']);
  const m = /^(?:([a-z0-9_-]{1,32})=)?(http|tcp|exec)(?::(.*))?$/s.exec(head);
  if (!m)
    throw new CliError(
      `--probe: [name=]http:/path, [name=]tcp[:port] or [name=]exec:command args, got ${JSON.stringify(spec)}`,
    );
  const kind = m[2] as (typeof PROBE_KINDS)[number];
  const arg = m[3] ?? '';
  const p: Probe = { name: m[1] ?? kind, kind: `PROBE_KIND_${kind.toUpperCase()}` as ProbeKind };
  if (kind === 'http') {
    p.path = arg || '/';
    if (!p.path.startsWith('/'))
      throw new CliError(`--probe: an http path starts with "/", got ${JSON.stringify(arg)}`);
  } else if (kind === 'tcp') {
    if (arg) p.port = wholeNumber('--probe port', arg, 1, 65535);
  } else {
    p.command = arg.split(/\s+/).filter(Boolean);
    if (!p.command.length) throw new CliError('--probe: exec needs a command (exec:/bin/check arg)');
  }
  for (const [key, v] of opts) {
    if (key === 'status' && kind === 'http') p.expectStatus = wholeNumber('--probe status', v, 100, 599);
    else if (key === 'body' && kind === 'http') p.expectBody = v;
    else if (key === 'port' && kind === 'tcp') p.port = wholeNumber('--probe port', v, 1, 65535);
    else if (key === 'exit' && kind === 'exec') p.expectExit = wholeNumber('--probe exit', v, 0, 255);
    else if (key === 'timeout') p.timeoutMs = duration('--probe timeout', v);
    else throw new CliError(`--probe: ${key}= does not apply to ${kind} probes`);
  }
  return p;
}

/** `name=<n>[,comm=<regex>][,cmdline=<regex>][,sha256=<hex>]`. */
export function parseRogue(spec: string): RogueSignature {
  const { head, opts } = keyed('--rogue', `,${spec}`, ['name', 'comm', 'cmdline', 'sha256']);
  if (head !== '' || !opts.get('name'))
    throw new CliError(`--rogue: name=<n>,comm=<regex>,cmdline=<regex>,sha256=<hex>, got ${JSON.stringify(spec)}`);
  if (opts.size < 2) throw new CliError('--rogue: needs comm=, cmdline= or sha256= besides the name');
  return {
    name: opts.get('name'),
    nameRegex: opts.get('comm') ?? '',
    cmdlineRegex: opts.get('cmdline') ?? '',
    exeSha256: opts.get('sha256') ?? '',
  };
}

const FILE_KEYS = [
  'scope',
  'intervalS',
  'cron',
  'jitterPct',
  'probes',
  'thresholds',
  'rogue',
  'licence',
  'ladders',
  'desiredVersion',
  'enabled',
  'version',
  'updatedUnixMs',
];

const short = <T>(field: string, v: unknown, prefix: string, names: readonly string[]): T => {
  const s = String(v ?? '');
  if (s.startsWith(prefix)) return s as T;
  if (!names.includes(s))
    throw new CliError(`--file: ${field} must be one of ${names.join(', ')}, got ${JSON.stringify(v)}`);
  return `${prefix}${s.toUpperCase()}` as T;
};

/** A policy file: the JSON `policy show --json` prints (short enum names or proto ones); read-only fields are ignored. */
export function policyFromFile(path: string): MonitorPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CliError(`--file: ${path}: ${(e as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new CliError(`--file: ${path} is not a JSON object`);
  const p = raw as Record<string, unknown> & MonitorPolicy;
  for (const k of Object.keys(p))
    if (!FILE_KEYS.includes(k)) throw new CliError(`--file: unknown field ${JSON.stringify(k)}`);
  if (p.probes !== undefined && !Array.isArray(p.probes)) throw new CliError('--file: probes must be a list');
  const probes = (p.probes ?? []).map((x, i) => ({
    ...x,
    kind: short<ProbeKind>(`probes[${i}].kind`, x.kind, 'PROBE_KIND_', PROBE_KINDS),
  }));
  const ladders = p.ladders && { ...p.ladders };
  for (const l of ['faulted', 'rogue', 'outdated'] as const)
    if (ladders?.[l])
      ladders[l] = ladders[l].map((r, i) => ({
        ...r,
        step: short<LadderStep>(`ladders.${l}[${i}].step`, r.step, 'LADDER_STEP_', LADDER_STEPS),
      }));
  const { scope: _s, version: _v, updatedUnixMs: _u, ...rest } = p;
  return { enabled: true, ...rest, probes, ladders };
}

interface PolicyFlags {
  file?: string;
  interval?: string;
  cron?: string;
  jitter?: string;
  probe: string[];
  failures?: string;
  window?: string;
  rogue: string[];
  maxSeats?: string;
  enforceExpiry?: boolean;
  desiredVersion?: string;
  backoff?: string;
  disable?: boolean;
  requestId?: string;
}

/** The policy `policy set` sends: the file's (or an empty one), then each flag given on top. */
export function policyFromFlags(o: PolicyFlags): MonitorPolicy {
  const p: MonitorPolicy = o.file ? policyFromFile(o.file) : { enabled: true };
  if (o.interval !== undefined) p.intervalS = seconds('--interval', o.interval, 1);
  if (o.cron !== undefined) p.cron = o.cron;
  if (o.jitter !== undefined) p.jitterPct = wholeNumber('--jitter', o.jitter.replace(/%$/, ''), 0, 100);
  if (o.probe.length) p.probes = o.probe.map(parseProbe);
  if (o.failures !== undefined || o.window !== undefined)
    p.thresholds = {
      ...p.thresholds,
      ...(o.failures !== undefined ? { failures: wholeNumber('--failures', o.failures, 1, 1000) } : {}),
      ...(o.window !== undefined ? { windowS: seconds('--window', o.window) } : {}),
    };
  if (o.rogue.length) p.rogue = o.rogue.map(parseRogue);
  if (o.maxSeats !== undefined || o.enforceExpiry)
    p.licence = {
      ...p.licence,
      ...(o.maxSeats !== undefined ? { maxSeats: wholeNumber('--max-seats', o.maxSeats) } : {}),
      ...(o.enforceExpiry ? { enforceExpiry: true } : {}),
    };
  if (o.desiredVersion !== undefined) p.desiredVersion = o.desiredVersion;
  if (o.backoff !== undefined) p.ladders = { ...p.ladders, backoffS: seconds('--backoff', o.backoff, 1) };
  if (o.disable) p.enabled = false;
  return p;
}

const ladder = (rungs: { step: string; times: number }[] | undefined) =>
  rungs?.length ? rungs.map((r) => `${enumWord(r.step, 'LADDER_STEP_')} x${r.times || 1}`).join(' → ') : 'default';

export function policyDetail(p: MonitorPolicy__Output, source?: string): string {
  return details([
    ['Scope', p.scope || '-'],
    ...(source !== undefined ? [['From', source || 'defaults'] as [string, string]] : []),
    ['Enabled', p.enabled ? 'yes' : 'no'],
    ['Schedule', p.cron ? `cron ${p.cron}` : `every ${p.intervalS || 30}s, jitter ${p.jitterPct}%`],
    [
      'Probes',
      p.probes.map((x) => {
        const what =
          x.kind === 'PROBE_KIND_HTTP'
            ? x.path
            : x.kind === 'PROBE_KIND_TCP'
              ? x.port || 'app port'
              : x.command.join(' ');
        return `${x.name}  ${enumWord(x.kind, 'PROBE_KIND_')}  ${what}`;
      }),
    ],
    [
      'Thresholds',
      p.thresholds
        ? `${p.thresholds.failures} failure(s) ${p.thresholds.windowS ? `in ${p.thresholds.windowS}s` : 'in a row'}`
        : '-',
    ],
    [
      'Rogue',
      p.rogue.map(
        (r) => `${r.name}  comm=${r.nameRegex || '*'} cmdline=${r.cmdlineRegex || '*'} sha256=${r.exeSha256 || '*'}`,
      ),
    ],
    [
      'Licence',
      p.licence
        ? `max seats ${p.licence.maxSeats || 'any'}, expiry ${p.licence.enforceExpiry ? 'enforced' : 'not enforced'}`
        : '-',
    ],
    [
      'Ladders',
      [
        `faulted: ${ladder(p.ladders?.faulted)}`,
        `rogue: ${ladder(p.ladders?.rogue)}`,
        `outdated: ${ladder(p.ladders?.outdated)}`,
        `backoff: ${p.ladders?.backoffS || 5}s`,
      ],
    ],
    ['Desired version', p.desiredVersion || 'any'],
    ['Version', `${p.version}, updated ${when(p.updatedUnixMs)}`],
  ]);
}

export function registerPolicyCommands(monitor: Command, k: CliKit): void {
  const policy = monitor.command('policy').description('monitor policies per set, tenant or the fleet');
  policy
    .command('set <scope>')
    .description('set the policy of a scope: fleet (admins), tenant:<name> or set:<set>; replaces the whole policy')
    .option('--file <file>', 'the policy as JSON (the shape `policy show --json` prints); flags below override it')
    .option('--interval <duration>', 'poll every (whole seconds; default 30s)')
    .option('--cron <expr>', 'poll on this cron schedule instead (5 or 6 fields)')
    .option('--jitter <pct>', 'spread polls over this share of the interval (default 100)')
    .option(
      '--probe <spec>',
      'a probe (repeatable): [name=]http:/path[,status=200][,body=text], [name=]tcp[:port], [name=]exec:cmd args[,exit=0]; ,timeout=2s on any',
      collect,
      [],
    )
    .option('--failures <n>', 'probe failures that fault the app ...')
    .option('--window <duration>', '... within this window (0: in a row)')
    .option(
      '--rogue <spec>',
      'a rogue-process signature (repeatable): name=<n>,comm=<regex>,cmdline=<regex>,sha256=<hex>',
      collect,
      [],
    )
    .option('--max-seats <n>', 'licence: seats allowed (0: any)')
    .option('--enforce-expiry', 'licence: an expired licence is a fault')
    .option('--desired-version <v>', 'appliance version the scope should run (older is outdated)')
    .option('--backoff <duration>', 'first pause between two actions on one appliance (doubles)')
    .option('--disable', 'no polls, no actions in this scope')
    .option('--request-id <id>', 'retry-safe: the same id again does not apply twice')
    .action(async (ref: string, o: PolicyFlags) => {
      const body = policyFromFlags(o);
      const r = await k.withClient(async (c) => {
        const scope = await resolveScope(c, ref);
        return (await c.setMonitorPolicy({ scope, policy: { ...body, scope }, requestId: o.requestId ?? '' })).policy!;
      });
      k.out(r, () => policyDetail(r));
    });
  policy
    .command('show <scope>')
    .description(
      'the policy of a scope; --effective: the one that applies there (set, else tenant, else fleet, else defaults)',
    )
    .option('--effective', 'the policy in force, and where it comes from')
    .action(async (ref: string, o: { effective?: boolean }) => {
      const r = await k.withClient(async (c) =>
        c.getMonitorPolicy({ scope: await resolveScope(c, ref), effective: !!o.effective }),
      );
      const data = o.effective ? { ...r.policy!, sourceScope: r.sourceScope } : r.policy!;
      k.out(data, () => policyDetail(r.policy!, o.effective ? r.sourceScope : undefined));
    });
}
