// The monitor dimension of usage (issue 14): agents' poll and probe counters
// checked and stored, control actions metered at the controller, older records
// (without the counters) still summed, rate cards pricing monitoring, and every
// export format carrying it.
import t from 'tap';
import { parse } from 'csv-parse/sync';
import { checkUsageBatch, enrich } from '../../controller/usage/ingest.js';
import { actionMeter } from '../../controller/usage/monitor-meter.js';
import {
  addMetrics,
  costOf,
  zeroMetrics,
  USAGE_RAW,
  type RateCard,
  type UsageRecord,
} from '../../controller/usage/model.js';
import { sumPerVm } from '../../controller/usage/rollup.js';
import { rowToProto, rateFromProto } from '../../controller/usage/convert.js';
import { formatterFor } from '../../controller/usage/export/format.js';
import { VMS } from '../../controller/vms/registry.js';
import { put } from '../../common/store/index.js';
import type { VmRecord } from '../../controller/model/index.js';
import type { ActionRecord } from '../../controller/model/monitor.js';
import { MemoryStore } from '../helpers/memory-store.js';
import { usageRecord, vmIdOf, wireUsage } from '../helpers/usage-records.js';

const T0 = Date.UTC(2026, 10, 3, 10);
const card: RateCard = {
  version: 2,
  currency: 'EUR',
  createdUnixMs: T0,
  rates: [
    {
      vmClass: '',
      vcpuHour: 0,
      memoryGibHour: 0,
      diskIoGb: 0,
      networkGb: 0,
      monitorKPolls: 0.5,
      monitorProbeHour: 2,
      monitorAction: 0.1,
    },
  ],
};

t.test('agent records carry polls and probe seconds; out-of-range counters name their field', async (t) => {
  const vmId = vmIdOf(1);
  const rec = (over: Record<string, unknown>) =>
    wireUsage({ vmId, endUnixMs: T0 + 60_000, monitorPolls: 6, monitorProbeSeconds: 0.42, ...over });
  const ok = checkUsageBatch({ seq: 1, epoch: '', records: [rec({})] } as never, T0 + 60_000);
  t.equal(ok.records[0]!.monitorPolls, 6);
  t.equal(ok.records[0]!.monitorProbeSeconds, 0.42);
  const bad = (over: Record<string, unknown>, field: RegExp) =>
    t.throws(() => checkUsageBatch({ seq: 1, epoch: '', records: [rec(over)] } as never, T0 + 60_000), {
      message: field,
    });
  bad({ monitorPolls: -1 }, /usage\.records\[0\]\.monitor_polls/);
  bad({ monitorPolls: 1.5 }, /usage\.records\[0\]\.monitor_polls/);
  bad({ monitorPolls: 60_000_000 }, /usage\.records\[0\]\.monitor_polls/);
  bad({ monitorProbeSeconds: Number.NaN }, /usage\.records\[0\]\.monitor_probe_seconds/);
  bad({ monitorProbeSeconds: 60 * 1000 }, /usage\.records\[0\]\.monitor_probe_seconds/);
  // An older agent sends neither: 0.
  const old = checkUsageBatch(
    { seq: 1, epoch: '', records: [rec({ monitorPolls: undefined, monitorProbeSeconds: undefined })] } as never,
    T0 + 60_000,
  );
  t.equal(old.records[0]!.monitorPolls, 0);
  const vm = {
    id: vmId,
    name: 'a',
    tenant: 'acme',
    setId: '',
    spec: { scheme: 'process', vcpus: 1, memoryMib: 128 },
    sla: 'guaranteed',
  } as unknown as VmRecord;
  const stored = enrich('01HHXST0000000000000000000', vm, ok.records[0]!);
  t.same([stored.monitorPolls, stored.monitorProbeSeconds, stored.monitorActions], [6, 0.42, 0]);
});

t.test('older records without the counters sum as 0; the counters roll up and convert', async (t) => {
  const old = usageRecord({ startUnixMs: T0, vmId: vmIdOf(1) });
  delete (old as Partial<UsageRecord>).monitorPolls;
  const now = usageRecord({
    startUnixMs: T0 + 60_000,
    vmId: vmIdOf(1),
    monitorPolls: 6,
    monitorProbeSeconds: 1.5,
    monitorActions: 1,
  });
  const sum = addMetrics(zeroMetrics(), old);
  addMetrics(sum, now);
  t.same([sum.monitorPolls, sum.monitorProbeSeconds, sum.monitorActions, sum.records], [6, 1.5, 1, 2]);
  const hour = [...sumPerVm([old, now], T0, 3_600_000).values()][0]!;
  t.same([hour.monitorPolls, hour.monitorProbeSeconds, hour.monitorActions], [6, 1.5, 1], 'rolled up');
  t.notOk(Number.isNaN(hour.cpuSeconds));
  const row = rowToProto({ ...hour });
  t.same([row.monitorPolls, row.monitorProbeSeconds, row.monitorActions], [6, 1.5, 1], 'on the wire');
  t.same(rowToProto(old).monitorPolls, 0, 'an old record reads 0');
});

t.test('the rate card prices monitoring; old cards price it at 0', async (t) => {
  const m = { ...zeroMetrics(), monitorPolls: 4000, monitorProbeSeconds: 1800, monitorActions: 3 };
  const c = costOf(m, card.rates[0]);
  t.ok(Math.abs(c.monitor - (4 * 0.5 + 0.5 * 2 + 3 * 0.1)) < 1e-12);
  t.equal(c.total, c.monitor);
  const old = costOf(m, { vmClass: '', vcpuHour: 1, memoryGibHour: 0, diskIoGb: 0, networkGb: 0 });
  t.equal(old.monitor, 0, 'a card from before the monitor prices it at 0');
  const bad = () =>
    rateFromProto(
      {
        vmClass: '',
        sla: 'SLA_UNSPECIFIED',
        vcpuHour: 0,
        memoryGibHour: 0,
        diskIoGb: 0,
        networkGb: 0,
        monitorKPolls: -1,
        monitorProbeHour: 0,
        monitorAction: 0,
      },
      'card.rates[0]',
    );
  t.throws(bad, { message: /card\.rates\[0\]\.monitor_k_polls/ });
});

t.test('each export format carries the monitor counters and their cost', async (t) => {
  const r = usageRecord({
    startUnixMs: T0,
    vmId: vmIdOf(2),
    monitorPolls: 2000,
    monitorProbeSeconds: 3600,
    monitorActions: 2,
  });
  const plain = usageRecord({ startUnixMs: T0, vmId: vmIdOf(3) });
  const render = (format: string) => {
    const f = formatterFor(format as never, card, '');
    return f.header() + f.row(r) + f.row(plain);
  };
  const csv = parse(render('csv'), { columns: true }) as Record<string, string>[];
  t.same([csv[0]!.monitor_polls, csv[0]!.monitor_probe_seconds, csv[0]!.monitor_actions], ['2000', '3600', '2']);
  t.equal(Number(csv[0]!.cost_monitor), 1 + 2 + 0.2);
  t.equal(csv[1]!.monitor_polls, '0');
  const jsonl = render('jsonl')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  t.equal(jsonl[0]!.monitorActions, 2);
  t.equal((jsonl[0]!.cost as { monitor: number }).monitor, 3.2);
  const focus = parse(render('focus'), { columns: true }) as Record<string, string>[];
  const mine = focus.filter((x) => x.ResourceId === r.vmId).map((x) => x.x_Component);
  t.same(mine, ['vcpu', 'memory', 'disk-io', 'network', 'monitor-polls', 'monitor-probes', 'monitor-actions']);
  t.equal(focus.filter((x) => x.ResourceId === plain.vmId).length, 4, 'no monitor rows for an unmonitored VM');
  const polls = focus.find((x) => x.ResourceId === r.vmId && x.x_Component === 'monitor-polls')!;
  t.same(
    [polls.PricingQuantity, polls.PricingUnit, polls.ListUnitPrice, polls.BilledCost],
    ['2', '1000 Polls', '0.5', '1'],
  );
});

t.test('meterAction: one usage record per action, of its VM, idempotent by action id', async (t) => {
  const store = new MemoryStore();
  const vmId = vmIdOf(4);
  const vm = {
    id: vmId,
    name: 'shop-1',
    tenant: 'acme',
    setId: '01HSET00000000000000000000',
    hostId: '01HHXST0000000000000000000',
    spec: { scheme: 'process', vcpus: 2, memoryMib: 256 },
    sla: 'guaranteed',
  } as unknown as VmRecord;
  await store.batch([put(VMS, vmId, vm)]);
  const meter = actionMeter(store);
  const action = {
    id: '01HACT00000000000000000001',
    vmId,
    hostId: vm.hostId,
    createdUnixMs: T0,
    kind: 'restart_app',
  } as ActionRecord;
  await meter(action);
  await meter(action); // a repeat (at-least-once) overwrites itself
  await meter({ ...action, id: '01HACT00000000000000000002', createdUnixMs: T0 + 5 });
  await meter({ ...action, id: '01HACT00000000000000000003', vmId: vmIdOf(99) }); // unknown VM: not metered
  const recs: UsageRecord[] = [];
  for await (const e of store.scan<UsageRecord>(USAGE_RAW)) recs.push(e.value);
  t.equal(recs.length, 2);
  t.same(
    recs.map((r) => [r.vmId, r.setId, r.tenant, r.monitorActions, r.uptimeSeconds, r.vcpuSeconds]),
    [
      [vmId, vm.setId, 'acme', 1, 0, 0],
      [vmId, vm.setId, 'acme', 1, 0, 0],
    ],
    'attributed to the VM and its set; no compute time',
  );
  t.not(recs[0]!.id, recs[1]!.id);
  let dirty = 0;
  for await (const _ of store.scan('usage-dirty')) dirty++;
  t.equal(dirty, 1, 'its hour is marked for the rollup');
});
