// The controller's VM gauges come from an incremental tally of the VM records
// the store commits: exact as VMs change, bounded label values, and a scrape
// never scans the store (10,000 VMs or not). Also: the listen flags' checks,
// and one registry per controller (no global registry shared between them).
import t from 'tap';
import { join } from 'node:path';
import { LevelStore, put, del } from '../../common/store/index.js';
import { silentLogger } from '../../common/logger.js';
import { parseMetricsListen } from '../../common/metrics/listen.js';
import { VmTally } from '../../controller/metrics/vm-tally.js';
import { ControllerMetrics } from '../../controller/metrics/metrics.js';
import type { VmRecord } from '../../controller/model/index.js';
import { tmpDir } from '../helpers/tmp.js';
import { parseExposition } from '../helpers/metrics.js';

const vm = (id: string, o: Partial<VmRecord> & { scheme?: string } = {}): VmRecord =>
  ({
    id,
    state: 'running',
    desired: 'running',
    hostId: 'h1',
    spec: { scheme: o.scheme ?? 'process' },
    ...o,
  }) as unknown as VmRecord;

const count = (rows: [Record<string, string>, number][], key: string, value: string) =>
  rows.find(([l]) => l[key] === value)?.[1];

t.test('tally follows committed VM records: states, schemes, unplaced, placements', async (t) => {
  const tally = new VmTally();
  tally.loaded();
  tally.committed([put('vms', 'a', vm('a', { state: 'pending', hostId: '' })), put('tenants', 'x', {})]);
  t.equal(count(tally.states(), 'state', 'pending'), 1);
  t.equal(tally.unplaced(), 1, 'a VM without a host waits');
  tally.committed([put('vms', 'a', vm('a', { state: 'creating' })), put('vms-by-host', 'h1/a', 1)]);
  t.equal(tally.unplaced(), 0, 'placed');
  t.equal(tally.placements, 1, 'one placement');
  t.equal(count(tally.states(), 'state', 'pending'), 0, 'left pending (still listed, at 0)');
  t.equal(count(tally.states(), 'state', 'creating'), 1);
  tally.committed([put('vms', 'a', vm('a')), put('vms', 'b', vm('b', { scheme: 'qemu' }))]);
  t.equal(count(tally.states(), 'state', 'running'), 2, 'a rewrite of one VM counts it once');
  t.equal(count(tally.schemes(), 'scheme', 'qemu'), 1);
  t.equal(count(tally.schemes(), 'scheme', 'process'), 1);
  tally.committed([put('vms', 'b', vm('b', { state: 'destroyed', scheme: 'qemu' }))]);
  t.equal(count(tally.states(), 'state', 'running'), 1, 'destroyed: no longer counted');
  t.equal(count(tally.schemes(), 'scheme', 'qemu'), 0);
  t.notOk(
    tally.states().some(([l]) => l.state === 'destroyed'),
    'destroyed VMs are not a series',
  );
  tally.committed([put('vms', 'b', vm('b', { state: 'destroyed', scheme: 'qemu' }))]);
  t.equal(count(tally.schemes(), 'scheme', 'qemu'), 0, 'a destroyed record written again counts nothing');
  tally.committed([del('vms', 'a')]);
  t.equal(count(tally.states(), 'state', 'running'), 0, 'a deleted record is gone');
});

t.test('label values stay a closed list', async (t) => {
  const tally = new VmTally();
  tally.loaded();
  tally.committed([
    put('vms', 'a', vm('a', { scheme: 'tenant-secret-scheme' })),
    put('vms', 'b', vm('b', { state: 'weird' as never })),
    put('vms', 'c', null),
  ]);
  t.same(
    tally.schemes().map(([l]) => l.scheme),
    ['qemu', 'process', 'libvirt', 'other'],
  );
  t.equal(count(tally.states(), 'state', 'other'), 1);
  t.notOk(JSON.stringify([tally.states(), tally.schemes()]).includes('tenant-secret'), 'no stored value leaks');
});

t.test('the start-up load never overwrites a newer committed record', async (t) => {
  const tally = new VmTally();
  tally.committed([put('vms', 'a', vm('a', { state: 'stopped' }))]); // committed while the scan ran
  tally.load('a', vm('a', { state: 'running' })); // the scan read the older record
  tally.load('b', vm('b', { state: 'running' }));
  tally.loaded();
  t.equal(count(tally.states(), 'state', 'stopped'), 1);
  t.equal(count(tally.states(), 'state', 'running'), 1, 'only b');
});

t.test('10,000 VMs: a scrape reads the tally, never the store', async (t) => {
  const store = await LevelStore.open(join(tmpDir(), 'db'));
  t.teardown(() => store.close());
  const N = 10_000;
  for (let i = 0; i < N; i += 1000) {
    const ops = [];
    for (let j = i; j < i + 1000; j++) {
      const id = `vm${String(j).padStart(6, '0')}`;
      ops.push(put('vms', id, vm(id)));
    }
    await store.batch(ops);
  }
  const m = new ControllerMetrics(store, silentLogger);
  await m.load();
  let scans = 0;
  const scan = store.scan.bind(store);
  store.scan = ((...a: Parameters<typeof scan>) => (scans++, scan(...a))) as typeof store.scan;
  const started = performance.now();
  const SCRAPES = 20;
  let text = '';
  for (let i = 0; i < SCRAPES; i++) text = await m.registry.metrics();
  const ms = (performance.now() - started) / SCRAPES;
  t.equal(scans, 0, 'no store scan per scrape');
  const x = parseExposition(text);
  t.equal(x.value('nephele_vms', { state: 'running' }), N);
  t.equal(x.value('nephele_vms_by_scheme', { scheme: 'process' }), N);
  await store.batch([put('vms', 'vm000000', vm('vm000000', { state: 'stopped' }))]);
  const y = parseExposition(await m.registry.metrics());
  t.equal(y.value('nephele_vms', { state: 'running' }), N - 1, 'a commit moves the gauge at once');
  t.equal(y.value('nephele_vms', { state: 'stopped' }), 1);
  t.ok((y.value('nephele_store_write_duration_seconds_count') ?? 0) >= 1, 'the store write was timed');
  t.comment(`metrics.scrape_ms with ${N} VMs: ${ms.toFixed(2)}`);
});

t.test('two controllers in one process: a registry each', async (t) => {
  const a = await LevelStore.open(join(tmpDir(), 'a'));
  const b = await LevelStore.open(join(tmpDir(), 'b'));
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  const ma = new ControllerMetrics(a, silentLogger);
  const mb = new ControllerMetrics(b, silentLogger);
  ma.rpcDone('VmService.GetVm', 'OK', 0.002);
  const xa = parseExposition(await ma.registry.metrics());
  const xb = parseExposition(await mb.registry.metrics());
  t.equal(xa.value('nephele_rpc_handled_total', { method: 'VmService.GetVm', code: 'OK' }), 1);
  t.equal(xb.value('nephele_rpc_handled_total', { method: 'VmService.GetVm', code: 'OK' }), undefined, 'not shared');
  t.ok(
    xa.names.has('process_cpu_seconds_total') && xb.names.has('process_cpu_seconds_total'),
    'default metrics in each',
  );
});

t.test('--metrics-listen: off by default, loopback unless --metrics-public, one line naming the flag', async (t) => {
  t.equal(parseMetricsListen(undefined), undefined);
  t.equal(parseMetricsListen(''), undefined);
  t.same(parseMetricsListen('127.0.0.1:9464'), { host: '127.0.0.1', port: 9464, public: false });
  t.same(parseMetricsListen('[::1]:0'), { host: '[::1]', port: 0, public: false });
  t.same(parseMetricsListen('localhost:9464'), { host: 'localhost', port: 9464, public: false });
  for (const bad of ['0.0.0.0:9464', '10.1.2.3:9464', '[::]:9464', 'metrics.example.com:9464'])
    t.throws(() => parseMetricsListen(bad), /^--metrics-listen: .* not a loopback address .*--metrics-public$/, bad);
  t.same(parseMetricsListen('0.0.0.0:9464', true), { host: '0.0.0.0', port: 9464, public: true });
  for (const bad of ['9464', '127.0.0.1', '127.0.0.1:99999', 'http://127.0.0.1:9464', '127.0.0.1:94a'])
    t.throws(() => parseMetricsListen(bad), /^--metrics-listen: .* must be host:port/, bad);
});
