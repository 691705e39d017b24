import t from 'tap';
import { parse } from 'csv-parse/sync';
import { costOf, rateFor, type RateCard, type UsageRecord } from '../../controller/usage/model.js';
import { chunksOf, formatterFor } from '../../controller/usage/export/format.js';
import { CSV_COLUMNS } from '../../controller/usage/export/csv.js';
import { COMPONENTS, FOCUS_VERSIONS, focusColumns } from '../../controller/usage/export/focus.js';
import { InvalidArgumentError } from '../../common/errors.js';

const card: RateCard = {
  version: 3,
  currency: 'EUR',
  createdUnixMs: 0,
  rates: [
    { vmClass: '', vcpuHour: 0.04, memoryGibHour: 0.005, diskIoGb: 0.01, networkGb: 0.02 },
    { vmClass: 'big', sla: 'guaranteed', vcpuHour: 0.1, memoryGibHour: 0.02, diskIoGb: 0.03, networkGb: 0.05 },
  ],
};

const T0 = Date.UTC(2026, 10, 30, 23, 59, 0);
function rec(i: number, over: Partial<UsageRecord> = {}): UsageRecord {
  return {
    id: `h.v${i}.${T0 + i * 60_000}`,
    vmId: `01HVM${String(i).padStart(21, '0')}`,
    vmName: `vm-${i}`,
    setId: '',
    tenant: 'acme',
    hostId: '01HHXST0000000000000000000',
    scheme: 'process',
    vmClass: i % 2 ? 'big' : '2c-1g',
    app: 'web',
    userGroup: 'eng',
    sla: i % 2 ? 'guaranteed' : 'best_effort',
    vcpus: 2,
    memoryMib: 1024,
    startUnixMs: T0 + i * 60_000,
    endUnixMs: T0 + (i + 1) * 60_000,
    cpuSeconds: 12.5 + i,
    memoryByteSeconds: 3e9,
    diskReadBytes: 1_000_000 * (i + 1),
    diskWriteBytes: 2_000_000,
    netRxBytes: 5_000_000,
    netTxBytes: 700_000 * i,
    uptimeSeconds: 60,
    vcpuSeconds: 120,
    memoryMibSeconds: 61_440,
    records: 1,
    sources: { cpu: 'cgroup', net: 'guest:/proc/net/dev' },
    source: '',
    ...over,
  };
}

async function render(format: 'csv' | 'jsonl' | 'focus', rows: UsageRecord[], chunkBytes = 64 * 1024, v = '') {
  async function* pages() {
    for (let i = 0; i < rows.length; i += 7) yield rows.slice(i, i + 7);
  }
  let text = '';
  let records = 0;
  for await (const c of chunksOf(pages(), formatterFor(format, card, v), chunkBytes)) {
    text += c.data.toString();
    records += c.records;
  }
  return { text, records };
}

const tricky = ['a,b', 'say "hi"', 'line\nbreak', 'crlf\r\nx', 'plain', ' spaced '];

t.test('CSV: a header, one row per record, RFC 4180 quoting that csv-parse reads back', async (t) => {
  const rows = tricky.map((name, i) => rec(i, { vmName: name, app: i === 2 ? 'x' : 'web' }));
  const { text, records } = await render('csv', rows, 200); // small chunks: rows cross chunk boundaries intact
  t.equal(records, rows.length);
  const parsed = parse(text, { columns: true }) as Record<string, string>[];
  t.same(Object.keys(parsed[0]!), [...CSV_COLUMNS]);
  t.equal(parsed.length, rows.length);
  parsed.forEach((p, i) => {
    const r = rows[i]!;
    t.equal(p.vm_name, r.vmName, 'names with commas, quotes and line breaks round-trip');
    t.equal(p.record_id, r.id);
    t.equal(p.start, new Date(r.startUnixMs).toISOString());
    t.equal(Number(p.disk_read_bytes), r.diskReadBytes);
    t.equal(Number(p.cpu_seconds), r.cpuSeconds);
    t.equal(p.currency, 'EUR');
    t.equal(p.rate_card_version, '3');
    const c = costOf(r, rateFor(card, r));
    t.equal(Number(p.cost_total), c.total);
    t.equal(Number(p.cost_vcpu), c.vcpu);
  });
});

t.test('JSONL: one JSON object per line, the record with its cost', async (t) => {
  const rows = tricky.map((name, i) => rec(i, { vmName: name }));
  const { text } = await render('jsonl', rows, 100);
  const lines = text.split('\n');
  t.equal(lines.pop(), '', 'ends with a newline');
  t.equal(lines.length, rows.length);
  lines.forEach((l, i) => {
    const o = JSON.parse(l) as Record<string, unknown>;
    t.equal(o.vmName, rows[i]!.vmName);
    t.equal(o.id, rows[i]!.id);
    t.equal(o.start, new Date(rows[i]!.startUnixMs).toISOString());
    t.same(o.sources, rows[i]!.sources);
    t.equal((o.cost as { total: number }).total, costOf(rows[i]!, rateFor(card, rows[i]!)).total);
    t.equal(o.currency, 'EUR');
  });
});

// FOCUS 1.2's mandatory columns (spec section 3, Column "Requirement level: Mandatory").
const FOCUS_12_MANDATORY = [
  'BilledCost',
  'BillingAccountId',
  'BillingAccountName',
  'BillingCurrency',
  'BillingPeriodEnd',
  'BillingPeriodStart',
  'ChargeCategory',
  'ChargeClass',
  'ChargeDescription',
  'ChargePeriodEnd',
  'ChargePeriodStart',
  'ContractedCost',
  'EffectiveCost',
  'InvoiceIssuerName',
  'ListCost',
  'PricingQuantity',
  'PricingUnit',
  'ProviderName',
  'PublisherName',
  'ServiceCategory',
  'ServiceName',
];
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
const DECIMAL = /^-?\d+(\.\d+)?(e-?\d+)?$/;

t.test('FOCUS 1.2: required columns, types, periods, cost = quantity x rate card, one row per component', async (t) => {
  const rows = [0, 1, 2, 3].map((i) => rec(i, { vmName: i === 1 ? 'web, "prod"' : `vm-${i}` }));
  const { text } = await render('focus', rows);
  const parsed = parse(text, { columns: true }) as Record<string, string>[];
  const cols = Object.keys(parsed[0]!);
  for (const m of FOCUS_12_MANDATORY) t.ok(cols.includes(m), `${m} present`);
  for (const c of cols) t.match(c, /^(x_[A-Za-z]+|[A-Z][A-Za-z]+)$/, `${c}: FOCUS name or x_ extension`);
  for (const c of ['ConsumedQuantity', 'ConsumedUnit', 'ResourceId', 'ResourceName', 'SubAccountId', 'Tags'])
    t.ok(cols.includes(c), `${c} present`);
  t.equal(parsed.length, rows.length * COMPONENTS.length, 'one row per record and priced component');
  parsed.forEach((p, i) => {
    const r = rows[Math.floor(i / COMPONENTS.length)]!;
    const comp = COMPONENTS[i % COMPONENTS.length]!;
    for (const c of ['ChargePeriodStart', 'ChargePeriodEnd', 'BillingPeriodStart', 'BillingPeriodEnd'])
      t.match(p[c], ISO_UTC, `${c} is ISO 8601 UTC`);
    t.ok(Date.parse(p.ChargePeriodStart!) < Date.parse(p.ChargePeriodEnd!), 'ChargePeriodStart < ChargePeriodEnd');
    t.ok(Date.parse(p.BillingPeriodStart!) <= Date.parse(p.ChargePeriodStart!));
    t.ok(Date.parse(p.ChargePeriodStart!) < Date.parse(p.BillingPeriodEnd!));
    for (const c of [
      'BilledCost',
      'EffectiveCost',
      'ListCost',
      'ContractedCost',
      'PricingQuantity',
      'ConsumedQuantity',
    ])
      t.match(p[c], DECIMAL, `${c} is a decimal`);
    t.equal(p.ChargeCategory, 'Usage');
    t.equal(p.ServiceCategory, 'Compute');
    t.equal(p.BillingCurrency, 'EUR');
    t.equal(p.ChargeClass, '');
    t.equal(p.SubAccountId, 'acme');
    t.equal(p.ResourceId, r.vmId);
    t.equal(p.ResourceName, r.vmName);
    t.equal(p.x_RateCardVersion, '3');
    t.same(JSON.parse(p.Tags!), { app: 'web', user_group: 'eng', set: '' });
    const rate = rateFor(card, r)!;
    const price = (
      {
        vcpu: rate.vcpuHour,
        memory: rate.memoryGibHour,
        'disk-io': rate.diskIoGb,
        network: rate.networkGb,
      } as Record<string, number>
    )[comp.key]!;
    t.equal(p.x_Component, comp.key);
    t.equal(Number(p.ListUnitPrice), price);
    t.equal(Number(p.BilledCost), Number(p.PricingQuantity) * price, 'BilledCost = PricingQuantity x rate');
    t.equal(p.EffectiveCost, p.BilledCost);
    t.equal(p.ListCost, p.BilledCost);
  });
  // The components of a record add up to the record's price (costOf).
  rows.forEach((r, j) => {
    const sum = parsed.slice(j * 4, j * 4 + 4).reduce((s, p) => s + Number(p.BilledCost), 0);
    t.ok(Math.abs(sum - costOf(r, rateFor(card, r)).total) < 1e-12, 'components sum to the record cost');
  });
  t.equal(parsed[0]!.BillingPeriodStart, '2026-11-01T00:00:00.000Z');
  t.equal(parsed[0]!.BillingPeriodEnd, '2026-12-01T00:00:00.000Z');
  t.equal(parsed[4]!.BillingPeriodStart, '2026-12-01T00:00:00.000Z', 'a record in December bills in December');
});

t.test('FOCUS version: a parameter with a column table per version; an unknown one is INVALID_ARGUMENT', async (t) => {
  t.ok(FOCUS_VERSIONS['1.2']);
  t.equal(focusColumns(''), FOCUS_VERSIONS['1.2'], 'default 1.2');
  t.throws(() => focusColumns('0.9'), InvalidArgumentError);
  t.throws(() => focusColumns('constructor'), InvalidArgumentError, 'own keys only: not an Object property');
  try {
    formatterFor('focus', card, '7.0');
    t.fail('7.0 accepted');
  } catch (e) {
    t.equal((e as InvalidArgumentError).field, 'focus_version');
  }
});

t.test('no rate card: zero costs, version 0, the default currency', async (t) => {
  async function* one() {
    yield [rec(1)];
  }
  let text = '';
  for await (const c of chunksOf(one(), formatterFor('focus', undefined))) text += c.data.toString();
  const p = parse(text, { columns: true }) as Record<string, string>[];
  t.equal(p[0]!.BilledCost, '0');
  t.equal(p[0]!.x_RateCardVersion, '0');
  t.equal(p[0]!.BillingCurrency, 'USD');
});
