import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { tmpDir } from '../helpers/tmp.js';
import { statusOf } from '../helpers/status.js';
import { waitFor } from '../helpers/wait.js';
import { spawn } from 'node:child_process';
import { CLI, FAST, startController, type ControllerProc } from '../helpers/procs.js';
import { v1 } from '../../common/grpc/load.js';
import { CLIENT_CHANNEL_OPTIONS } from '../../common/grpc/options.js';
import { unary } from '../../common/grpc/promisify.js';
import { RESUME_SEQ, resumeSeqOf } from '../../common/grpc/status.js';
import type { Event__Output as Event } from '../../common/gen/nephele/v1/Event.js';

// Slow watchers against a real controller process: WatchEvents streams whose
// clients never read must not grow the controller's memory; they are ended
// with ABORTED and the seq to resume after once they fall behind, while a
// watcher that reads keeps receiving; watches are limited per token and in all.

const md = (token?: string) => {
  const m = new grpc.Metadata();
  if (token) m.set('authorization', `Bearer ${token}`);
  return m;
};

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

interface Watch {
  call: grpc.ClientReadableStream<Event>;
  seqs: number[];
  error?: grpc.ServiceError;
  closed: boolean;
}

function watch(
  c: InstanceType<ReturnType<typeof v1>['EventService']>,
  token: string,
  since: number,
  paused = false,
): Watch {
  const call = c.WatchEvents({ sinceSeq: since }, md(token)) as grpc.ClientReadableStream<Event>;
  const w: Watch = { call, seqs: [], closed: false };
  call.on('data', (e: Event) => w.seqs.push(Number(e.seq)));
  call.on('error', (e: grpc.ServiceError) => (w.error = e));
  call.on('close', () => (w.closed = true));
  if (paused) call.pause();
  return w;
}

/** Allowed (an event arrives) or refused (an error), for a watch from seq 0. */
async function outcome(w: Watch): Promise<number> {
  return waitFor(() => (w.error ? w.error.code : w.seqs.length ? -1 : undefined), { message: 'watch answered' });
}

async function createGroups(
  c: InstanceType<ReturnType<typeof v1>['HostService']>,
  token: string,
  prefix: string,
  n: number,
  concurrency = 32,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        await unary((cb) => c.CreateGroup({ name: `${prefix}-${i}` }, md(token), cb));
      }
    }),
  );
}

let ctl: ControllerProc;
t.teardown(() => ctl?.kill());
const BUFFER = 200;
const fellBehind = () => (ctl.output().match(/watcher fell behind; ended/g) ?? []).length;

t.test(
  'paused watchers: memory stays bounded, laggards are told where to resume, a reading watcher keeps up; limits',
  async (t) => {
    const PAUSED = 40;
    ctl = await startController(tmpDir(), {
      args: [
        ...FAST,
        '--rate-limit',
        '1000000',
        '--watch-buffer',
        String(BUFFER),
        '--max-watches-per-token',
        '45',
        '--max-watches',
        '50',
      ],
    });
    const creds = grpc.credentials.createSsl(readFileSync(join(ctl.dataDir, 'ca.pem')));
    const p = v1();
    const hosts = new p.HostService(ctl.address, creds);
    const auth = new p.AuthService(ctl.address, creds);
    // Paused streams share connections of their own: a connection whose flow-control window they
    // hold up must not be the one the other watches use.
    const made: { close(): void }[] = [hosts, auth];
    t.teardown(() => made.forEach((x) => x.close()));
    const channel = () => {
      const ch = new p.EventService(ctl.address, creds, { 'grpc.use_local_subchannel_pool': 1 });
      made.push(ch);
      return ch;
    };
    const channels = Array.from({ length: 6 }, channel);
    const pausedChannels = Array.from({ length: 8 }, channel);
    const admin = readFileSync(join(ctl.dataDir, 'admin.token'), 'utf8').trim();
    const lastSeq = async () =>
      Number(
        (await unary<{ lastSeq: number }>((cb) => channels[0]!.ListEvents({ pageSize: 1 }, md(admin), cb as never)))
          .lastSeq,
      );

    // A backlog: 8,000 calls, an audit and a group.created event each.
    await createGroups(hosts, admin, 'backlog', 8000, 64);
    const backlog = await lastSeq();
    t.ok(backlog >= 16_000, `a backlog of ${backlog} events`);

    const baseline = rssBytes(ctl.proc.pid!);
    let peak = baseline;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, rssBytes(ctl.proc.pid!));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    t.teardown(() => {
      sampling = false;
    });

    const paused = Array.from({ length: PAUSED }, (_, i) =>
      watch(pausedChannels[i % pausedChannels.length]!, admin, 0, true),
    );
    // The reader connects as our CLI does (`events tail -f`: its 8 MiB receive window), so what
    // it has not read yet waits in its socket, not in the controller's buffer: a reader slowed by
    // a busy machine for a moment is not a laggard.
    const readerChannel = new p.EventService(ctl.address, creds, {
      ...CLIENT_CHANNEL_OPTIONS,
      'grpc.use_local_subchannel_pool': 1,
    });
    made.push(readerChannel);
    const reader = watch(readerChannel, admin, 0);
    const reading = (upTo: number) => {
      if (reader.error) throw new Error(`the reading watcher was ended: ${reader.error.details}`);
      return reader.seqs.at(-1)! >= upTo;
    };
    await waitFor(() => reading(backlog), {
      timeoutMs: 60_000,
      message: 'the reading watcher replays the backlog',
    });

    // More events than a watcher may have waiting: the paused ones fall behind.
    await createGroups(hosts, admin, 'more', 3 * BUFFER);
    const head = await lastSeq();
    await waitFor(() => reading(head), {
      timeoutMs: 60_000,
      message: 'the reading watcher keeps receiving',
    });
    t.same(
      reader.seqs,
      Array.from({ length: reader.seqs.length }, (_, i) => i + 1),
      'it got every event, in order',
    );
    sampling = false;
    await sampler;
    const grew = peak - baseline;
    t.comment(
      `controller RSS ${Math.round(baseline / 2 ** 20)} MB before the watchers, peak ${Math.round(peak / 2 ** 20)} MB (+${Math.round(grew / 2 ** 20)} MB) with ${PAUSED} paused watchers of ${backlog} events`,
    );
    t.ok(grew < 100 * 2 ** 20, `controller memory stayed bounded (+${Math.round(grew / 2 ** 20)} MB)`);
    const ended = await waitFor(() => (fellBehind() >= PAUSED ? fellBehind() : undefined), {
      timeoutMs: 60_000,
      message: 'every paused watcher ended',
    });
    t.equal(ended, PAUSED, 'every paused watcher was ended, and only those');

    // Limits, while the 41 streams above are still open: 45 per token, 50 in all.
    const more = Array.from({ length: 4 }, () => watch(channels[1]!, admin, 0));
    for (const w of more) t.equal(await outcome(w), -1, 'within the per-token limit');
    const over = watch(channels[1]!, admin, 0);
    t.equal(await outcome(over), grpc.status.RESOURCE_EXHAUSTED, 'the 46th watch of one token is refused');
    t.match(over.error?.details, /too many open watches for this token/);
    const viewer = await unary<{ secret: string }>((cb) =>
      auth.CreateToken({ kind: 'TOKEN_KIND_API', role: 'viewer', tenant: 'default' }, md(admin), cb as never),
    );
    const others = Array.from({ length: 5 }, () => watch(channels[2]!, viewer.secret, 0));
    for (const w of others)
      t.ok((await waitFor(() => w.seqs.length > 0 || w.error)) && !w.error, 'another token within the total');
    const total = watch(channels[2]!, viewer.secret, 0);
    t.equal(await outcome(total), grpc.status.RESOURCE_EXHAUSTED, 'the 51st watch on the controller is refused');
    t.match(total.error?.details, /too many open watches on this controller/);

    // The paused clients read on: what was sent before the status (grpc-js drops the few it had not
    // handed over when the status came), then ABORTED with the seq the watch was sent up to.
    for (const w of paused) w.call.resume();
    await waitFor(() => paused.every((w) => w.closed), {
      timeoutMs: 60_000,
      message: 'paused watchers read to their end',
    });
    let exact = 0;
    for (const w of paused) {
      const last = w.seqs.at(-1) ?? 0;
      const sent = resumeSeqOf(w.error);
      if (
        w.error?.code !== grpc.status.ABORTED ||
        sent === undefined ||
        sent < last ||
        !w.seqs.every((s, i) => s === i + 1)
      ) {
        t.fail(`watcher ended with ${w.error?.code} ${w.error?.details} after ${w.seqs.length} events (last ${last})`);
      }
      if (sent === last) exact++;
    }
    t.comment(`${exact} of ${PAUSED} paused clients received every event sent before the status`);
    const one = paused[0]!;
    const sent = resumeSeqOf(one.error)!;
    t.equal(one.error?.code, grpc.status.ABORTED, 'ABORTED');
    t.match(
      one.error?.details,
      new RegExp(`watcher fell behind.*resume with since_seq=${sent} \\(or the last seq received, if lower\\)$`),
      'the details say where to resume',
    );
    t.equal(one.error?.metadata.get(RESUME_SEQ)[0], String(sent), 'and so does the trailer');
    t.ok(one.seqs.length < backlog, `it had received ${one.seqs.length} events`);

    // Resuming from there delivers the rest, with no gap (slots of the ended streams are free again).
    const resumed = watch(channels[3]!, admin, one.seqs.at(-1)!);
    await waitFor(() => resumed.seqs.at(-1)! >= head, { timeoutMs: 60_000, message: 'resumed watch catches up' });
    t.same(
      resumed.seqs.slice(0, head - one.seqs.at(-1)!),
      Array.from({ length: head - one.seqs.at(-1)! }, (_, i) => one.seqs.at(-1)! + 1 + i),
      'no gap, no duplicate',
    );

    // Cancelled watches give their slots back.
    for (const w of [resumed, reader, ...more, ...others]) w.call.cancel();
    await waitFor(
      async () => {
        const w = watch(channels[4]!, viewer.secret, 0);
        const code = await outcome(w);
        w.call.cancel();
        return code === -1;
      },
      { message: 'slots freed' },
    );
    const all = Array.from({ length: 45 }, () => watch(channels[5]!, admin, 0));
    for (const w of all) t.equal(await outcome(w), -1);
    all.forEach((w) => w.call.cancel());
    t.equal(
      (await statusOf(unary((cb) => hosts.ListGroups({}, md(admin), cb)))).code,
      0,
      'the controller still serves',
    );
  },
);

t.test('nephele events tail -f follows on from where it was when its watch fell behind', async (t) => {
  const creds = grpc.credentials.createSsl(readFileSync(join(ctl.dataDir, 'ca.pem')));
  const hosts = new (v1().HostService)(ctl.address, creds);
  const events = new (v1().EventService)(ctl.address, creds);
  t.teardown(() => [hosts, events].forEach((c) => c.close()));
  const admin = readFileSync(join(ctl.dataDir, 'admin.token'), 'utf8').trim();
  const lastSeq = async () =>
    Number(
      (await unary<{ lastSeq: number }>((cb) => events.ListEvents({ pageSize: 1 }, md(admin), cb as never))).lastSeq,
    );
  const proc = spawn(
    process.execPath,
    [CLI, '--controller', ctl.address, '--data-dir', ctl.dataDir, 'events', 'tail', '-f', '--since', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  t.teardown(() => proc.kill('SIGKILL'));
  let out = '';
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  // Nobody reads its output: the pipe fills, the CLI blocks in its write and stops reading its watch.
  proc.stdout.pause();
  const before = fellBehind();
  await waitFor(
    async () => {
      await createGroups(hosts, admin, `cli-${Date.now()}`, BUFFER);
      return fellBehind() > before;
    },
    { timeoutMs: 120_000, intervalMs: 10, message: "the CLI's watch fell behind" },
  );
  const head = await lastSeq();
  proc.stdout.on('data', (d) => (out += d));
  proc.stdout.resume();
  const seqs = () =>
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => Number(l.trim().split(/\s+/)[0]));
  await waitFor(() => (seqs().at(-1) ?? 0) >= head, { timeoutMs: 60_000, message: 'the CLI caught up' });
  // Once at least; again if the resumed watch also fell behind while the pipe was still blocked.
  t.match(
    err,
    /^(nephele: the watch fell behind; resuming after seq \d+\n)+$/,
    'it says so on stderr, and nothing else',
  );
  t.same(
    seqs().slice(0, head),
    Array.from({ length: head }, (_, i) => i + 1),
    'and prints every event once, in order',
  );
  proc.kill('SIGINT');
  t.equal(await new Promise((r) => proc.once('exit', r)), 0, 'SIGINT ends it cleanly');
});
