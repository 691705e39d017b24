// VMs show their host's name to those who may read the fleet, and a tenant's
// `vm ls` makes no call it is refused (it used to ask ListHosts for the names:
// PERMISSION_DENIED, audited on every listing). Issue 11, item 12.
import t from 'tap';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, joinToken, listHosts, startController } from '../helpers/procs.js';
import { fakeAgent } from '../helpers/fake-agent.js';

t.test('host names for fleet readers, ids for tenants, and no refused call', async (t) => {
  const ctl = await startController(tmpDir());
  const agent = await fakeAgent(ctl, { joinToken: await joinToken(ctl), name: 'roomy' });
  t.teardown(async () => {
    agent.close();
    await ctl.kill();
  });
  await waitFor(async () => (await listHosts(ctl)).some((h) => h.state === 'HOST_STATE_READY' && h.inventory), {
    message: 'host ready',
  });
  const hostId = (await listHosts(ctl))[0]!.id;
  const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir];
  const run = (...args: string[]) => cli([...base, ...args]);
  t.equal((await run('tenant', 'create', 'acme')).code, 0);
  const tok = await run('-q', 'token', 'create', '--api', '--role', 'tenant-admin', '--tenant', 'acme');
  t.equal(tok.code, 0, tok.stderr);
  const asAcme = (...args: string[]) => cli([...base, '--token', tok.stdout.trim(), ...args]);
  const made = await asAcme('vm', 'create', '--name', 'web', '--scheme', 'process', '--memory', '64M');
  t.equal(made.code, 0, made.stderr);

  const admin = await run('vm', 'ls');
  t.equal(admin.code, 0, admin.stderr);
  t.match(admin.stdout, /\bweb +acme +roomy\b/, 'an admin reads the host name');
  t.match(JSON.parse((await run('-o', 'json', 'vm', 'show', 'web')).stdout), { hostId, hostName: 'roomy' });

  for (const args of [
    ['vm', 'ls'],
    ['vm', 'show', 'web'],
  ]) {
    const r = await asAcme(...args);
    t.equal(r.code, 0, r.stderr);
    t.equal(r.stderr, '', `${args.join(' ')}: nothing on stderr`);
    t.notMatch(r.stdout, /roomy/, `${args.join(' ')}: a tenant does not learn the host's name`);
    t.match(r.stdout, new RegExp(hostId), `${args.join(' ')}: it sees the host id`);
  }
  t.match(JSON.parse((await asAcme('-o', 'json', 'vm', 'show', 'web')).stdout), { hostName: '' });
  const audit = await run('-o', 'json', 'events', 'tail', '--audit', '-n', '200');
  t.equal(audit.code, 0, audit.stderr);
  t.notMatch(audit.stdout, /ListHosts/, 'no ListHosts call was made for the tenant, refused or not');
});
