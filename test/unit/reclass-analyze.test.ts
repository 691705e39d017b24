// The analysis' parts on their own: series from rollups in an in-memory store
// (one sample per hour, gaps, a VM that moved within an hour, other VMs and
// hours outside the window skipped, the row bound), the findings' thresholds
// with their numbers, and manifest parsing against hostile input.
import t from 'tap';
import { put } from '../../common/store/index.js';
import { findingsOf, type FindingsInput } from '../../controller/reclass/analyze/findings.js';
import {
  imageManifestFields,
  mergeManifest,
  parseManifestText,
  MAX_MANIFEST_BYTES,
} from '../../controller/reclass/analyze/manifest.js';
import { profileOf } from '../../controller/reclass/analyze/profile.js';
import { readSeries } from '../../controller/reclass/analyze/series.js';
import { analyzeOptions } from '../../controller/reclass/analyze/rpc.js';
import { HOUR_MS } from '../../controller/usage/model.js';
import { rollupKey, USAGE_HOUR, type RollupRow } from '../../controller/usage/rollup.js';
import { MemoryStore } from '../helpers/memory-store.js';
import { FakeClock } from '../../common/clock.js';
import { NotFoundError } from '../../common/errors.js';
import { createLogger } from '../../common/logger.js';
import { createManifests } from '../../controller/reclass/analyze/manifests.js';
import { createAnalyzer } from '../../controller/reclass/analyze/analyzer.js';
import type { VmRecord } from '../../controller/model/index.js';
import type { AgentCommands, ImageStore } from '../../controller/tokens/ports.js';
import { rollupRow } from '../helpers/usage-records.js';
import { usageProfile } from '../helpers/reclass-records.js';

const T0 = Date.UTC(2026, 0, 5);
const A = '01JAAAAAAAAAAAAAAAAAAAAAA1';
const B = '01JAAAAAAAAAAAAAAAAAAAAAA2';

function row(vmId: string, hour: number, o: Partial<RollupRow> = {}): RollupRow {
  const up = o.uptimeSeconds ?? 3600;
  return rollupRow({
    vmId,
    hostId: 'H1',
    startUnixMs: T0 + hour * HOUR_MS,
    memoryByteSeconds: up * 256 * 2 ** 20,
    diskReadBytes: 1e6 * up,
    netRxBytes: 1e6 * up,
    ...o,
  });
}

t.test('series: one sample per hour with uptime, columnar, from the window only', async (t) => {
  const s = new MemoryStore();
  const rows = [
    row(A, 0),
    row(A, 1, { uptimeSeconds: 0, cpuSeconds: 0 }), // a gap, not a zero
    row(A, 2, { cpuSeconds: 1800, uptimeSeconds: 1800, oomKills: 2, throttledSeconds: 5 }),
    // moved within hour 3: two rows (two hosts), one sample weighted by uptime
    row(A, 3, { hostId: 'H1', cpuSeconds: 1200, uptimeSeconds: 1200 }),
    row(A, 3, { hostId: 'H2', cpuSeconds: 4800, uptimeSeconds: 2400, throttledSeconds: 1 }),
    row(B, 0, { cpuSeconds: 360 }),
    row(A, 9), // outside the window
  ];
  await s.batch(rows.map((r) => put(USAGE_HOUR, rollupKey(r), r)));
  const got = await readSeries(s, new Set([A, B, '01JAAAAAAAAAAAAAAAAAAAAAA3']), T0, T0 + 5 * HOUR_MS);
  const a = got.get(A)!;
  t.same(
    [...a.hourStartUnixMs].map((h) => (h - T0) / HOUR_MS),
    [0, 2, 3],
  );
  t.same(
    [...a.cpuVcpus],
    [1, 1, 6000 / 3600],
    'cpu-seconds over uptime; the moved hour: its cpu-seconds over its uptime',
  );
  t.same([...a.memoryMib], [256, 256, 256]);
  t.same([...a.diskIoMbps], [1, 1, 1]);
  t.same([...a.netMbps], [8, 8, 8], 'bytes/s x 8 / 1e6');
  t.equal(a.oomKills, 2);
  t.equal(a.throttledSeconds, 6);
  t.same([...got.get(B)!.cpuVcpus], [0.1]);
  t.equal(got.get('01JAAAAAAAAAAAAAAAAAAAAAA3')!.cpuVcpus.length, 0, 'a VM without rows: an empty series');
  await t.rejects(readSeries(s, new Set([A]), T0, T0 + 5 * HOUR_MS, 3), { code: 'RESOURCE_EXHAUSTED' }, 'bounded');

  const p = profileOf(a, { windowHours: 5, minDataHours: 3, endUnixMs: T0 + 5 * HOUR_MS, createdUnixMs: 0 });
  t.match(p, { dataHours: 3, gapHours: 2, sufficient: true, idle: false, oomKills: 2, throttledSeconds: 6 });
  t.match(p.cpuVcpus, { p50: 1, p95: 6000 / 3600, max: 6000 / 3600 });
  const young = profileOf(a, {
    windowHours: 5,
    minDataHours: 4,
    endUnixMs: T0 + 5 * HOUR_MS,
    createdUnixMs: T0 + 2 * HOUR_MS,
  });
  t.match(young, { gapHours: 0, sufficient: false }, 'hours before the VM existed are not gaps');
});

const usage = (o: Parameters<typeof usageProfile>[0] = {}) => usageProfile({ cpu: 1, mem: 600, net: 1, ...o });
const input = (o: Partial<FindingsInput>): FindingsInput => ({
  vcpus: 2,
  memoryMib: 1024,
  usage: usage(),
  hostFeatures: [],
  classNetMbps: 0,
  ...o,
});
const kinds = (i: FindingsInput) => findingsOf(i).map((f) => `${f.kind}:${f.resource}`);

t.test('findings: documented thresholds, with their numbers', async (t) => {
  t.same(kinds(input({})), [], 'half used: nothing to say');
  const hot = findingsOf(input({ usage: usage({ cpu: 1.98 }) }));
  t.match(hot, [{ kind: 'under_provisioned', resource: 'cpu', observed: 1.98, allocated: 2, threshold: 90 }]);
  t.match(hot[0]!.detail, /p95 cpu 1\.98 of 2 vCPUs \(99%\) >= 90%/);
  t.same(kinds(input({ usage: usage({ cpu: 0.5, throttledSeconds: 30 }) })), [
    'under_provisioned:cpu',
    'throttled:cpu',
  ]);
  t.same(kinds(input({ usage: usage({ cpu: 0.6 }) })), ['over_provisioned:cpu'], '30% of 2 vCPUs');
  t.same(kinds(input({ vcpus: 1, usage: usage({ cpu: 0.1 }) })), [], 'one vCPU is never over-provisioned');
  t.same(kinds(input({ usage: usage({ mem: 950 }) })), ['under_provisioned:memory']);
  t.same(kinds(input({ usage: usage({ mem: 400 }) })), ['over_provisioned:memory']);
  const idle = input({ usage: usage({ cpu: 0.01, mem: 600, net: 0.001, idle: true }) });
  t.same(kinds(idle), ['over_provisioned:cpu', 'idle:cpu']);
  t.same(kinds(input({ classNetMbps: 100, usage: usage({ net: 10 }) })), ['bandwidth_unused:net']);
  t.same(kinds(input({ classNetMbps: 100, usage: usage({ net: 11 }) })), []);
  t.same(kinds(input({ usage: usage({ cpu: 0.01, sufficient: false, dataHours: 3, oomKills: 1 }) })), [
    'insufficient_data:cpu',
    'oom:memory',
  ]);
  const m = mergeManifest({}, '', {
    minVcpus: 4,
    requiredFeatures: ['secure-os', 'avx2'],
    netMbps: 1000,
    maxMemoryMib: 512,
  })!;
  const withManifest = findingsOf(input({ manifest: m, hostFeatures: ['avx2'], usage: usage({ cpu: 0.1 }) }));
  t.same(
    withManifest.map((f) => `${f.kind}:${f.resource}`),
    ['bandwidth_unused:net', 'missing_feature:feature', 'outside_manifest:cpu', 'outside_manifest:memory'],
    'declared bandwidth, a missing feature, below min vCPUs (so not over-provisioned), above max memory',
  );
  t.match(withManifest[1]!.detail, /secure-os/);
});

t.test('manifests: hostile files refused with the field named; the image map under the file', async (t) => {
  t.same(parseManifestText('{"min_vcpus": 2, "required_features": ["secure-os"], "color": "red"}'), {
    fields: { minVcpus: 2, requiredFeatures: ['secure-os'] },
  });
  for (const [text, why] of [
    ['not json', /not JSON/],
    ['[1,2]', /object/],
    ['null', /object/],
    ['{"min_vcpus": -1}', /min_vcpus/],
    ['{"min_vcpus": 1.5}', /min_vcpus/],
    ['{"max_memory_mib": 1e300}', /max_memory_mib/],
    ['{"required_features": "secure-os"}', /required_features/],
    ['{"required_features": ["Secure OS"]}', /required_features/],
    ['{"modules": [1]}', /modules/],
    [`{"modules": ${JSON.stringify(Array.from({ length: 33 }, (_, i) => `m${i}`))}}`, /modules/],
    [`{"x": "${'a'.repeat(MAX_MANIFEST_BYTES)}"}`, /larger than/],
    ['{"__proto__": {"min_vcpus": 9}}', null],
  ] as const) {
    const p = parseManifestText(text);
    if (why) t.match('error' in p ? p.error : 'parsed', why, `refused: ${text.slice(0, 40)}`);
    else t.same(p, { fields: {} }, 'an inherited key is not a field');
  }
  const image = imageManifestFields({
    boot_image: 'nephele-guest',
    min_memory_mib: '512',
    required_features: 'gpu, avx2',
    min_vcpus: 'x',
  });
  t.same(
    image,
    { minMemoryMib: 512, requiredFeatures: ['gpu', 'avx2'] },
    'a bad key of the image map is dropped alone',
  );
  t.match(mergeManifest(image, 'IMG', undefined), { minMemoryMib: 512, source: 'image:IMG' });
  t.match(mergeManifest(image, 'IMG', { requiredFeatures: ['secure-os'] }), {
    minMemoryMib: 512,
    requiredFeatures: ['secure-os'],
    source: 'vm',
  });
  t.equal(mergeManifest({}, '', undefined), undefined, 'neither: no manifest');
});

t.test('analyze options: defaults, bounds, the window at least the minimum data', async (t) => {
  t.match(analyzeOptions({}, 5), { windowHours: 168, minDataHours: 24, nowUnixMs: 5 });
  t.throws(() => analyzeOptions({ windowHours: 12 }, 0), { code: 'INVALID_ARGUMENT', message: /window_hours/ });
  t.throws(() => analyzeOptions({ windowHours: 2161 }, 0), { message: /window_hours/ });
  t.throws(() => analyzeOptions({ minDataHours: 3000 }, 0), { message: /min_data_hours/ });
  t.match(analyzeOptions({ windowHours: 2, minDataHours: 1 }, 0), { windowHours: 2, minDataHours: 1 });
});

t.test('Manifests: the VM file over the image map, cached per generation, a failed read retried later', async (t) => {
  const clock = new FakeClock();
  const asked: string[] = [];
  let answer: () => Promise<{ ok: boolean; error: string; manifestJson: string }> = async () => ({
    ok: true,
    error: '',
    manifestJson: '{"required_features": ["secure-os"]}',
  });
  const commands = {
    run: async (hostId: string, cmd: { vmId?: string; readManifest?: object }) => {
      if (!cmd.readManifest) throw new Error('not a read_manifest');
      asked.push(`${hostId}/${cmd.vmId}`);
      return answer();
    },
  } as unknown as AgentCommands;
  const images = {
    get: async (id: string) => {
      if (id !== 'IMG') throw new NotFoundError('image');
      return { image: { manifest: { min_memory_mib: '256', boot_image: 'nephele-guest' } }, version: 1 };
    },
  } as unknown as ImageStore;
  const m = createManifests({ commands, images, clock, log: createLogger('test', { level: 'silent' }) });
  const vm = (o: Partial<VmRecord> = {}) =>
    ({
      id: A,
      hostId: 'H1',
      state: 'running',
      generation: 1,
      spec: { base: { imageId: 'IMG' } },
      ...o,
    }) as unknown as VmRecord;
  t.match(await m.of(vm()), { minMemoryMib: 256, requiredFeatures: ['secure-os'], source: 'vm' });
  await m.of(vm());
  t.equal(asked.length, 1, 'cached for the same generation');
  answer = async () => ({ ok: false, error: 'no such vm', manifestJson: '' });
  t.match(await m.of(vm({ generation: 2 })), { minMemoryMib: 256, requiredFeatures: [], source: 'image:IMG' });
  t.equal(asked.length, 2, 'a new generation is read again');
  await m.of(vm({ generation: 2 }));
  t.equal(asked.length, 2, 'a failed read is not retried at once');
  clock.advance(61_000);
  answer = async () => ({ ok: true, error: '', manifestJson: '{"min_vcpus": "two"}' });
  t.match(await m.of(vm({ generation: 2 })), { source: 'image:IMG' }, 'an invalid file: the image manifest applies');
  t.equal(asked.length, 3, 'retried after a while');
  t.equal(await m.of(vm({ id: B, state: 'stopped', spec: {} as VmRecord['spec'] })), undefined, 'neither: none');
  t.equal(asked.length, 3, 'a VM that does not run is not asked');
  answer = async () => ({ ok: true, error: '', manifestJson: '{"modules": ["db"]}' });
  t.match(
    await m.of(vm({ id: B, spec: { base: { imageId: 'GONE' } } as unknown as VmRecord['spec'] })),
    {
      modules: ['db'],
      source: 'vm',
    },
    'an image deleted since: the VM file alone',
  );
});

t.test(
  'analyze: agents are asked for manifests only within the call budget, never for a usage-only analysis',
  async (t) => {
    const asked: boolean[] = [];
    const manifests = {
      of: async (_vm: VmRecord, o?: { askAgent?: boolean }) => {
        asked.push(o?.askAgent ?? true);
        return undefined;
      },
    };
    const analyzer = createAnalyzer({ store: new MemoryStore(), manifests, hostFeatures: () => [] });
    const vms = [A, B].map(
      (id) =>
        ({
          id,
          hostId: 'H1',
          state: 'running',
          generation: 1,
          spec: { vcpus: 1, memoryMib: 512 },
        }) as unknown as VmRecord,
    );
    const base = { windowHours: 48, minDataHours: 24, nowUnixMs: T0 };
    await analyzer.analyze(vms, base);
    t.same(asked.splice(0), [true, true], 'within the budget: asked');
    await analyzer.analyze(vms, { ...base, agentsUntil: performance.now() - 1 });
    t.same(
      asked.splice(0),
      [false, false],
      'the call budget spent (an earlier page used it): cached or image manifests only',
    );
    await analyzer.analyze(vms, { ...base, askAgents: false });
    t.same(asked.splice(0), [false, false], 'usage only (OfferTargets, reassignment targets): no agent round trip');
  },
);
