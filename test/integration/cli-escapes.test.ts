import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { Vm__Output as Vm } from '../../common/gen/nephele/v1/Vm.js';
import { v1 } from '../../common/grpc/load.js';
import { unary } from '../../common/grpc/promisify.js';
import { createCsr } from '../../common/tls/pki.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, joinToken, listHosts, startController } from '../helpers/procs.js';
import { fakeAgent } from '../helpers/fake-agent.js';
import { setApi } from '../helpers/sets.js';

// Terminal escape sequences (issue 9, finding 13): the controller refuses
// control characters in the descriptions and names people give it, and the CLI
// never hands a terminal the ones it cannot refuse (what agents report: a
// malicious host's VM failure reason reaches `vm ls`, `set show` and `events tail`).

const HOSTILE = 'boom\x1b]0;pwned\x07\x1b[2J\u202eevil';
/** What a terminal would act on (our own line breaks aside). */
const RAW = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

t.test('control characters: refused on input, escaped on output', async (t) => {
  const ctl = await startController(tmpDir());
  const a = ctl.admin();
  const api = setApi(ctl);
  const agent = await fakeAgent(ctl, {
    joinToken: await joinToken(ctl),
    name: 'evil-host',
    answer: () => ({ state: 'VM_STATE_FAILED', reason: HOSTILE }),
  });
  t.teardown(async () => {
    agent.close();
    api.close();
    a.close();
    await ctl.kill();
  });
  const refused = async (what: string, call: (cb: (e: grpc.ServiceError | null) => void) => void, field: string) => {
    const err = await new Promise<grpc.ServiceError | null>((resolve) => call(resolve));
    t.equal(err?.code, grpc.status.INVALID_ARGUMENT, `${what}: INVALID_ARGUMENT`);
    t.match(
      err?.details ?? '',
      new RegExp(`^${field}: must not contain control characters`),
      `${what}: names ${field}`,
    );
  };
  await refused(
    'token description',
    (cb) => a.auth.CreateToken({ kind: 'TOKEN_KIND_API', description: '\x1b]0;pwned\x07' }, a.metadata(), cb as never),
    'description',
  );
  await refused(
    'tenant description',
    (cb) => a.auth.CreateTenant({ name: 'acme', description: 'ok\u202egnp.exe' }, a.metadata(), cb as never),
    'description',
  );
  await refused(
    'group description',
    (cb) => a.hosts.CreateGroup({ name: 'web', description: 'a\x9bb' }, a.metadata(), cb as never),
    'description',
  );
  const p = v1();
  const enrol = new p.AgentService(ctl.address, grpc.credentials.createSsl(readFileSync(join(ctl.dataDir, 'ca.pem'))));
  const key = await createCsr('x');
  const token = await joinToken(ctl);
  await refused(
    'enrolled hostname',
    (cb) => enrol.Enroll({ joinToken: token, csrPem: key.csrPem, hostname: 'pc\x1b[31m' }, cb as never),
    'hostname',
  );
  enrol.close();
  await unary((cb) => a.auth.CreateTenant({ name: 'acme', description: 'Grüße 🚀' }, a.metadata(), cb as never));
  t.pass('printable Unicode is accepted');

  const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir];
  const viaCli = await cli([...base, 'token', 'create', '--description', '\x1b]0;pwned\x07']);
  t.equal(viaCli.code, 1);
  t.match(viaCli.stderr, /^nephele: INVALID_ARGUMENT: description: must not contain control characters/);

  // What an agent says cannot be refused by validation: it is escaped where it is shown.
  await waitFor(
    async () =>
      (await listHosts(ctl)).some((h) => h.state === 'HOST_STATE_READY' && (h.inventory?.guest?.vcpus ?? 0) > 0),
    { message: 'evil host ready' },
  );
  const { set } = await api.create({
    name: 'victim',
    count: 1,
    spec: { scheme: 'process', vcpus: 1, memoryMib: 32, diskGib: 1 },
  });
  await waitFor(
    async () =>
      (await api.vms()).find((v) => v.setId === set!.id && v.state === 'VM_STATE_FAILED' && v.stateReason === HOSTILE),
    { message: 'the hostile reason is stored' },
  );
  await api.waitSet(set!.id, (s) => s.reasons.some((r) => r.includes('pwned')), 'the set repeats it');
  for (const args of [
    ['vm', 'ls'],
    ['set', 'show', set!.id],
    ['events', 'tail', '--since', '0'],
  ]) {
    const r = await cli([...base, ...args]);
    t.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    t.match(r.stdout, /pwned/, `${args.join(' ')} shows the text`);
    t.notMatch(r.stdout, RAW, `${args.join(' ')}: no raw ESC, BEL or bidi override`);
    t.match(r.stdout, /\\x1b\]0;pwned\\x07\\x1b\[2J\\u202eevil/, `${args.join(' ')}: shown as visible escapes`);
  }
  const js = await cli([...base, '--json', 'vm', 'ls']);
  t.notMatch(js.stdout, RAW, '--json: no raw control characters either');
  t.ok(
    (JSON.parse(js.stdout) as Vm[]).some((v) => v.stateReason === HOSTILE),
    '--json keeps the exact text',
  );
});
