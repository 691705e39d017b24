import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { tmpDir } from '../helpers/tmp.js';
import { startController, joinToken, ROOT, FAST, type ControllerProc } from '../helpers/procs.js';
import { v1 } from '../../common/grpc/load.js';
import { unary } from '../../common/grpc/promisify.js';
import { createCsr } from '../../common/tls/pki.js';
import {
  Rng,
  caseSeed,
  seedFromEnv,
  loadSchema,
  fuzzPayload,
  encodeMessage,
  newFrame,
  fuzzMetadata,
  hexSample,
  statusName,
  type FuzzMethod,
  type Dictionary,
  type GenCtx,
  type Payload,
  type Tokens,
} from '../helpers/fuzz.js';

// Fuzzes every RPC of every service found in proto/nephele/v1 against a real
// controller process: random valid-shaped messages and mutated bytes, good and
// bad credentials. Every answer must be a proper status code (no INTERNAL,
// UNKNOWN, DEADLINE_EXCEEDED, UNAVAILABLE), the controller must survive and
// still be SERVING.
//
//   FUZZ_SEED=123 npx tap dist/test/integration/fuzz.test.js    reproduce a run
//   FUZZ_COUNT=50000                                            more messages (default 10,000)
//   FUZZ_ONLY=17,4242                                           replay single cases of a seed
//   FUZZ_LOG=/tmp/controller.log                                keep the controller's output

const SEED = seedFromEnv(process.env.FUZZ_SEED);
const COUNT = Number(process.env.FUZZ_COUNT || 10_000);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY || 16);
const ONLY = process.env.FUZZ_ONLY ? process.env.FUZZ_ONLY.split(',').map((s) => Number(s.trim())) : undefined;
// Generous: the 2-core CI machine runs another test file beside this one; a hang is still caught.
const DEADLINE_MS = 60_000;
/** A server stream still open (no status) this long after the call started is cancelled by us: a watch may follow forever. */
const STREAM_OPEN_MS = 400;
/** Streams we send on stay open this long after the last frame, so failures of the server's async work still reach us. */
const LINGER_MS = 150;
/** A stream's first frame gets this long to be answered before the others follow. */
const HANDSHAKE_MS = 100;
/** No status at all this long after the deadline: the client library itself is stuck. */
const WATCHDOG_MS = DEADLINE_MS + 5_000;
const SAMPLES = 3;
const BIG_BYTES = 256 * 1024;
const BIG_CONCURRENCY = 4;
const AGENTS = 5;

const { OK, CANCELLED } = grpc.status;
/** Codes a server may answer with for bad input. CANCELLED only for streams we cancelled ourselves. */
const PROPER = new Set<number>([
  OK,
  grpc.status.INVALID_ARGUMENT,
  grpc.status.NOT_FOUND,
  grpc.status.ALREADY_EXISTS,
  grpc.status.FAILED_PRECONDITION,
  grpc.status.PERMISSION_DENIED,
  grpc.status.UNAUTHENTICATED,
  grpc.status.RESOURCE_EXHAUSTED,
  grpc.status.OUT_OF_RANGE,
  grpc.status.ABORTED,
]);
const NO_STATUS = -1; // our watchdog fired: the call never completed

interface Case {
  index: number;
  method: FuzzMethod;
  frames: Payload[];
  md: grpc.Metadata;
  mdHow: string;
  identity: 'tls' | 'mtls';
  /** Which connection of the identity's pool carries the call. */
  conn: number;
}

interface Outcome {
  code: number;
  details: string;
  cancelledByUs: boolean;
  received: number;
}

interface MethodStats {
  calls: number;
  messages: number;
  bytes: number;
  codes: Map<string, number>;
  bad: number;
}

interface FailureGroup {
  count: number;
  samples: string[];
  hows: Map<string, number>;
}

let ctl: ControllerProc;

// 10,000 messages plus set-up take ~60-90 s on a quiet 2-core box; beside another test
// file in CI it can take longer. A hang is still caught by the per-call deadlines.
t.setTimeout(420_000);

t.before(async () => {
  // Rate limits high enough that the admin token's calls, and anonymous Enroll calls failing from
  // this one address, reach validation instead of RESOURCE_EXHAUSTED.
  const unlimited = [
    ...FAST,
    '--rate-limit',
    '1000000',
    '--host-rate-limit',
    '1000000',
    '--peer-refusal-limit',
    '1000000',
  ];
  try {
    ctl = await startController(tmpDir(), { args: unlimited });
  } catch (e) {
    if (!/unknown option/.test(String(e))) throw e;
    ctl = await startController(tmpDir()); // a controller without rate-limit flags
  }
});
t.teardown(() => ctl?.kill());

const codeLabel = (o: Outcome) =>
  o.code === NO_STATUS
    ? 'NO_STATUS(hang)'
    : o.code === CANCELLED && o.cancelledByUs
      ? 'CANCELLED(by fuzzer)'
      : statusName(o.code);
const isProper = (o: Outcome) => PROPER.has(o.code) || (o.code === CANCELLED && o.cancelledByUs);
const bump = (m: Map<string, number>, k: string, n = 1) => m.set(k, (m.get(k) ?? 0) + n);
const fmtCodes = (m: Map<string, number>) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

t.test(`fuzz every RPC (seed=${SEED}, messages≥${COUNT})`, async (t) => {
  const t0 = Date.now();
  const ca = readFileSync(join(ctl.dataDir, 'ca.pem'));
  const tlsCreds = grpc.credentials.createSsl(ca);
  const admin = readFileSync(join(ctl.dataDir, 'admin.token'), 'utf8').trim();
  const md = () => {
    const m = new grpc.Metadata();
    m.set('authorization', `Bearer ${admin}`);
    return m;
  };

  // ── Fixtures that let valid-shaped messages reach past validation: a real
  // enrolled host (and its client certificate), groups, tokens, join tokens, a CSR.
  const p = v1();
  const auth = new p.AuthService(ctl.address, tlsCreds);
  const hostsClient = new p.HostService(ctl.address, tlsCreds);
  const agentClient = new p.AgentService(ctl.address, tlsCreds);
  const joins = await Promise.all(Array.from({ length: 6 + AGENTS }, () => joinToken(ctl)));
  const enrol = async (joinToken: string, hostname: string) => {
    const key = await createCsr(hostname);
    const r = await unary<{ hostId: string; certificatePem: string }>((cb) =>
      agentClient.Enroll({ joinToken, csrPem: key.csrPem, hostname }, cb as never),
    );
    return { ...r, ...key };
  };
  // The fuzzer's sessions run as `agents` whose ids it is never told (so no fuzzed RevokeHost
  // ends them; a fuzzed certificate renewal may still supersede one). Several of them, because
  // the controller limits how often one host may open sessions. `target` is the host the
  // fuzzer may find, cordon, regroup and revoke.
  const agents = await Promise.all(Array.from({ length: AGENTS }, (_, i) => enrol(joins[6 + i]!, `fuzz-agent-${i}`)));
  const target = await enrol(joins[5]!, 'fuzz-target');
  for (const name of ['fuzz-a', 'fuzz-b']) await unary((cb) => hostsClient.CreateGroup({ name }, md(), cb));
  const spare = await unary<{ token: { id: string }; secret: string }>((cb) =>
    auth.CreateToken({ kind: 'TOKEN_KIND_API', description: 'fuzz spare', role: 'admin' }, md(), cb as never),
  );
  const revoked = await unary<{ token: { id: string }; secret: string }>((cb) =>
    auth.CreateToken({ kind: 'TOKEN_KIND_API', description: 'fuzz revoked', role: 'admin' }, md(), cb as never),
  );
  await unary((cb) => auth.RevokeToken({ tokenId: revoked.token.id }, md(), cb));
  const otherCsr = (await createCsr('fuzz-other')).csrPem;
  for (const c of [auth, hostsClient, agentClient]) c.close();

  const tokens: Tokens = { admin, revoked: revoked.secret, join: joins[4]! };
  // Never the admin token's id: a fuzzed RevokeToken must not end the run.
  const dict: Dictionary = {
    strings: [
      target.hostId,
      'fuzz-a',
      'fuzz-b',
      spare.token.id,
      revoked.token.id,
      joins[1]!,
      'host.',
      'group.created',
      'agent.',
      'info',
      'warning',
      'error',
    ],
    byField: {
      join_token: joins.slice(1, 4),
      csr_pem: [otherCsr],
      host_id: [target.hostId],
      token_id: [spare.token.id, revoked.token.id],
      name: ['fuzz-a', 'fuzz-c'],
      group: ['fuzz-a', 'fuzz-b'],
      groups: ['fuzz-a', 'fuzz-b'],
      type_prefix: ['host.', 'group.', 'agent.'],
      request_id: ['req-1', 'req-2', 'req.3:x_y-z'],
      tenant: ['fuzz-a', 'fuzz-t'],
      topic: ['fuzz.t', 'a-1', 'Bad/Topic'],
      topics: ['fuzz.t', 'b'],
      role: ['admin', 'operator', 'tenant-admin', 'viewer'],
      // ControlVmNative: tools and command lines it parses (and quoting it must refuse).
      scheme: ['virsh', 'xl', 'vmrun', 'qm', 'libvirt', 'qemu', 'process'],
      command: ['list --all', 'dominfo fuzz-a', 'destroy "fuzz-a"', "status 'a b' --verbose", 'start a; b'],
      // ImportVm: a definition that parses, so the disk half is reached too.
      definition: [
        JSON.stringify({
          ...{ version: 1, name: 'fuzz-i', vcpus: 1, memoryMib: 128, arch: 'x86_64', firmware: 'bios' },
          disks: [{ file: 'd.vmdk', format: 'vmdk', bus: 'virtio', device: 'disk', readonly: false }],
          nics: [],
          serial: true,
        }),
      ],
      // ConvertDefinition: definitions that get past the first checks of each format.
      text: [
        '<domain><name>f</name><memory>65536</memory><devices><disk><source file="/a"/></disk></devices></domain>',
        'displayName = "f"\nnumvcpus = "2"\nscsi0:0.fileName = "a.vmdk"\n',
        "name = 'f'\ndisk = [ 'vdev=xvda, target=/a' ]\nvif = [ 'bridge=b' ]\n",
        'qemu-system-x86_64 -name f -m 64 -drive file=/a,if=none,id=d -device virtio-blk-pci,drive=d',
        '<Envelope><VirtualSystem ovf:id="f"><VirtualHardwareSection/></VirtualSystem></Envelope>',
      ],
    },
  };

  // ── Discovery: every service and method from the proto files, nothing hard-coded.
  const protoDir = join(ROOT, 'proto');
  const schema = loadSchema(protoDir);
  const declared = schema.files.reduce(
    (n, f) => n + (readFileSync(join(protoDir, f), 'utf8').match(/^\s*service\s+\w+/gm)?.length ?? 0),
    0,
  );
  const services = [...new Set(schema.methods.map((m) => m.service))];
  t.equal(
    services.length,
    declared,
    `discovered all ${declared} services declared in ${schema.files.length} proto files`,
  );
  t.ok(schema.methods.length > 0, 'discovered methods');
  t.comment(`fuzz: set-up (fixtures, enrolments, schema) took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  t.comment(`fuzz: seed=${SEED} (FUZZ_SEED=${SEED} to reproduce) messages≥${COUNT} concurrency=${CONCURRENCY}`);
  t.comment(
    `fuzz: ${services.length} services, ${schema.methods.length} methods: ${schema.methods.map((m) => `${m.service.split('.').pop()}.${m.name}[${m.kind}]`).join(' ')}`,
  );

  // ── Case generation: deterministic per (seed, index), round-robin over methods.
  const methods = schema.methods;
  const makeCase = (index: number): Case => {
    const rng = new Rng(caseSeed(SEED, index));
    const method = methods[index % methods.length]!;
    const g: GenCtx = { rng, dict, huge: rng.chance(1 / 150), notes: new Set(), budget: 0 };
    const streamingIn = method.kind === 'bidi' || method.kind === 'client-stream';
    const n = streamingIn
      ? rng.weighted([
          [3, 0],
          [35, 1],
          [20, 2],
          [15, 3],
          [10, 4],
          [10, 8],
          [7, 32],
        ] as const)
      : 1;
    const frames: Payload[] = [];
    for (let i = 0; i < n; i++) {
      newFrame(g);
      // Streams: often open with a well-formed first message, so later frames reach a live session.
      if (streamingIn && i === 0 && rng.chance(0.5)) {
        g.firstOneof = rng.chance(0.7);
        frames.push({ bytes: encodeMessage(method.requestType, g), how: ['valid', ...g.notes].join('+') });
        g.firstOneof = false;
      } else frames.push(fuzzPayload(method.requestType, g, streamingIn && i > 0 ? 0.9 : 0.4)); // later frames: mostly well-formed, to keep the stream alive
    }
    const { md, how } = fuzzMetadata(rng, tokens);
    // Client certificates on 30 % of calls; on streams sent by the client (agent sessions) 60 %.
    return {
      index,
      method,
      frames,
      md,
      mdHow: how,
      identity: rng.chance(streamingIn ? 0.6 : 0.3) ? 'mtls' : 'tls',
      conn: rng.u32(),
    };
  };

  const channelOpts: grpc.ChannelOptions = {
    'grpc.max_receive_message_length': -1,
    'grpc.max_send_message_length': -1,
  };
  // Several connections per identity: one HTTP/2 connection's flow-control window would
  // otherwise serialise all uploads, and big requests would time out behind each other.
  const connections = (creds: grpc.ChannelCredentials, n: number) =>
    Array.from(
      { length: n },
      (_, i) =>
        new grpc.Client(ctl.address, creds, {
          ...channelOpts,
          'grpc.use_local_subchannel_pool': 1,
          'nephele.fuzz.connection': i,
        }),
    );
  const clients = {
    tls: connections(tlsCreds, 4),
    mtls: agents.flatMap((a) =>
      connections(grpc.credentials.createSsl(ca, Buffer.from(a.keyPem), Buffer.from(a.certificatePem)), 1),
    ),
  };
  const raw = (b: Buffer) => b;

  const call = (c: Case): Promise<Outcome> =>
    new Promise<Outcome>((resolve) => {
      const pool = clients[c.identity];
      const client = pool[c.conn % pool.length]!;
      const deadline = Date.now() + DEADLINE_MS;
      let settled = false;
      let cancelledByUs = false;
      let received = 0;
      let cancel = () => {};
      const timers: NodeJS.Timeout[] = [];
      const done = (code: number, details: string) => {
        if (settled) return;
        settled = true;
        for (const x of timers) clearTimeout(x);
        resolve({ code, details, cancelledByUs, received });
      };
      timers.push(
        setTimeout(() => {
          done(NO_STATUS, `no status ${WATCHDOG_MS} ms after the call started`);
          cancel();
        }, WATCHDOG_MS),
      );
      const onStatus = (s: grpc.StatusObject) => done(s.code, s.details);
      switch (c.method.kind) {
        case 'unary': {
          const h = client.makeUnaryRequest(c.method.path, raw, raw, c.frames[0]!.bytes, c.md, { deadline }, (err) =>
            done(err ? err.code : OK, err ? err.details : ''),
          );
          cancel = () => h.cancel();
          break;
        }
        case 'client-stream': {
          const s = client.makeClientStreamRequest(c.method.path, raw, raw, c.md, { deadline }, (err) =>
            done(err ? err.code : OK, err ? err.details : ''),
          );
          cancel = () => s.cancel();
          s.on('error', () => {});
          for (const f of c.frames) s.write(f.bytes);
          timers.push(setTimeout(() => s.end(), LINGER_MS));
          break;
        }
        case 'server-stream': {
          const s = client.makeServerStreamRequest(c.method.path, raw, raw, c.frames[0]!.bytes, c.md, { deadline });
          cancel = () => s.cancel();
          const stop = () => {
            if (settled || cancelledByUs) return;
            cancelledByUs = true;
            s.cancel();
          };
          s.on('data', () => {
            received++;
            stop(); // the server answered with data: enough, don't let it replay everything
          });
          s.on('error', () => {});
          s.on('status', onStatus);
          timers.push(setTimeout(stop, STREAM_OPEN_MS));
          break;
        }
        case 'bidi': {
          // The first frame goes alone and the rest follow its answer (or a short pause), as a
          // client that waits for a handshake would send them. No cancel of our own: after our
          // half-close the server must finish the call. The half-close waits a little, so errors
          // of the server's async work on our frames reach us.
          const s = client.makeBidiStreamRequest(c.method.path, raw, raw, c.md, { deadline });
          cancel = () => s.cancel();
          let rest = () => {
            rest = () => {};
            for (const f of c.frames.slice(1)) s.write(f.bytes);
            timers.push(setTimeout(() => s.end(), LINGER_MS));
          };
          s.on('data', () => {
            received++;
            rest();
          });
          s.on('error', () => {});
          s.on('status', onStatus);
          if (c.frames.length) s.write(c.frames[0]!.bytes);
          timers.push(setTimeout(() => rest(), HANDSHAKE_MS));
          break;
        }
      }
    });

  // ── Run.
  const stats = new Map<string, MethodStats>(
    methods.map((m) => [m.path, { calls: 0, messages: 0, bytes: 0, codes: new Map(), bad: 0 }]),
  );
  const failures = new Map<string, FailureGroup>();
  let next = 0;
  let messages = 0;
  const only = ONLY ? [...ONLY] : undefined;
  const take = (): Case | undefined => {
    if (only) {
      const i = only.shift();
      return i === undefined ? undefined : makeCase(i);
    }
    if (messages >= COUNT) return undefined;
    const c = makeCase(next++);
    messages += c.frames.length;
    return c;
  };
  const started = Date.now();
  // Big requests (≥ 256 KB) take turns, a few at a time, so their transfer fits the deadline.
  let bigSlots = BIG_CONCURRENCY;
  const bigWaiters: (() => void)[] = [];
  const big = async <T>(fn: () => Promise<T>): Promise<T> => {
    while (bigSlots === 0) await new Promise<void>((r) => bigWaiters.push(r));
    bigSlots--;
    try {
      return await fn();
    } finally {
      bigSlots++;
      bigWaiters.shift()?.();
    }
  };
  const worker = async () => {
    for (let c = take(); c; c = take()) {
      const size = c.frames.reduce((n, f) => n + f.bytes.length, 0);
      const o = size >= BIG_BYTES ? await big(() => call(c)) : await call(c);
      const s = stats.get(c.method.path)!;
      s.calls++;
      s.messages += c.frames.length;
      s.bytes += c.frames.reduce((n, f) => n + f.bytes.length, 0);
      bump(s.codes, codeLabel(o));
      if (!isProper(o)) {
        s.bad++;
        const key = `${c.method.path} → ${codeLabel(o)}: ${o.details}`;
        const f: FailureGroup = failures.get(key) ?? { count: 0, samples: [], hows: new Map() };
        f.count++;
        for (const fr of c.frames) bump(f.hows, fr.how.split('+')[0]!);
        if (f.samples.length < SAMPLES) {
          f.samples.push(
            `case #${c.index} [${c.identity}, md=${c.mdHow}, ${o.received} answers] ${c.frames.map((fr) => `{${fr.how}} ${hexSample(fr.bytes)}`).join(' | ') || '(no frames)'}`,
          );
        }
        failures.set(key, f);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsed = (Date.now() - started) / 1000;
  for (const client of [...clients.tls, ...clients.mtls]) client.close();

  // ── Report: counts per method and in total, quotable as they are.
  const total = { calls: 0, messages: 0, bytes: 0, bad: 0, codes: new Map<string, number>() };
  for (const m of methods) {
    const s = stats.get(m.path)!;
    t.comment(
      `fuzz: ${m.path} [${m.kind}] calls=${s.calls} messages=${s.messages} bytes=${s.bytes} ${fmtCodes(s.codes)}`,
    );
    total.calls += s.calls;
    total.messages += s.messages;
    total.bytes += s.bytes;
    total.bad += s.bad;
    for (const [k, v] of s.codes) bump(total.codes, k, v);
  }
  t.comment(
    `fuzz: TOTAL methods=${methods.length} calls=${total.calls} messages=${total.messages} bytes=${total.bytes} in ${elapsed.toFixed(1)} s (seed=${SEED}): ${fmtCodes(total.codes)}`,
  );
  for (const [key, f] of [...failures].sort((a, b) => b[1].count - a[1].count)) {
    t.comment(`fuzz FAILURE ×${f.count}: ${key}`);
    t.comment(`    generators: ${fmtCodes(f.hows)}`);
    for (const s of f.samples) t.comment(`    ${s}`);
  }

  // ── Assertions.
  if (!ONLY) {
    t.ok(total.messages >= COUNT, `sent ${total.messages} messages (≥ ${COUNT})`);
    for (const m of methods) t.ok(stats.get(m.path)!.calls > 0, `${m.path} was fuzzed`);
  }
  for (const m of methods) {
    const s = stats.get(m.path)!;
    t.equal(s.bad, 0, `${m.path}: every answer a proper status code (${s.bad} of ${s.calls} not)`);
  }

  t.comment(`fuzz: calls finished ${((Date.now() - started) / 1000).toFixed(1)} s after the first was sent`);
  t.equal(ctl.proc.exitCode, null, 'controller still running (no exit)');
  t.equal(ctl.proc.signalCode, null, 'controller still running (no signal)');

  const health = new protobuf.Root().loadSync(healthProtoPath);
  const Req = health.lookupType('grpc.health.v1.HealthCheckRequest');
  const Res = health.lookupType('grpc.health.v1.HealthCheckResponse');
  const hc = new grpc.Client(ctl.address, tlsCreds);
  const answer = await new Promise<{ err: grpc.ServiceError | null; res?: Buffer }>((resolve) =>
    hc.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      raw,
      raw,
      Buffer.from(Req.encode(Req.create({ service: '' })).finish()),
      new grpc.Metadata(),
      { deadline: Date.now() + 20_000 },
      (err, res) => resolve({ err, res }),
    ),
  );
  hc.close();
  t.equal(answer.err, null, 'health check answers');
  const status = answer.res
    ? (Res.toObject(Res.decode(answer.res), { enums: String }) as { status?: string }).status
    : undefined;
  t.equal(status, 'SERVING', 'health is SERVING after the fuzz run');

  const out = ctl.output();
  if (process.env.FUZZ_LOG) writeFileSync(process.env.FUZZ_LOG, out); // the controller's own log, for digging into failures
  // Errors the controller only logged (the caller got no status for them) are bugs too:
  // e.g. a TypeError while storing what an agent sent.
  const logged = new Map<string, number>();
  for (const line of out.split('\n')) {
    if (!line.startsWith('{')) continue;
    let rec: { level?: number; msg?: string; event_type?: string; err?: { type?: string; message?: string } };
    try {
      rec = JSON.parse(line) as typeof rec;
    } catch {
      continue;
    }
    // A recorded event of severity error (a VM a fuzzed agent reports failed) is the workload's, not the controller's.
    if ((rec.level ?? 0) >= 50 && !rec.event_type)
      bump(logged, `${rec.msg}${rec.err ? `: ${rec.err.type}: ${rec.err.message}` : ''}`.slice(0, 300));
  }
  for (const [k, v] of logged) t.comment(`fuzz: controller logged ×${v}: ${k}`);
  t.same([...logged.keys()], [], 'controller logged no errors (level ≥ 50) while fuzzed');
  // Line by line: one regex with `.*` around the words backtracks quadratically on the
  // megabyte-long lines a fuzzed field can produce (it once took 113 s of this test's CPU).
  const hit = out.split('\n').find((l) => /uncaught|unhandled/i.test(l));
  t.notOk(hit, `controller output has no uncaught/unhandled errors${hit ? `: ${hit.slice(0, 300)}` : ''}`);
  t.comment(`fuzz: whole test ${((Date.now() - t0) / 1000).toFixed(1)} s`);
});
