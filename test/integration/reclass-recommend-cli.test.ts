// `nephele reclass recommend|ls|show` through the real CLI against a real
// controller: bad input is refused naming the field (exit 1, message on stderr,
// nothing on stdout), the listing's and the answer's shapes, tenants never see
// each other's recommendations, OfferTargets only for the federation role and
// with its input checked.
import t from 'tap';
import { cli, joinToken, startController } from '../helpers/procs.js';
import { fakeAgent } from '../helpers/fake-agent.js';
import { createProcessVm } from '../helpers/usage-meter.js';
import { tmpDir } from '../helpers/tmp.js';

t.test('reclass recommend|ls|show: validation, shapes, tenants, OfferTargets', async (t) => {
  const ctl = await startController(tmpDir());
  const a = await fakeAgent(ctl, { joinToken: await joinToken(ctl), name: 'plain' });
  t.teardown(async () => {
    a.close();
    await ctl.kill();
  });
  const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir];
  const run = (...args: string[]) => cli([...base, ...args]);
  const vm = await createProcessVm(ctl, a.hostId, 'web');
  t.equal(vm.code, 0, vm.stderr);

  for (const [args, field] of [
    [['--headroom', '100'], 'headroom_pct'],
    [['--headroom', '-5'], 'headroom_pct'],
    [['--window', '12h', '--min-data', '24h'], 'window_hours'],
    [['--window', '100d'], 'window_hours'],
  ] as const) {
    const r = await run('reclass', 'recommend', ...args);
    t.equal(r.code, 1, `${args.join(' ')}: exit 1`);
    t.match(r.stderr, new RegExp(`INVALID_ARGUMENT: ${field}`), `${args.join(' ')}: names ${field}`);
    t.equal(r.stdout, '', 'nothing on stdout');
  }
  const bad = await run('reclass', 'recommend', '--window', '90m');
  t.equal(bad.code, 1);
  t.match(bad.stderr, /--window: whole hours/, 'the CLI checks its own flag syntax');

  const r = await run('--json', 'reclass', 'recommend', '--vm', vm.id);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stderr, '', 'with --json only the answer, on stdout');
  const ans = JSON.parse(r.stdout) as Record<string, unknown>;
  t.same(Object.keys(ans).sort(), ['analyzed', 'recommendations', 'skippedInsufficientData', 'unchanged']);
  t.same(ans.recommendations, [], 'a VM without data gets none');
  // A retry with the request_id answers with that run; the id with another body is refused.
  const once = await run('--json', 'reclass', 'recommend', '--vm', vm.id, '--request-id', 'rec-1');
  const twice = await run('--json', 'reclass', 'recommend', '--vm', vm.id, '--request-id', 'rec-1');
  t.equal(twice.code, 0, twice.stderr);
  t.equal(twice.stdout, once.stdout, 'the same answer');
  const reused = await run('reclass', 'recommend', '--vm', vm.id, '--headroom', '60', '--request-id', 'rec-1');
  t.equal(reused.code, 1);
  t.match(reused.stderr, /INVALID_ARGUMENT: request_id/);

  const text = await run('reclass', 'recommend', '--vm', vm.id);
  t.equal(text.code, 0, text.stderr);
  t.equal(text.stdout, 'no new recommendations\n');
  t.match(text.stderr, /^analyzed \d+, recommended 0, unchanged 0, insufficient data \d+\n$/, 'counts on stderr');

  const ls = await run('reclass', 'ls');
  t.equal(ls.code, 0, ls.stderr);
  t.match(
    ls.stdout,
    /^\s*ID\s+STATE\s+VM\s+KIND\s+NOW\s+P95 USED\s+TARGET\s+PROJ CPU\/MEM\s+RISK\s+COST\/MONTH\s+APPLICABLE\n$/,
  );
  t.same(JSON.parse((await run('--json', 'reclass', 'ls', '--all')).stdout), []);
  const badState = await run('reclass', 'ls', '--state', 'bogus');
  t.equal(badState.code, 1);
  t.match(badState.stderr, /--state: must be one of open, scheduled/);

  const missing = await run('reclass', 'show', '01ARZ3NDEKTSV4RRFFQ69G5FAV');
  t.equal(missing.code, 1);
  t.match(missing.stderr, /NOT_FOUND: recommendation/);
  const badId = await run('reclass', 'show', 'bogus');
  t.equal(badId.code, 1);
  t.match(badId.stderr, /INVALID_ARGUMENT: id/);

  // Another tenant asks for the default tenant's recommendations: none, and no hint they exist.
  t.equal((await run('tenant', 'create', 'other')).code, 0);
  const tok = await run('token', 'create', '--api', '--role', 'tenant-admin', '--tenant', 'other', '-q');
  t.equal(tok.code, 0, tok.stderr);
  const asOther = (...args: string[]) => cli([...base, '--token', tok.stdout.trim(), ...args]);
  const other = await asOther('--json', 'reclass', 'ls', '--tenant', 'default', '--all');
  t.equal(other.code, 0, other.stderr);
  t.same(JSON.parse(other.stdout), []);
  const denied = await asOther('reclass', 'recommend', '--tenant', 'default');
  t.equal(denied.code, 1);
  t.match(denied.stderr, /PERMISSION_DENIED/);

  // OfferTargets: the federation role's; limit and features checked.
  const fed = await run('token', 'create', '--api', '--role', 'federation', '-q');
  t.equal(fed.code, 0, fed.stderr);
  const { AdminClient } = await import('../../controller/cli/client.js');
  const client = (token: string) => new AdminClient({ controller: ctl.address, dataDir: ctl.dataDir, token });
  const tenantAdmin = client(tok.stdout.trim());
  const peer = client(fed.stdout.trim());
  t.teardown(() => (tenantAdmin.close(), peer.close()));
  await t.rejects(tenantAdmin.offerTargets({ limit: 5 }), { code: 7 }, 'a tenant may not (PERMISSION_DENIED)');
  await t.rejects(peer.listRecommendations({}), { code: 7 }, 'the federation token sees no recommendations');
  const offer = await peer.offerTargets({ limit: 5 });
  t.same(offer.vms, [], 'nothing with data to offer yet');
  await t.rejects(peer.offerTargets({ limit: 101 }), { code: 3, details: /^limit/ });
  await t.rejects(peer.offerTargets({ features: ['Bad Feature'] }), { code: 3, details: /^features/ });
});
