// The messaging bus as a VM sees it (issue 16), one line grammar for every
// scheme: the qemu/libvirt guest agent (scripts/guest/agent.sh, over the guest
// channel) and the process appliance's local socket (<vm dir>/bus/bus.sock).
// Payloads are base64 on the wire ("-" for empty), so a line never holds a
// newline of the payload and its length is bounded (MAX_BUS_LINE).
//
//   VM → agent (process socket; in a qemu guest: `nephele-bus` → the guest agent):
//     pub <topic> <base64>        publish (answer: ok | err <why>)
//     sub <topic> / unsub <topic> subscribe / unsubscribe (answer: ok | err <why>)
//   guest agent → host (guest channel, on its own):
//     bus pub <topic> <base64>    a guest program published
//     bus subs <t1,t2,...|->      the guest's whole subscription list (level; also after every ready)
//   agent → VM:
//     msg <topic> <seq> <from_vm|-> <from_scheme|-> <time_ms> <base64>
//     (guest channel: the request `<id> bus-deliver <same fields>`, answered ok)
import { MAX_PAYLOAD_BYTES, MAX_VM_TOPICS, TOPIC_RE } from '../../common/bus.js';
import type { BusDelivery } from './driver.js';

/** The longest bus line: a 64 KiB payload in base64 plus the header fields. */
export const MAX_BUS_LINE = Math.ceil(MAX_PAYLOAD_BYTES / 3) * 4 + 256;

export type VmBusLine =
  | { kind: 'pub'; topic: string; payload: Buffer }
  | { kind: 'sub' | 'unsub'; topic: string }
  | { kind: 'error'; why: string };

const B64_RE = /^(-|[A-Za-z0-9+/]*={0,2})$/;

function payloadOf(s: string | undefined): Buffer | string {
  if (s === undefined) return 'missing payload';
  if (!B64_RE.test(s) || (s !== '-' && s.length % 4 !== 0)) return 'payload must be base64';
  const b = s === '-' ? Buffer.alloc(0) : Buffer.from(s, 'base64');
  return b.length > MAX_PAYLOAD_BYTES ? `payload over ${MAX_PAYLOAD_BYTES} bytes` : b;
}

/** One line a VM wrote (process socket). */
export function parseVmLine(line: string): VmBusLine {
  if (line.length > MAX_BUS_LINE) return { kind: 'error', why: 'line too long' };
  const [verb, topic, rest, extra] = line.replace(/\r$/, '').split(' ');
  if (verb !== 'pub' && verb !== 'sub' && verb !== 'unsub') return { kind: 'error', why: 'unknown command' };
  if (!topic || !TOPIC_RE.test(topic)) return { kind: 'error', why: 'bad topic: 1-63 of [a-z0-9._-]' };
  if (verb !== 'pub') return rest === undefined ? { kind: verb, topic } : { kind: 'error', why: 'too many words' };
  if (extra !== undefined) return { kind: 'error', why: 'too many words' };
  const p = payloadOf(rest);
  return typeof p === 'string' ? { kind: 'error', why: p } : { kind: 'pub', topic, payload: p };
}

export type GuestBusLine =
  { kind: 'pub'; topic: string; payload: Buffer } | { kind: 'subs'; topics: string[] } | { kind: 'error'; why: string };

/** What follows `bus ` in a line the guest agent sent on its own (the guest is not trusted). */
export function parseGuestBusLine(rest: string): GuestBusLine {
  if (rest.length > MAX_BUS_LINE) return { kind: 'error', why: 'line too long' };
  const [verb, a, b, extra] = rest.split(' ');
  if (verb === 'pub' && extra === undefined) {
    if (!a || !TOPIC_RE.test(a)) return { kind: 'error', why: 'bad topic' };
    const p = payloadOf(b);
    return typeof p === 'string' ? { kind: 'error', why: p } : { kind: 'pub', topic: a, payload: p };
  }
  if (verb === 'subs' && b === undefined) {
    const topics = !a || a === '-' ? [] : a.split(',');
    if (topics.length > MAX_VM_TOPICS || !topics.every((t) => TOPIC_RE.test(t)))
      return { kind: 'error', why: 'bad subscription list' };
    return { kind: 'subs', topics: [...new Set(topics)] };
  }
  return { kind: 'error', why: 'unknown bus line' };
}

/** The fields of a delivery, as both the socket's `msg` line and the guest's `bus-deliver` request carry them. */
export function deliveryFields(d: BusDelivery): string {
  const b64 = d.payload.length ? d.payload.toString('base64') : '-';
  return `${d.topic} ${d.seq} ${d.fromVmId || '-'} ${d.fromScheme || '-'} ${d.timeUnixMs} ${b64}`;
}

export const deliveryLine = (d: BusDelivery) => `msg ${deliveryFields(d)}`;
export const deliveryCommand = (d: BusDelivery) => `bus-deliver ${deliveryFields(d)}`;
export const subsLine = (topics: string[]) => `bus subs ${topics.length ? topics.join(',') : '-'}`;
