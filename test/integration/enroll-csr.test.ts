import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { tmpDir } from '../helpers/tmp.js';
import { joinToken, startController, type ControllerProc } from '../helpers/procs.js';
import { malformedCsrs, type BadCsr } from '../helpers/csr.js';
import { v1 } from '../../common/grpc/load.js';
import { unary } from '../../common/grpc/promisify.js';
import { createCsr } from '../../common/tls/pki.js';
import type { AgentMessage } from '../../common/gen/nephele/v1/AgentMessage.js';
import type { ControllerMessage__Output as ControllerMessage } from '../../common/gen/nephele/v1/ControllerMessage.js';

// Finding 16: a malformed CSR (here: one of each kind) is bad input, answered
// INVALID_ARGUMENT naming the field, on Enroll and on a session's renewal;
// never INTERNAL, never an error in the controller's log.

let ctl: ControllerProc;
let ca: Buffer;
let cases: BadCsr[];

t.before(async () => {
  ctl = await startController(tmpDir());
  ca = readFileSync(join(ctl.dataDir, 'ca.pem'));
  cases = (await malformedCsrs()).cases;
});
t.teardown(() => ctl.kill());

const enrolClient = () => new (v1().AgentService)(ctl.address, grpc.credentials.createSsl(ca));

t.test('Enroll: INVALID_ARGUMENT csr_pem for each malformed CSR; the join token stays unused', async (t) => {
  const client = enrolClient();
  t.teardown(() => client.close());
  let token = '';
  for (const c of cases) {
    token = await joinToken(ctl); // one each: a request wrongly accepted would use it up
    const e = await unary((cb) =>
      client.Enroll({ joinToken: token, csrPem: c.pem, hostname: 'bad-csr' }, cb as never),
    ).then(
      () => undefined,
      (x: grpc.ServiceError) => x,
    );
    t.equal(e && grpc.status[e.code], 'INVALID_ARGUMENT', `${c.name}: ${e?.details}`);
    t.match(e?.details ?? '', /^csr_pem: /, `${c.name}: names the field`);
  }
  const good = await createCsr('good');
  const r = await unary<{ hostId: string }>((cb) =>
    client.Enroll({ joinToken: token, csrPem: good.csrPem, hostname: 'good' }, cb as never),
  );
  t.ok(r.hostId, 'a join token offered with a bad request still enrols a good one');
  t.notMatch(ctl.output(), /rpc failed|DOMException|"level":50/, 'nothing in the log at error level');
});

/** A Session as host `id` that asks to renew with `csrPem`; resolves with how the session ended. */
function renewOnce(
  id: { keyPem: string; certPem: string },
  csrPem: string,
): Promise<grpc.ServiceError | 'certificate'> {
  const client = new (v1().AgentService)(
    ctl.address,
    grpc.credentials.createSsl(ca, Buffer.from(id.keyPem), Buffer.from(id.certPem)),
  );
  const call = client.Session() as grpc.ClientDuplexStream<AgentMessage, ControllerMessage>;
  return new Promise<grpc.ServiceError | 'certificate'>((resolve) => {
    call.on('data', (m: ControllerMessage) => {
      if (m.body === 'welcome') call.write({ renew: { csrPem } });
      else if (m.body === 'certificate') resolve('certificate');
    });
    call.on('error', (e: grpc.ServiceError) => resolve(e));
    call.write({
      hello: {
        agentVersion: 'test',
        kind: 'HOST_KIND_DEDICATED',
        hostname: 'renew',
        schemes: [],
        inventoryHash: '',
        lastAckedSeq: 0,
        addresses: [],
      },
    });
  }).finally(() => {
    call.cancel();
    client.close();
  });
}

t.test('Session renewal: INVALID_ARGUMENT renew.csr_pem for each malformed CSR', async (t) => {
  // The controller limits new sessions per host (a burst of 10): a few hosts share the cases.
  const perHost = 8;
  const hosts: { keyPem: string; certPem: string }[] = [];
  const client = enrolClient();
  for (let i = 0; i * perHost < cases.length; i++) {
    const key = await createCsr(`renew-${i}`);
    const token = await joinToken(ctl);
    const ok = await unary<{ certificatePem: string }>((cb) =>
      client.Enroll({ joinToken: token, csrPem: key.csrPem, hostname: `renew-${i}` }, cb as never),
    );
    hosts.push({ keyPem: key.keyPem, certPem: ok.certificatePem });
  }
  client.close();
  for (const [i, c] of cases.entries()) {
    const end = await renewOnce(hosts[Math.floor(i / perHost)]!, c.pem);
    const code = end === 'certificate' ? 'signed' : grpc.status[end.code];
    t.equal(code, 'INVALID_ARGUMENT', `${c.name}: ${end === 'certificate' ? 'a certificate was issued' : end.details}`);
    if (end !== 'certificate') t.match(end.details, /^renew\.csr_pem: /, `${c.name}: names the field`);
  }
  t.notMatch(ctl.output(), /rpc failed|DOMException|"level":50/, 'nothing in the log at error level');
});
