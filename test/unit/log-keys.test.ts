// The logger's key rules (issue 11, item 7): the strict-mode guard in
// common/logger.ts, and a static check of every log call in the sources, so a
// line no integration run reaches keeps the rules too.
import t from 'tap';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { createLogger, keyProblems, rpcLevel, severityLevel } from '../../common/logger.js';
import { ROOT } from '../helpers/procs.js';
import { waitFor } from '../helpers/wait.js';

t.test('keyProblems: camelCase keys and keys already bound to the logger', async (t) => {
  t.same(keyProblems({ host_id: 'h', duration_ms: 3, err: new Error('x') }, { service: 's' }), []);
  t.same(keyProblems({ hostId: 'h' }, {}), ['hostId: not snake_case']);
  t.same(keyProblems({ driver: 'qemu', name: 'n' }, { driver: 'qemu' }), ['driver: already bound to this logger']);
  t.same(keyProblems(new Error('boom'), {}), [], 'an error logged on its own is serialized by pino as err');
  t.same(keyProblems('a message', {}), [], 'a message alone has no keys');
});

t.test('strict mode flags a bad call with an error line of its own; the line itself is still written', async (t) => {
  const saved = { strict: process.env.NEPHELE_LOG_STRICT, json: process.env.NEPHELE_LOG_JSON };
  process.env.NEPHELE_LOG_STRICT = '1';
  process.env.NEPHELE_LOG_JSON = '1';
  t.teardown(() => {
    for (const [k, v] of [
      ['NEPHELE_LOG_STRICT', saved.strict],
      ['NEPHELE_LOG_JSON', saved.json],
    ] as const)
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  });
  const file = join(mkdtempSync(join(tmpdir(), 'nephele-log-')), 'out.log');
  const fd = openSync(file, 'w');
  const log = createLogger('svc', { pretty: false, destination: fd, level: 'debug' });
  log.child({ driver: 'qemu' }).info({ driver: 'qemu', vmId: 'v' }, 'started');
  log.info({ host_id: 'h' }, 'fine');
  // The destination writes asynchronously: read once all three lines are there.
  const lines = await waitFor(() => {
    const text = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    return text.length >= 3 ? text.map((l) => JSON.parse(l) as Record<string, unknown>) : undefined;
  });
  closeSync(fd);
  t.equal(lines.length, 3, 'the flag, the bad line, the good line');
  t.equal(lines[0]!.level, 50, 'the flag is an error');
  t.same(lines[0]!.log_key_problems, ['driver: already bound to this logger', 'vmId: not snake_case']);
  t.equal(lines[0]!.log_msg, 'started');
  t.equal(lines[1]!.msg, 'started');
  t.equal(lines[2]!.msg, 'fine');
  t.notOk('name' in lines[2]!, 'no pino name: VMs and hosts log theirs as name');
  t.equal(lines[2]!.service, 'svc');
});

t.test('levels: refusals warn, server faults error, events by severity', async (t) => {
  t.equal(rpcLevel(7), 'warn', 'PERMISSION_DENIED');
  t.equal(rpcLevel(16), 'warn', 'UNAUTHENTICATED');
  t.equal(rpcLevel(3), 'warn', 'INVALID_ARGUMENT');
  t.equal(rpcLevel(13), 'error', 'INTERNAL');
  t.equal(rpcLevel(14), 'warn', 'UNAVAILABLE: a controller that cannot write its store');
  t.equal(rpcLevel(5), 'info', 'NOT_FOUND is an answer, not a fault');
  t.same(['info', 'warning', 'error', 'odd'].map(severityLevel), ['info', 'warn', 'error', 'info']);
});

t.test('an uncaught error is a fatal JSON line, then exit 1 (where logs are JSON)', async (t) => {
  const logger = new URL('../../common/logger.js', import.meta.url).href;
  const script = `import { exitOnUncaught } from '${logger}'; exitOnUncaught('svc'); setTimeout(() => { throw new TypeError('boom'); }, 1);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, NEPHELE_LOG_JSON: '1' },
  });
  t.equal(r.status, 1, 'exit 1');
  t.equal(r.stderr, '', 'no bare stack on stderr');
  const line = JSON.parse(r.stdout) as {
    level: number;
    service: string;
    msg: string;
    err: { type: string; message: string };
  };
  t.equal(line.level, 60, 'fatal');
  t.equal(line.service, 'svc');
  t.equal(line.msg, 'uncaught exception');
  t.match(line.err, { type: 'TypeError', message: 'boom' }, 'the error, serialized');
});

// --- the static check ---

function* sources(dir: string): Generator<string> {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) {
      if (e !== 'gen') yield* sources(p);
    } else if (p.endsWith('.ts')) yield p;
  }
}

/** The object literal opening at `open` (a `{`), through its matching `}`; strings and templates skipped. */
function literalAt(src: string, open: number): string {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const c = src[i]!;
    if (c === "'" || c === '"' || c === '`') {
      for (i++; src[i] !== c; i++) if (src[i] === '\\') i++;
    } else if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === '}' || c === ')' || c === ']') if (--depth === 0) return src.slice(open, i + 1);
  }
  return src.slice(open);
}

/** Top-level keys of an object literal's text: `k: v`, shorthand `k`, and `...spread` as is. */
function keysOf(literal: string): string[] {
  const body = literal.slice(1, -1);
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === "'" || c === '"' || c === '`') {
      const start = i;
      for (i++; body[i] !== c; i++) if (body[i] === '\\') i++;
      cur += body.slice(start, i + 1);
      continue;
    }
    if ('{(['.includes(c)) depth++;
    if ('})]'.includes(c)) depth--;
    if (c === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => (p.startsWith('...') ? p : (/^['"]?([\w$]+)['"]?\s*(:|$)/.exec(p)?.[1] ?? p)));
}

const LOG_CALL = /\.(?:trace|debug|info|warn|error|fatal|child)\(\s*\{|\blog\w*\[[^\]]+\]\(\s*\{/g;
const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
/** Spreads whose keys are known: rpc/handler.ts's `who` is { host_id } or { token_id }. */
const KNOWN_SPREADS = new Set(['...who']);

t.test('static: every log call in controller/, agent/ and common/ uses snake_case keys', async (t) => {
  const bad: string[] = [];
  let calls = 0;
  for (const dir of ['controller', 'agent', 'common']) {
    for (const file of sources(join(ROOT, dir))) {
      if (file.includes('/cli/') && !file.endsWith('controller-cmd.ts')) continue; // CLI output, not logs
      const src = readFileSync(file, 'utf8');
      for (const m of src.matchAll(LOG_CALL)) {
        const literal = literalAt(src, m.index + m[0].length - 1);
        calls++;
        for (const k of keysOf(literal)) {
          const where = `${relative(ROOT, file)}:${src.slice(0, m.index).split('\n').length}`;
          if (k.startsWith('...') && !KNOWN_SPREADS.has(k)) bad.push(`${where}: ${k} spreads keys nobody checks`);
          else if (!k.startsWith('...') && !SNAKE.test(k)) bad.push(`${where}: ${k}`);
        }
      }
    }
  }
  t.ok(calls > 80, `found the log calls (${calls})`);
  t.same(bad, [], 'no camelCase key, no spread');
});
