// nephele events: the operations and audit log.
import type { Command } from 'commander';
import * as grpc from '@grpc/grpc-js';
import type { Event__Output as Event } from '../../../common/gen/nephele/v1/Event.js';
import type { EventFilter as Filter } from '../../../common/gen/nephele/v1/EventFilter.js';
import type * as P from '../types.js';
import { duration, wholeNumber } from '../parse.js';
import { json, terminalSafe, when } from '../format.js';
import { follow } from '../follow.js';
import { resolveHost, resolveSet, resolveVm } from '../resolve.js';
import type { AdminClient } from '../client.js';
import type { CliKit } from '../kit.js';

export function registerEventCommands(program: Command, k: CliKit): void {
  const events = program.command('events').description('the operations and audit log');
  events
    .command('tail')
    .description('print recent events; --follow keeps streaming')
    .option('-f, --follow', 'keep streaming new events (reconnecting when the controller goes away)')
    .option('--since <seq>', 'start after this sequence number')
    .option('-n, --lines <n>', 'how many recent matching events when --since is not given', '20')
    .option('--type <prefix>', 'only events whose type starts with this')
    .option('--host <host>', 'only events of this host (id, id prefix or name)')
    .option('--vm <vm>', 'only events about this VM: its history (id, id prefix or name)')
    .option('--set <set>', 'only events about this VM set: its history (id, id prefix or name)')
    .option('--audit', 'only audit events')
    .option('--reconnect-timeout <duration>', 'with -f: give up when the controller stays away this long', '5m')
    .action(async (o) => {
      const since = o.since !== undefined ? wholeNumber('--since', o.since) : undefined;
      const lines = wholeNumber('--lines', o.lines, 1, 10_000);
      const reconnectMs = duration('--reconnect-timeout', o.reconnectTimeout);
      const filter = {
        typePrefix: o.type ?? '',
        hostId: o.host ?? '',
        auditOnly: !!o.audit,
        vmId: o.vm ?? '',
        setId: o.set ?? '',
      };
      const print = (e: Event) => process.stdout.write((k.json() ? json(e, 0) : terminalSafe(fmtEvent(e))) + '\n');
      const last = await k.withClient(async (c) => {
        // A tenant may not list hosts: its --host goes as typed (an id, checked by the controller).
        if (o.host)
          filter.hostId = await resolveHost(c, o.host).catch((e: { code?: number }) => {
            if (e.code === grpc.status.PERMISSION_DENIED) return o.host as string;
            throw e;
          });
        if (o.vm) filter.vmId = await resolveVm(c, o.vm);
        if (o.set) filter.setId = await resolveSet(c, o.set);
        if (since !== undefined) return printAfter(c, since, filter, print);
        const r = await lastMatching(c, lines, filter);
        r.events.forEach(print);
        return r.head;
      });
      if (o.follow) await follow(k.withClient, { since: last, filter, reconnectMs, print });
    });
}

/** The last `n` events matching the filter, oldest first, and the head they were read from. */
async function lastMatching(c: AdminClient, n: number, filter: Filter): Promise<{ events: Event[]; head: number }> {
  const found: Event[] = [];
  let head: number | undefined;
  let token = '';
  do {
    const r = await c.call<P.ListEventsResponse>((md, op, cb) =>
      c.events.ListEvents(
        { newestFirst: true, pageSize: Math.min(1000, n - found.length), pageToken: token, filter },
        md,
        op,
        cb,
      ),
    );
    head ??= Number(r.lastSeq);
    found.push(...r.events);
    token = r.nextPageToken;
  } while (token && found.length < n);
  return { events: found.reverse(), head: head ?? 0 };
}

/** Prints every matching event after `since`; returns the last seq printed (a follower replays from there). */
async function printAfter(c: AdminClient, since: number, filter: Filter, print: (e: Event) => void): Promise<number> {
  let token = '';
  let last = since;
  do {
    const r = await c.call<P.ListEventsResponse>((md, op, cb) =>
      c.events.ListEvents({ sinceSeq: since, pageSize: 1000, pageToken: token, filter }, md, op, cb),
    );
    r.events.forEach(print);
    last = Math.max(last, Number(r.events.at(-1)?.seq ?? 0));
    token = r.nextPageToken;
  } while (token);
  return last;
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
