// The messaging bus's decisions, pure (unit-tested with a fake clock): topic and
// payload checks, the bounded ring of recent messages per topic, where a
// subscriber resumes, and what a full queue does.
import { FailedPreconditionError, InvalidArgumentError } from '../../../common/errors.js';
import type { RateLimit } from '../../rpc/ratelimit.js';

import { MAX_PAYLOAD_BYTES, MAX_VM_TOPICS, TOPIC_RE, type BusDelivery } from '../../../common/bus.js';

export { MAX_PAYLOAD_BYTES, MAX_VM_TOPICS, TOPIC_RE };

export interface BusLimits {
  /** Messages kept per topic for Subscribe(after_seq) to resume from. */
  ringSize: number;
  /** Bytes of payload kept per topic (whichever of the two bounds is hit first). */
  ringBytes: number;
  /** Topics kept in memory in all (each with its ring); one more publish on a new topic is refused. */
  maxTopics: number;
  /** Messages an API subscriber may have waiting; one more and it is ended (ABORTED, resume seq). */
  subscriberBuffer: number;
  /** Messages waiting on one host's session before deliveries to its VMs are dropped (counted, reported). */
  hostQueue: number;
  /** Publishes per VM (and per API token) per second. */
  perVm: RateLimit;
  /** Open API subscriptions per token and in all. */
  subscriptionsPerToken: number;
  subscriptionsTotal: number;
}

export const DEFAULT_BUS_LIMITS: BusLimits = {
  ringSize: 1024,
  ringBytes: 8 << 20,
  maxTopics: 10_000,
  subscriberBuffer: 512,
  hostQueue: 256,
  perVm: { perSec: 2000, burst: 4000 },
  subscriptionsPerToken: 16,
  subscriptionsTotal: 256,
};

export function checkTopic(field: string, v: unknown): string {
  if (typeof v !== 'string' || !v) throw new InvalidArgumentError(field, 'is required');
  if (!TOPIC_RE.test(v))
    throw new InvalidArgumentError(field, 'must be 1-63 characters of [a-z0-9._-], starting with a letter or digit');
  return v;
}

export function checkPayload(field: string, v: unknown): Buffer {
  const b = Buffer.isBuffer(v) ? v : v instanceof Uint8Array ? Buffer.from(v) : Buffer.alloc(0);
  if (b.length > MAX_PAYLOAD_BYTES) throw new InvalidArgumentError(field, `is over ${MAX_PAYLOAD_BYTES} bytes`);
  return b;
}

/** One ordered message of a tenant's topic. */
export type BusMsg = BusDelivery;

/** The last messages of one topic, bounded by count and bytes; seqs in it are consecutive. */
export class Ring {
  private readonly msgs: BusMsg[] = [];
  private head = 0; // index of the oldest kept
  private bytes = 0;
  constructor(private readonly limits: Pick<BusLimits, 'ringSize' | 'ringBytes'>) {}

  get size(): number {
    return this.msgs.length - this.head;
  }

  /** Seq of the oldest message kept (undefined when empty). */
  oldest(): number | undefined {
    return this.msgs[this.head]?.seq;
  }

  push(m: BusMsg): void {
    this.msgs.push(m);
    this.bytes += m.payload.length;
    while (this.size > this.limits.ringSize || (this.bytes > this.limits.ringBytes && this.size > 1)) {
      this.bytes -= this.msgs[this.head]!.payload.length;
      this.msgs[this.head++] = undefined as unknown as BusMsg;
    }
    if (this.head > 1024 && this.head * 2 > this.msgs.length) {
      this.msgs.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Kept messages with seq > after, at most `limit`. */
  after(after: number, limit: number): BusMsg[] {
    const first = this.oldest();
    if (first === undefined) return [];
    const from = this.head + Math.max(0, after + 1 - first);
    return this.msgs.slice(from, from + limit);
  }
}

/**
 * Where a Subscribe(after_seq) starts. 0: only new messages. A seq still in the
 * ring (or the head itself): replay from there. A seq the ring no longer holds
 * (or from before a controller restart: rings are memory only) is a clear
 * FAILED_PRECONDITION naming what is kept, never a silent gap.
 */
export function resumePlan(afterSeq: number, lastSeq: number, oldestKept: number | undefined): 'live' | 'replay' {
  if (afterSeq === 0) return 'live';
  if (afterSeq > lastSeq) throw new InvalidArgumentError('after_seq', `is past the topic's last seq (${lastSeq})`);
  if (afterSeq === lastSeq) return 'live';
  if (oldestKept !== undefined && afterSeq + 1 >= oldestKept) return 'replay';
  throw new FailedPreconditionError(
    `messages after seq ${afterSeq} are no longer kept (` +
      (oldestKept === undefined ? 'none kept since the controller started' : `oldest kept: ${oldestKept}`) +
      `; last: ${lastSeq}); subscribe with after_seq=0 for new messages`,
  );
}

/** A host's session backlog decides whether a VM delivery goes out or is dropped (counted). */
export function hostHasRoom(backlog: number, limits: Pick<BusLimits, 'hostQueue'>): boolean {
  return backlog < limits.hostQueue;
}

/**
 * A VM's publish carries local_seq (per VM, growing): one not above the last
 * seen is a resend (after a reconnect) and is dropped, not ordered twice.
 */
export function isResend(lastLocal: number | undefined, localSeq: number): boolean {
  return lastLocal !== undefined && localSeq <= lastLocal;
}

/** Every topic a VM subscribes to, checked; bad names are refused whole (the agent is not trusted). */
export function checkVmTopics(topics: unknown): string[] {
  if (!Array.isArray(topics)) return [];
  if (topics.length > MAX_VM_TOPICS) throw new InvalidArgumentError('topics', `at most ${MAX_VM_TOPICS}`);
  return [...new Set(topics.map((t, i) => checkTopic(`topics[${i}]`, t)))];
}
