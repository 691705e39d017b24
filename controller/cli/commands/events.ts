// nephele events: the operations and audit log.
import type { Command } from 'commander';
import type { Event__Output as Event } from '../../../common/gen/nephele/v1/Event.js';
import type * as P from '../types.js';
import { resumeSeqOf } from '../../../common/grpc/status.js';
import { wholeNumber } from '../parse.js';
import { json, terminalSafe, when } from '../format.js';
import type { CliKit } from '../kit.js';

export function registerEventCommands(program: Command, k: CliKit): void {
  const events = program.command('events').description('the operations and audit log');
  events
    .command('tail')
    .description('print recent events; --follow keeps streaming')
    .option('-f, --follow', 'keep streaming new events')
    .option('--since <seq>', 'start after this sequence number')
    .option('-n, --lines <n>', 'how many recent events when --since is not given', '20')
    .option('--type <prefix>', 'only events whose type starts with this')
    .option('--host <id>', 'only events of this host')
    .option('--audit', 'only audit events')
    .action(async (o) => {
      await k.withClient(async (c) => {
        const filter = { typePrefix: o.type ?? '', hostId: o.host ?? '', auditOnly: !!o.audit };
        let since = o.since !== undefined ? wholeNumber('--since', o.since) : -1;
        const lines = wholeNumber('--lines', o.lines, 1, 10_000);
        if (since < 0) {
          const head = await c.call<P.ListEventsResponse>((md, op, cb) =>
            c.events.ListEvents({ sinceSeq: 0, pageSize: 1 }, md, op, cb),
          );
          since = Math.max(
            0,
            Number(head.lastSeq) - lines * (filter.typePrefix || filter.hostId || filter.auditOnly ? 50 : 1),
          );
        }
        let last = since;
        const print = (e: Event) => {
          last = Math.max(last, Number(e.seq));
          process.stdout.write((k.json() ? json(e, 0) : terminalSafe(fmtEvent(e))) + '\n');
        };
        if (!o.follow) {
          let token = '';
          do {
            const r = await c.call<P.ListEventsResponse>((md, op, cb) =>
              c.events.ListEvents({ sinceSeq: since, pageSize: 1000, pageToken: token, filter }, md, op, cb),
            );
            r.events.forEach(print);
            token = r.nextPageToken;
          } while (token);
          return;
        }
        let stream: ReturnType<typeof c.events.WatchEvents> | undefined;
        let stopping = false;
        process.once('SIGINT', () => {
          stopping = true;
          stream?.cancel();
        });
        // A watch that fell behind ends with the seq to resume after: follow on from there.
        while (!stopping) {
          // Settled on 'close', once the events received before the status are printed.
          const { resume, err } = await new Promise<{ resume?: number; err?: unknown }>((resolve) => {
            let outcome: { resume?: number; err?: unknown } = {};
            stream = c.events.WatchEvents({ sinceSeq: last, filter }, c.metadata());
            stream.on('data', print);
            stream.on('error', (e) => {
              if ((e as { code?: number }).code === 1) return; // cancelled by us
              const seq = resumeSeqOf(e);
              outcome = seq === undefined ? { err: e } : { resume: seq };
            });
            stream.on('close', () => resolve(outcome));
          });
          if (err) throw err;
          if (resume === undefined) return;
          // From the last one printed: the client library may have dropped a few sent before the status.
          last = Math.min(last, resume);
          process.stderr.write(`nephele: the watch fell behind; resuming after seq ${last}\n`);
        }
      });
    });
}

function fmtEvent(e: Event): string {
  const attrs = Object.entries(e.attributes)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const who = [e.hostId && `host=${e.hostId}`, e.actor && e.actor !== e.hostId && `actor=${e.actor}`]
    .filter(Boolean)
    .join(' ');
  return `${String(e.seq).padStart(6)}  ${when(e.timeUnixMs)}  ${e.severity.padEnd(7)} ${e.type.padEnd(24)} ${e.message}${who ? '  ' + who : ''}${attrs ? '  ' + attrs : ''}`;
}
