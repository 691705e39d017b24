// nephele bus: the messaging bus between VMs (publish, subscribe, list topics).
// Exit codes: 0 done; 1 failed (refused, bad input, connection); 4 the
// subscription fell behind and was ended (stderr says which --after resumes).
import type { Command } from 'commander';
import * as grpc from '@grpc/grpc-js';
import type { BusMessage__Output as BusMessage } from '../../../common/gen/nephele/v1/BusMessage.js';
import type { ListTopicsResponse__Output } from '../../../common/gen/nephele/v1/ListTopicsResponse.js';
import type { PublishResponse__Output } from '../../../common/gen/nephele/v1/PublishResponse.js';
import { MAX_PAYLOAD_BYTES } from '../../../common/bus.js';
import { resumeSeqOf, statusName } from '../../../common/grpc/status.js';
import { CliError } from '../client.js';
import { json, table, terminalSafe, when } from '../format.js';
import type { CliKit } from '../kit.js';
import { wholeNumber } from '../parse.js';

export const EXIT_BEHIND = 4;

/** Reads the message: the argument, or stdin for "-" (at most one byte over the cap, so an oversize one is refused whole). */
async function payloadArg(message: string): Promise<Buffer> {
  let b: Buffer;
  if (message !== '-') b = Buffer.from(message, 'utf8');
  else {
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const c of process.stdin as AsyncIterable<Buffer>) {
      chunks.push(c);
      n += c.length;
      if (n > MAX_PAYLOAD_BYTES) break;
    }
    b = Buffer.concat(chunks);
  }
  if (b.length > MAX_PAYLOAD_BYTES) throw new CliError(`MESSAGE: over ${MAX_PAYLOAD_BYTES} bytes`);
  return b;
}

/** A payload shown as text when it is UTF-8 (control characters escaped), else as base64. */
function plain(p: Buffer): string {
  const s = p.toString('utf8');
  return Buffer.from(s, 'utf8').equals(p) ? terminalSafe(s) : `base64:${p.toString('base64')}`;
}

function line(m: BusMessage, asJson: boolean): string {
  const payload = Buffer.from(m.payload ?? []);
  if (!asJson) return plain(payload);
  const text = payload.toString('utf8');
  return json(
    {
      topic: m.topic,
      seq: Number(m.seq),
      payload_base64: payload.toString('base64'),
      ...(Buffer.from(text, 'utf8').equals(payload) ? { payload: text } : {}),
      from_vm_id: m.fromVmId,
      from_scheme: m.fromScheme,
      time: when(Number(m.timeUnixMs)),
    },
    0,
  );
}

export function registerBusCommands(program: Command, k: CliKit): void {
  const bus = program.command('bus').description('the messaging bus between VMs of any scheme (topics per tenant)');
  bus
    .command('pub')
    .description('publish MESSAGE (or stdin for "-", at most 64 KiB) on TOPIC; prints its seq')
    .argument('<topic>')
    .argument('<message>')
    .option('--tenant <name>', 'the tenant whose topic it is (tokens of no tenant only; others use their own)')
    .action(async (topic: string, message: string, o: { tenant?: string }) => {
      const payload = await payloadArg(message);
      const r = await k.withClient((c) =>
        c.call<PublishResponse__Output>((md, op, cb) =>
          c.schemes.Publish({ topic, payload, tenant: o.tenant ?? '' }, md, op, cb),
        ),
      );
      k.out({ topic, seq: Number(r.seq) }, () => String(r.seq));
    });
  bus
    .command('sub')
    .description('print messages of TOPIC as they arrive (a line each: the payload, or JSON with --json)')
    .argument('<topic>')
    .option('--after <seq>', 'start after this seq (replayed from what the controller keeps); default: only new')
    .option('--count <n>', 'exit 0 after this many messages')
    .option('--tenant <name>', 'the tenant whose topic it is (tokens of no tenant only)')
    .action(async (topic: string, o: { after?: string; count?: string; tenant?: string }) => {
      const afterSeq = o.after === undefined ? 0 : wholeNumber('--after', o.after);
      const count = o.count === undefined ? 0 : wholeNumber('--count', o.count, 1);
      await k.withClient(async (c) => {
        await c.ready();
        let got = 0;
        let last = afterSeq;
        await new Promise<void>((resolve, reject) => {
          const call = c.schemes.Subscribe({ topic, afterSeq, tenant: o.tenant ?? '' }, c.metadata());
          call.on('data', (m: BusMessage) => {
            if (count && got >= count) return;
            got++;
            last = Number(m.seq);
            process.stdout.write(line(m, k.json()) + '\n');
            if (count && got >= count) {
              call.cancel();
              resolve();
            }
          });
          call.on('end', resolve);
          call.on('error', (e: grpc.ServiceError) => {
            if (e.code === grpc.status.CANCELLED && count && got >= count) return resolve();
            if (e.code === grpc.status.ABORTED) {
              const resume = Math.min(resumeSeqOf(e) ?? last, last);
              return reject(
                new CliError(`${statusName(e.code)}: ${e.details}; resume with --after ${resume}`, EXIT_BEHIND),
              );
            }
            reject(e);
          });
        });
      });
    });
  bus
    .command('topics')
    .description("list topics (your tenant's; tokens of no tenant see all, or one with --tenant)")
    .option('--tenant <name>', 'only this tenant (tokens of no tenant)')
    .action(async (o: { tenant?: string }) => {
      const topics = await k.withClient((c) =>
        k.listAll(async (pageToken) => {
          const r = await c.call<ListTopicsResponse__Output>((md, op, cb) =>
            c.schemes.ListTopics({ tenant: o.tenant ?? '', pageSize: 1000, pageToken }, md, op, cb),
          );
          return { items: r.topics, next: r.nextPageToken };
        }),
      );
      k.out(topics, (v) =>
        table(
          ['TENANT', 'TOPIC', 'LAST SEQ', 'SUBSCRIBERS', 'VMS'],
          topics.map((t) => [t.tenant, t.name, String(t.lastSeq), t.subscribers, t.vmIds.join(',') || '-']),
          v,
        ),
      );
    });
}
