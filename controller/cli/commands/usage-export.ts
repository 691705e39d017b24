// nephele usage export / usage schedule: usage records as CSV, JSON Lines or FOCUS, now or on a schedule.
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { cliProgress } from '../lazy.js';
import type { ExportUsageChunk__Output } from '../../../common/gen/nephele/v1/ExportUsageChunk.js';
import type { ExportSchedule__Output } from '../../../common/gen/nephele/v1/ExportSchedule.js';
import type { CreateExportScheduleResponse__Output } from '../../../common/gen/nephele/v1/CreateExportScheduleResponse.js';
import type { ListExportSchedulesResponse__Output } from '../../../common/gen/nephele/v1/ListExportSchedulesResponse.js';
import { parseDuration } from '../../../common/validate.js';
import { CliError, type AdminClient } from '../client.js';
import { ago, table, when } from '../format.js';
import { wholeNumber } from '../parse.js';
import { granularityFlag, usageFilterOf, usageFilterOptions, usageGroup } from './usage-flags.js';
import type { CliKit } from '../kit.js';

const formatOpts = (c: Command, required = true) =>
  c[required ? 'requiredOption' : 'option'](
    '--format <format>',
    'csv, jsonl or focus (FOCUS cost and usage rows, as CSV)',
  )
    .option('--focus-version <v>', 'FOCUS version (focus only)', '')
    .option('--granularity <g>', 'raw records, or hour or day rollups', 'raw');

/** A bar on stderr for people (a TTY, or --progress); nothing for scripts. */
function progress(show: boolean) {
  if (!show) return undefined;
  const bar = new (cliProgress().SingleBar)(
    {
      stream: process.stderr,
      format: 'exporting [{bar}] {value}/{total} records',
      hideCursor: false,
      noTTYOutput: true, // --progress into a file or pipe: still shown
    },
    cliProgress().Presets.shades_classic,
  );
  let started = false;
  return {
    tick(c: ExportUsageChunk__Output, done: number) {
      if (!started) {
        started = true;
        bar.start(Number(c.totalRecords) || 0, 0);
      }
      if (bar.getTotal() < done) bar.setTotal(done);
      bar.update(done);
    },
    stop: () => started && bar.stop(),
  };
}

/** Streams the export into `out`, pausing the call while `out` is full. Resolves with the records written. */
function pipeExport(
  c: AdminClient,
  req: object,
  out: Writable,
  bar: ReturnType<typeof progress>,
): Promise<{ records: number; rateCard: number }> {
  return new Promise((resolve, reject) => {
    const call = c.usage.ExportUsage(req, c.metadata());
    let records = 0;
    let rateCard = 0;
    call.on('data', (chunk: ExportUsageChunk__Output) => {
      if (records === 0 && chunk.rateCardVersion) rateCard = Number(chunk.rateCardVersion);
      records += Number(chunk.records);
      bar?.tick(chunk, records);
      if (chunk.data.length && !out.write(chunk.data)) {
        call.pause();
        out.once('drain', () => call.resume());
      }
    });
    call.on('error', reject);
    call.on('end', () => resolve({ records, rateCard }));
  });
}

export function registerUsageExportCommands(program: Command, k: CliKit): void {
  const usage = usageGroup(program);
  usageFilterOptions(formatOpts(usage.command('export').description('export usage records to stdout or a file')))
    .option('--out <file>', 'write here (replaced whole once the export is complete) instead of stdout')
    .option('--rate-card <version>', 'price with this rate card version (default: the current)')
    .option('--progress', 'show a progress bar on stderr even when it is not a terminal')
    .action(async (o) => {
      const granularity = granularityFlag(o.granularity);
      const rateCardVersion = o.rateCard ? wholeNumber('--rate-card', o.rateCard, 1) : 0;
      const r = await k.withClient(async (c) => {
        const req = {
          filter: await usageFilterOf(c, o),
          format: o.format,
          focusVersion: o.focusVersion,
          granularity,
          rateCardVersion,
        };
        await c.ready();
        const bar = progress(!!o.progress || !!process.stderr.isTTY);
        const partial = o.out ? `${o.out}.partial` : '';
        const out = o.out ? createWriteStream(partial, { mode: 0o600 }) : process.stdout;
        try {
          const res = await pipeExport(c, req, out, bar);
          if (o.out) {
            await new Promise<void>((ok, fail) =>
              (out as ReturnType<typeof createWriteStream>).end(ok).on('error', fail),
            );
            renameSync(partial, o.out);
          }
          return res;
        } catch (e) {
          if (o.out) {
            out.destroy();
            rmSync(partial, { force: true });
          }
          throw e;
        } finally {
          bar?.stop();
        }
      });
      if (o.out) k.note(`exported ${r.records} records to ${o.out} (rate card ${r.rateCard || 'none'})`);
    });

  const schedule = usage.command('schedule').description('scheduled exports (to a directory, a URL or a peer)');
  // --from/--to bound every run (one date range's history); without them each run takes what came since the last.
  usageFilterOptions(formatOpts(schedule.command('create <name>').description('export on a cron schedule'), false))
    .requiredOption('--cron <expr>', "when to run (cron, seconds optional: '0 * * * *', '*/30 * * * * *')")
    .option('--dir <dir>', "a directory under the controller's --usage-export-dir")
    .option('--url <url>', 'an http(s) endpoint to POST each export to (admins and operators)')
    .option('--peer <name>', 'a peer controller (admins and operators)')
    .option('--lookback <duration>', 'what the first run exports', '24h')
    .action(async (name, o) => {
      const dests = (['dir', 'url', 'peer'] as const).filter((d) => o[d] !== undefined);
      if (dests.length !== 1) throw new CliError('give exactly one of --dir, --url, --peer');
      const d = dests[0]!;
      const destination = { [d === 'dir' ? 'directory' : d]: o[d] };
      const r = await k.withClient(async (c) => {
        const filter = await usageFilterOf(c, o);
        return c.call<CreateExportScheduleResponse__Output>((md, op, cb) =>
          c.usage.CreateExportSchedule(
            {
              schedule: {
                name,
                cron: o.cron,
                filter,
                format: o.format,
                focusVersion: o.focusVersion,
                granularity: granularityFlag(o.granularity),
                destination,
                lookbackS: Math.round(parseDuration(o.lookback) / 1000),
              },
            },
            md,
            op,
            cb,
          ),
        );
      });
      k.out(r.schedule, () => `created export schedule ${r.schedule?.name} (${r.schedule?.id})`);
    });
  schedule
    .command('ls')
    .description('list export schedules and how their last runs went')
    .action(async () => {
      const list = await k.withClient((c) =>
        k.listAll(async (pageToken) => {
          const r = await c.call<ListExportSchedulesResponse__Output>((md, op, cb) =>
            c.usage.ListExportSchedules({ pageSize: 500, pageToken }, md, op, cb),
          );
          return { items: r.schedules, next: r.nextPageToken };
        }),
      );
      k.out(list, (v) =>
        table(
          ['ID', 'NAME', 'TENANT', 'CRON', 'FORMAT', 'DESTINATION', 'LAST RUN', 'STATUS', 'RECORDS', 'EXPORTED UNTIL'],
          list.map((s: ExportSchedule__Output) => [
            s.id,
            s.name,
            s.tenant || '-',
            s.cron,
            s.format,
            `${s.destination?.target ?? ''}:${(s.destination as Record<string, string> | null)?.[s.destination?.target ?? ''] ?? ''}`,
            Number(s.lastRunUnixMs) ? ago(Number(s.lastRunUnixMs)) : '-',
            s.lastStatus || '-',
            Number(s.lastRecords),
            Number(s.exportedUntilUnixMs) ? when(Number(s.exportedUntilUnixMs)) : '-',
          ]),
          v,
        ),
      );
    });
  schedule
    .command('rm <id>')
    .description('delete an export schedule')
    .action(async (id) => {
      await k.withClient((c) => c.call((md, op, cb) => c.usage.DeleteExportSchedule({ scheduleId: id }, md, op, cb)));
      k.out({ id }, () => `deleted export schedule ${id}`);
    });
}
