import t from 'tap';
import cron from 'node-cron';
import { missedRun, runWindow } from '../../controller/usage/export/runner.js';
import { scheduleFromProto, type ExportScheduleRecord } from '../../controller/usage/schedules.js';
import { directoryArg, urlArg } from '../../controller/usage/destinations.js';
import { PermissionDeniedError, type InvalidArgumentError } from '../../common/errors.js';
import type { ExportSchedule__Output } from '../../common/gen/nephele/v1/ExportSchedule.js';

const wire = (over: Partial<ExportSchedule__Output> = {}): ExportSchedule__Output =>
  ({
    name: 'daily',
    cron: '0 * * * *',
    format: 'csv',
    destination: { target: 'directory', directory: 'out' },
    ...over,
  }) as ExportSchedule__Output;

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as InvalidArgumentError).field ?? (e as Error).constructor.name;
  }
  return 'accepted';
};

t.test('schedules: validated fields, tenant scoping, url/peer only for system roles', async (t) => {
  const s = scheduleFromProto(wire(), 'acme', 1000);
  t.equal(s.tenant, 'acme');
  t.same(s.destination, { kind: 'directory', target: 'acme/out' }, "a tenant's directory is under its own");
  t.equal(s.lookbackS, 86_400, 'a day by default');
  t.equal(scheduleFromProto(wire(), undefined, 1).destination.target, 'out');
  t.equal(
    fieldOf(() => scheduleFromProto(wire({ cron: 'every hour' }), undefined, 1)),
    'schedule.cron',
  );
  t.equal(
    fieldOf(() => scheduleFromProto(wire({ format: 'xls' }), undefined, 1)),
    'schedule.format',
  );
  t.equal(
    fieldOf(() => scheduleFromProto(wire({ format: 'focus', focusVersion: '9' }), undefined, 1)),
    'schedule.focus_version',
  );
  t.equal(
    fieldOf(() => scheduleFromProto(wire({ name: 'Bad Name' }), undefined, 1)),
    'schedule.name',
  );
  t.equal(
    fieldOf(() => scheduleFromProto(wire({ filter: { tenant: 'other' } as never }), 'acme', 1)),
    'schedule.filter.tenant',
  );
  t.throws(
    () => scheduleFromProto(wire({ destination: { target: 'url', url: 'http://x/' } as never }), 'acme', 1),
    PermissionDeniedError,
  );
  t.throws(
    () => scheduleFromProto(wire({ destination: { target: 'peer', peer: 'b' } as never }), 'acme', 1),
    PermissionDeniedError,
  );
  t.equal(
    scheduleFromProto(wire({ destination: { target: 'url', url: 'https://x/in' } as never }), undefined, 1).destination
      .kind,
    'url',
  );
});

t.test('directories: relative plain names only; urls: http(s) only', async (t) => {
  for (const bad of ['../x', '/abs', 'a/../b', '..', 'a\\b', 'sp ace', ''])
    t.equal(
      fieldOf(() => directoryArg('d', bad)),
      'd',
      JSON.stringify(bad),
    );
  t.equal(directoryArg('d', './a//b/'), 'a/b');
  for (const bad of ['ftp://h/', 'file:///etc/passwd', 'not a url'])
    t.equal(
      fieldOf(() => urlArg('u', bad)),
      'u',
      bad,
    );
  t.equal(urlArg('u', 'http://127.0.0.1:8080/x'), 'http://127.0.0.1:8080/x');
});

t.test(
  'runs: window from the last run (else the lookback) to now minus the settle time; a missed run is seen',
  async (t) => {
    const s = {
      exportedUntilUnixMs: 0,
      lookbackS: 3600,
      lastRunUnixMs: 0,
      createdUnixMs: 0,
      filter: { fromUnixMs: 0, toUnixMs: 0 },
    } as ExportScheduleRecord;
    t.same(runWindow(s, 10_000_000, 60_000), { from: 10_000_000 - 60_000 - 3_600_000, to: 10_000_000 - 60_000 });
    t.same(runWindow({ ...s, exportedUntilUnixMs: 9_000_000 }, 10_000_000, 0), { from: 9_000_000, to: 10_000_000 });
    // The filter's range bounds the runs: the first starts at its from, none goes past its to.
    const ranged = {
      ...s,
      filter: { ...s.filter, fromUnixMs: 1_000_000, toUnixMs: 5_000_000 },
    } as ExportScheduleRecord;
    t.same(runWindow(ranged, 10_000_000, 0), { from: 1_000_000, to: 5_000_000 });
    t.same(runWindow({ ...ranged, exportedUntilUnixMs: 5_000_000 }, 10_000_000, 0), { from: 5_000_000, to: 5_000_000 });
    t.same(runWindow(ranged, 3_000_000, 0), { from: 1_000_000, to: 3_000_000 }, 'not past now');
    const task = cron.createTask('0 * * * *', () => {});
    const now = Date.now();
    t.ok(missedRun({ ...s, lastRunUnixMs: now - 2 * 3_600_000 }, task, now), 'two hours since an hourly run');
    t.notOk(missedRun({ ...s, lastRunUnixMs: now - 60_000 }, task, now), 'a minute since');
    t.ok(missedRun({ ...s, createdUnixMs: now - 7_200_000 }, task, now), 'never ran, created long ago');
    await task.destroy();
  },
);
