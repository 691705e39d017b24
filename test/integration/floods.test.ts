import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { tmpDir } from '../helpers/tmp.js';
import { statusOf } from '../helpers/status.js';
import { waitFor } from '../helpers/wait.js';
import { FAST, startController, type ControllerProc } from '../helpers/procs.js';
import { v1 } from '../../common/grpc/load.js';
import { unary } from '../../common/grpc/promisify.js';
import type { Event__Output as Event } from '../../common/gen/nephele/v1/Event.js';

// Floods against a real controller process: anonymous Enroll calls with bogus
// join tokens, a viewer hammering an RPC it may not call, and audit events
// past their cap. Refusals are rate-limited before any authorization work and
// audited a few at a time per caller, the rest in aggregate events whose
// counts add up exactly; audit storage has its own cap.

const md = (token?: string) => {
  const m = new grpc.Metadata();
  if (token) m.set('authorization', `Bearer ${token}`);
  return m;
};

function clients(ctl: ControllerProc) {
  const creds = grpc.credentials.createSsl(readFileSync(join(ctl.dataDir, 'ca.pem')));
  const p = v1();
  const c = {
    agent: new p.AgentService(ctl.address, creds),
    hosts: new p.HostService(ctl.address, creds),
    auth: new p.AuthService(ctl.address, creds),
    events: new p.EventService(ctl.address, creds),
  };
  return { ...c, close: () => Object.values(c).forEach((x) => x.close()) };
}

const adminOf = (ctl: ControllerProc) => readFileSync(join(ctl.dataDir, 'admin.token'), 'utf8').trim();

/** Every event the filter selects, page by page. */
async function allEvents(
  c: ReturnType<typeof clients>,
  token: string,
  filter: Record<string, unknown> = {},
): Promise<Event[]> {
  const out: Event[] = [];
  let pageToken = '';
  do {
    const r = await unary<{ events: Event[]; nextPageToken: string }>((cb) =>
      c.events.ListEvents({ sinceSeq: 0, pageSize: 1000, pageToken, filter }, md(token), cb as never),
    );
    out.push(...r.events);
    pageToken = r.nextPageToken;
  } while (pageToken);
  return out;
}

/** Runs `n` calls, `concurrency` at a time; returns how many ended with each status code. */
async function flood(n: number, concurrency: number, call: () => Promise<unknown>): Promise<Map<number, number>> {
  const codes = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next++;
        const { code } = await statusOf(call());
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
    }),
  );
  return codes;
}

const num = (e: Event, k: string) => Number(e.attributes[k]);

/** Splits a caller's refusal audit into the one-by-one events and the aggregates, once they account for `total` calls. */
async function refusalAudit(
  c: ReturnType<typeof clients>,
  admin: string,
  total: number,
  mine: (e: Event) => boolean,
  rpc: string,
) {
  return waitFor(
    async () => {
      const audit = await allEvents(c, admin, { auditOnly: true });
      const individual = audit.filter(
        (e) => e.type === 'audit.call' && e.attributes.rpc === rpc && e.attributes.outcome !== 'OK' && mine(e),
      );
      const aggregates = audit.filter((e) => e.type === 'audit.refused' && mine(e));
      const accounted = individual.length + aggregates.reduce((n, e) => n + num(e, 'not_audited_individually'), 0);
      return accounted >= total ? { individual, aggregates, accounted } : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 250, message: `audit accounting for ${total} refused calls` },
  );
}

t.test(
  'an anonymous Enroll flood from one address: turned away before any work, a bounded audit whose counts add up',
  async (t) => {
    const ctl = await startController(tmpDir(), { args: [...FAST, '--refusal-audit-window', '1s'] });
    t.teardown(() => ctl.kill());
    const c = clients(ctl);
    t.teardown(() => c.close());
    const N = 2500;
    const t0 = Date.now();
    const codes = await flood(N, 64, () => unary((cb) => c.agent.Enroll({ joinToken: '', csrPem: '' }, cb)));
    const seconds = (Date.now() - t0) / 1000;
    t.comment(
      `${N} calls in ${seconds.toFixed(1)} s: ${JSON.stringify(Object.fromEntries([...codes].map(([k, v]) => [grpc.status[k], v])))}`,
    );
    t.notOk(codes.get(grpc.status.OK), 'none enrolled');
    t.ok(
      (codes.get(grpc.status.RESOURCE_EXHAUSTED) ?? 0) >= N / 2,
      'most are refused for the address before the join token or CSR is looked at',
    );

    const { individual, aggregates, accounted } = await refusalAudit(
      c,
      adminOf(ctl),
      N,
      (e) => e.attributes.peer === '127.0.0.1' || /^127\.0\.0\.1:/.test(e.attributes.peer ?? ''),
      'AgentService.Enroll',
    );
    t.equal(accounted, N, 'one-by-one events + aggregated counts = every refused call, exactly');
    t.ok(aggregates.length >= 1, `${aggregates.length} aggregate events`);
    t.ok(
      individual.length <= 10 * (aggregates.length + 1),
      `at most 10 one-by-one events per window (${individual.length})`,
    );
    t.ok(
      individual.length + aggregates.length <= N / 20,
      `${individual.length + aggregates.length} audit events for ${N} refused calls`,
    );
    for (const e of aggregates) {
      t.equal(
        num(e, 'refused'),
        num(e, 'audited_individually') + num(e, 'not_audited_individually'),
        'each aggregate adds up',
      );
      const byCode = e.attributes.codes!.split(',').map((x) => Number(x.split('=')[1]));
      t.equal(
        byCode.reduce((a, b) => a + b, 0),
        num(e, 'refused'),
        `codes add up (${e.attributes.codes})`,
      );
      t.equal(e.attributes.rpcs, `AgentService.Enroll=${num(e, 'refused')}`);
      t.match(e.message, /^\d+ calls refused in 1s/);
      t.equal(e.severity, 'warning');
    }
  },
);

t.test('a viewer hammering an RPC it may not call: rated before authorization, and audited in aggregate', async (t) => {
  const ctl = await startController(tmpDir(), {
    args: [...FAST, '--rate-limit', '50', '--refusal-audit-window', '1s'],
  });
  t.teardown(() => ctl.kill());
  const c = clients(ctl);
  t.teardown(() => c.close());
  const admin = adminOf(ctl);
  const viewer = await unary<{ token: { id: string }; secret: string }>((cb) =>
    c.auth.CreateToken({ kind: 'TOKEN_KIND_API', role: 'viewer', tenant: 'default' }, md(admin), cb as never),
  );
  const N = 2500;
  const t0 = Date.now();
  const codes = await flood(N, 64, () => unary((cb) => c.hosts.CreateGroup({ name: 'nope' }, md(viewer.secret), cb)));
  const seconds = (Date.now() - t0) / 1000;
  const denied = codes.get(grpc.status.PERMISSION_DENIED) ?? 0;
  t.comment(
    `${N} calls in ${seconds.toFixed(1)} s: ${denied} PERMISSION_DENIED, ${codes.get(grpc.status.RESOURCE_EXHAUSTED) ?? 0} RESOURCE_EXHAUSTED`,
  );
  t.equal(denied + (codes.get(grpc.status.RESOURCE_EXHAUSTED) ?? 0), N, 'every call refused');
  // The bucket holds 100 and refills at 50/s: denied calls count against the rate, and past it nothing is authorized.
  t.ok(denied <= 100 + 50 * seconds + 10, `authorization reached only within the rate (${denied})`);

  const { individual, aggregates, accounted } = await refusalAudit(
    c,
    admin,
    N,
    (e) => e.attributes.token_id === viewer.token.id,
    'HostService.CreateGroup',
  );
  t.equal(accounted, N, 'one-by-one events + aggregated counts = every refused call, exactly');
  t.ok(
    individual.length <= 10 * (aggregates.length + 1),
    `at most 10 one-by-one events per window (${individual.length} with ${aggregates.length} aggregates)`,
  );
  t.ok(
    individual.length + aggregates.length <= N / 20,
    `${individual.length + aggregates.length} audit events for ${N} refused calls`,
  );
  const byCode = (code: string) =>
    aggregates.reduce(
      (n, e) =>
        n +
        Number(
          e.attributes
            .codes!.split(',')
            .find((x) => x.startsWith(`${code}=`))
            ?.split('=')[1] ?? 0,
        ),
      0,
    );
  t.ok(byCode('RESOURCE_EXHAUSTED') > 0, 'aggregates count the rate-limited calls by code');
  t.match(aggregates[0], {
    actor: viewer.token.id,
    tenant: 'default',
    attributes: { role: 'viewer', rpcs: /^HostService\.CreateGroup=\d+$/ },
  });
});

t.test('audit events have their own cap (--audit-max); --event-max bounds the rest', async (t) => {
  const ctl = await startController(tmpDir(), {
    args: [...FAST, '--audit-max', '40', '--event-max', '60', '--rate-limit', '100000'],
  });
  t.teardown(() => ctl.kill());
  const c = clients(ctl);
  t.teardown(() => c.close());
  const admin = adminOf(ctl);
  let most = { audit: 0, other: 0 };
  const count = async () => {
    const all = await allEvents(c, admin);
    const audit = all.filter((e) => e.audit).length;
    most = { audit: Math.max(most.audit, audit), other: Math.max(most.other, all.length - audit) };
    return { audit, other: all.length - audit };
  };
  // Each call writes one audit event and one group.created event.
  for (let round = 0; round < 8; round++) {
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        unary((cb) => c.hosts.CreateGroup({ name: `g${round}-${i}` }, md(admin), cb)),
      ),
    );
    await count();
  }
  // 400 of each were written; between retention runs a cap may be passed by the burst in flight (50 calls).
  t.ok(most.audit <= 40 + 50 + 10, `audit events stayed bounded while 400 were written (at most ${most.audit})`);
  t.ok(most.other <= 60 + 50 + 10, `other events stayed bounded while 400 were written (at most ${most.other})`);
  const settled = await waitFor(
    async () => {
      const n = await count();
      return n.audit <= 40 && n.other <= 60 ? n : undefined;
    },
    { timeoutMs: 20_000, message: 'within the caps' },
  );
  t.ok(settled.audit > 0 && settled.other > 0, `${settled.audit} audit + ${settled.other} other events kept`);
  const newest = (await allEvents(c, admin, { typePrefix: 'group.' })).at(-1);
  t.match(newest?.attributes.group, /^g7-/, 'the newest are the ones kept');
});

t.test('open refusal windows are written at shutdown', async (t) => {
  const dir = tmpDir();
  const first = await startController(dir, { args: [...FAST, '--refusal-audit-window', '10m'] });
  let c = clients(first);
  const codes = await flood(100, 8, () => unary((cb) => c.hosts.ListHosts({}, md(), cb)));
  t.equal(codes.get(grpc.status.UNAUTHENTICATED), 100);
  c.close();
  await first.stop();
  const second = await startController(dir, { args: [...FAST, '--refusal-audit-window', '10m'] });
  t.teardown(() => second.kill());
  c = clients(second);
  t.teardown(() => c.close());
  const audit = await allEvents(c, adminOf(second), { auditOnly: true });
  const individual = audit.filter(
    (e) => e.attributes.rpc === 'HostService.ListHosts' && e.attributes.outcome === 'UNAUTHENTICATED',
  );
  const aggregate = audit.filter((e) => e.type === 'audit.refused');
  t.equal(individual.length, 10, 'ten one by one');
  t.equal(aggregate.length, 1, 'the rest in one event, written as the controller stopped');
  t.match(aggregate[0], {
    attributes: {
      peer: '127.0.0.1',
      refused: '100',
      audited_individually: '10',
      not_audited_individually: '90',
      codes: 'UNAUTHENTICATED=100',
      rpcs: 'HostService.ListHosts=100',
    },
  });
});
