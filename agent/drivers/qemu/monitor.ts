// The appliance monitor over the guest agent's line protocol (scripts/guest/agent.sh):
// `mon` parsed into an ApplianceSample, `exec`, `kill`, `app-update`, app restart/stop.
// Everything the guest says is hostile: every count and length is capped here again.
import { createHash } from 'node:crypto';
import type { ApplianceProcess } from '../../../common/model/monitor.js';
import { DriverError, type AppActionRequest, type ApplianceSample } from '../driver.js';
import type { GuestChannel } from './guest-channel.js';

export const MAX_PROCESSES = 256;
const MAX_USERS = 64;
const MAX_CONFIG_FILES = 64;
const CMDLINE_MAX = 512;
const EXEC_MAX_S = 60;
const SHA_RE = /^[0-9a-f]{64}$/;

/** %-decoding of the guest's values (only what it encodes; a bad escape stays as it is). */
export function pct(s: string): string {
  return s.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

const num = (s: string | undefined) => (s && /^\d{1,15}$/.test(s) ? Number(s) : 0);

/** A licence expiry as the config holds it: unix seconds (or ms when that large), else a date. */
export function expiryMs(s: string): number {
  if (/^\d{1,16}$/.test(s)) return Number(s) < 1e11 ? Number(s) * 1000 : Number(s);
  const t = s ? Date.parse(s) : NaN;
  return Number.isFinite(t) ? t : 0;
}

/**
 * Parses the answer of `mon`. The config hash is the sha256 of the sorted
 * "<name> <sha256>\n" lines of the config files (the guest hashes each file in
 * one fork; combining them needs none).
 */
export function parseMon(text: string): ApplianceSample {
  const s: ApplianceSample = {
    app: 'stopped',
    applianceVersion: '',
    configHash: '',
    processes: [],
    users: [],
    licence: { licenceId: '', seats: 0, seatsInUse: 0, expiresUnixMs: 0 },
    io: { diskReadBytes: 0, diskWriteBytes: 0, netRxBytes: 0, netTxBytes: 0 },
  };
  const config: string[] = [];
  for (const tok of text.split(' ')) {
    const eq = tok.indexOf('=');
    if (eq <= 0) continue;
    const [k, v] = [tok.slice(0, eq), tok.slice(eq + 1)];
    const f = v.split(',');
    if (k === 'app') s.app = v === 'running' ? 'running' : 'stopped';
    else if (k === 'ver') s.applianceVersion = pct(v).slice(0, 64);
    else if (k === 'lic')
      s.licence = {
        licenceId: pct(f[0] ?? '').slice(0, 128),
        seats: num(pct(f[1] ?? '')),
        seatsInUse: num(pct(f[2] ?? '')),
        expiresUnixMs: expiryMs(pct(f[3] ?? '')),
      };
    else if (k === 'users')
      s.users = pct(v)
        .split(',')
        .map((u) => u.trim().slice(0, 64))
        .filter(Boolean)
        .slice(0, MAX_USERS);
    else if (k === 'net') s.io = { ...s.io, netRxBytes: num(f[0]), netTxBytes: num(f[1]) };
    else if (k === 'cf' && f.length === 2 && /^[a-z0-9_-]{1,64}$/.test(f[0]!) && SHA_RE.test(f[1]!)) {
      if (config.length < MAX_CONFIG_FILES) config.push(`${f[0]} ${f[1]}\n`);
    } else if (k === 'p' && s.processes.length < MAX_PROCESSES) {
      const p = processOf(f);
      if (p) s.processes.push(p);
    }
  }
  if (config.length) s.configHash = createHash('sha256').update(config.sort().join('')).digest('hex');
  return s;
}

function processOf(f: string[]): ApplianceProcess | undefined {
  if (f.length !== 5) return undefined;
  const pid = num(f[0]);
  if (!(pid > 0) || pid > 4_194_304) return undefined;
  return {
    pid,
    exeSha256: SHA_RE.test(f[2]!) ? f[2]! : '',
    name: pct(f[3]!).slice(0, 64),
    cmdline: pct(f[4]!).slice(0, CMDLINE_MAX),
  };
}

export async function sampleGuest(ga: GuestChannel): Promise<ApplianceSample> {
  return parseMon(await ga.request('mon', 15_000));
}

/** `exec`: every word base64 (spaces, quotes and all survive the line protocol). */
export function execCommand(argv: string[], timeoutMs: number): string {
  if (!argv.length || argv.length > 64) throw new DriverError('exec: 1 to 64 argv words', 'INVALID_SPEC');
  if (argv.some((w) => !w || w.length > 4096 || /[\0]/.test(w)))
    throw new DriverError('exec: argv words of 1 to 4096 characters, no NUL', 'INVALID_SPEC');
  const secs = Math.min(EXEC_MAX_S, Math.max(1, Math.ceil(timeoutMs / 1000)));
  return `exec ${secs} ${argv.map((w) => `b64:${Buffer.from(w).toString('base64')}`).join(' ')}`;
}

export async function execGuest(
  ga: GuestChannel,
  argv: string[],
  timeoutMs: number,
): Promise<{ exitCode: number; output: string }> {
  const cmd = execCommand(argv, timeoutMs);
  const secs = Number(cmd.split(' ')[1]);
  let answer: string;
  try {
    // The guest kills it at `secs`; a little longer here for its answer to come back.
    answer = await ga.request(cmd, secs * 1000 + 5_000);
  } catch (e) {
    throw new DriverError(`exec: ${(e as Error).message}`, 'FAILED');
  }
  const m = /^(\d{1,3}) ?([A-Za-z0-9+/=]*)$/.exec(answer);
  if (!m) throw new DriverError('exec: the guest answered something else', 'FAILED');
  return { exitCode: Number(m[1]), output: Buffer.from(m[2]!, 'base64').subarray(0, 256).toString('utf8') };
}

/** An AppAction as guest agent commands; resolves with a short detail. */
export async function appActionGuest(ga: GuestChannel, a: AppActionRequest): Promise<string> {
  const ask = (c: string) =>
    ga.request(c, 20_000).catch((e: Error) => {
      throw new DriverError(`${a.kind}: ${e.message}`, 'FAILED');
    });
  switch (a.kind) {
    case 'restart_app':
      await ask('app-stop');
      return `app ${await ask('app-start')}`;
    case 'stop_app':
      return `app ${await ask('app-stop')}`;
    case 'update_app': {
      const v = a.version ?? '';
      if (!/^[A-Za-z0-9._+-]{1,64}$/.test(v))
        throw new DriverError('update_app: version of 1-64 of [A-Za-z0-9._+-]', 'INVALID_SPEC');
      return `app ${await ask(`app-update ${v}`)} at ${v}`;
    }
    case 'kill_process': {
      if (!(Number.isInteger(a.pid) && a.pid! > 0)) throw new DriverError('kill_process: a pid', 'INVALID_SPEC');
      if (a.exeSha256 && !SHA_RE.test(a.exeSha256))
        throw new DriverError('kill_process: exe sha256 of 64 hex digits', 'INVALID_SPEC');
      await ask(`kill ${a.pid}${a.exeSha256 ? ` ${a.exeSha256}` : ''}`);
      return `killed pid ${a.pid}`;
    }
  }
}
