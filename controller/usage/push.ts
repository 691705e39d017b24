import * as grpc from '@grpc/grpc-js';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import { FailedPreconditionError, InvalidArgumentError } from '../../common/errors.js';
import { v1 } from '../../common/grpc/load.js';
import { unary } from '../../common/grpc/promisify.js';
import { KeyedMutex, type Store } from '../../common/store/index.js';
import type { ImportUsageRequest } from '../../common/gen/nephele/v1/ImportUsageRequest.js';
import type { ImportUsageResponse__Output } from '../../common/gen/nephele/v1/ImportUsageResponse.js';
import type { UsageRow__Output } from '../../common/gen/nephele/v1/UsageRow.js';
import type { UsageServiceClient } from '../../common/gen/nephele/v1/UsageService.js';
import { Backoff } from '../../agent/backoff.js';
import { rowToProto } from './convert.js';
import type { UsageFilter, UsageRecord } from './model.js';
import type { PeerRecord, PeerStore } from './peers.js';
import { scanRaw, type ScanPos } from './scan.js';

// PushUsage, the source side: a filtered subset of this controller's own raw
// records, sent to a peer's ImportUsage in pages, over mTLS (the peer's server
// checked against the CA given with the peer; this controller's own certificate
// presented as the client's) with the peer's federation token.

/** Records per ImportUsage call (the peer refuses more). */
export const PUSH_PAGE = 5000;
/** Bytes per call, well under the peer's 4 MiB message limit. */
const PUSH_PAGE_BYTES = 3 * 1024 * 1024;
/** Each ImportUsage call's deadline, and how often a failed one is tried. */
const CALL_DEADLINE_MS = 20_000;
const ATTEMPTS = 5;
const RETRYABLE = new Set([
  grpc.status.UNAVAILABLE,
  grpc.status.DEADLINE_EXCEEDED,
  grpc.status.RESOURCE_EXHAUSTED,
  grpc.status.ABORTED,
]);

export interface PushResult {
  sent: number;
  imported: number;
  duplicates: number;
  source: string;
}

/** This controller's TLS identity, presented to peers as the client certificate. */
export interface ClientIdentity {
  certPem: string;
  keyPem: string;
}

/** This controller's client identity to peers: its certificate with our CA (the peer pins the CA, so a re-issued certificate still works). */
export const identityOf =
  (pki: { server: { certPem: string; keyPem: string }; ca: { certPem: string } }) => (): ClientIdentity => ({
    certPem: `${pki.server.certPem.trim()}\n${pki.ca.certPem.trim()}\n`,
    keyPem: pki.server.keyPem,
  });

/** One ImportUsage call to a peer; `close` ends its channel. */
export interface ImportChannel {
  importUsage(req: ImportUsageRequest, deadlineMs: number): Promise<ImportUsageResponse__Output>;
  close(): void;
}

/** A dedicated channel to the peer: its CA only, our certificate, its token on every call. */
export function openImportChannel(peer: PeerRecord, me: ClientIdentity): ImportChannel {
  const creds = grpc.credentials.createSsl(Buffer.from(peer.caPem), Buffer.from(me.keyPem), Buffer.from(me.certPem));
  const client = new (v1().UsageService)(peer.address, creds, {
    'grpc.max_send_message_length': 4 * 1024 * 1024,
  }) as unknown as UsageServiceClient;
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${peer.token}`);
  return {
    importUsage: (req, deadlineMs) =>
      unary<ImportUsageResponse__Output>((cb) =>
        client.ImportUsage(req, md, { deadline: Date.now() + deadlineMs }, cb),
      ),
    close: () => client.close(),
  };
}

/** A rough encoded size of a row (strings dominate), to keep a page under the message limit. */
function rowBytes(r: UsageRow__Output): number {
  let n = 160;
  for (const v of Object.values(r)) if (typeof v === 'string') n += v.length + 2;
  for (const [k, v] of Object.entries(r.sources)) n += k.length + v.length + 6;
  return n;
}

export interface PusherDeps {
  store: Store;
  peers: PeerStore;
  clock: Clock;
  log: Logger;
  /** This controller's id as its peers know it (the `source` of what it pushes). */
  sourceId: string;
  identity: () => ClientIdentity;
  /** Tests and the scheduled export may connect differently; default openImportChannel. */
  connect?: (peer: PeerRecord, me: ClientIdentity) => ImportChannel;
  random?: () => number;
}

export class Pusher {
  /** One push per peer at a time: its pages and its last-push record stay in order. */
  private readonly lock = new KeyedMutex();
  constructor(private readonly d: PusherDeps) {}

  /**
   * Sends this controller's own records that match `filter` to the peer. The
   * seam the scheduled export calls (destination `peer`); PushUsage calls it too.
   */
  async pushToPeer(peerName: string, filter: UsageFilter, opts: { budgetMs?: number } = {}): Promise<PushResult> {
    if (filter.source) throw new InvalidArgumentError('filter.source', "a push sends this controller's own usage");
    return this.lock.run(peerName, async () => {
      const peer = await this.d.peers.get(peerName);
      const ch = (this.d.connect ?? openImportChannel)(peer, this.d.identity());
      const total: PushResult = { sent: 0, imported: 0, duplicates: 0, source: this.d.sourceId };
      const until = opts.budgetMs ? this.d.clock.now() + opts.budgetMs : Infinity;
      try {
        await this.pages(filter, async (rows) => {
          if (this.d.clock.now() >= until)
            throw new FailedPreconditionError(
              `the push ran out of time after ${total.sent} records; run it again (what the peer has counts as duplicates)`,
            );
          const r = await this.call(ch, rows, until);
          total.sent += rows.length;
          total.imported += Number(r.imported);
          total.duplicates += Number(r.duplicates);
        });
      } catch (e) {
        await this.d.peers.recordPush(peer.name, `failed: ${(e as Error).message}`, total.imported);
        throw e;
      } finally {
        ch.close();
      }
      this.d.log.info(
        { peer: peer.name, sent: total.sent, imported: total.imported, duplicates: total.duplicates },
        'usage pushed to peer',
      );
      await this.d.peers.recordPush(
        peer.name,
        `ok: sent ${total.sent}, imported ${total.imported}, duplicates ${total.duplicates}`,
        total.imported,
      );
      return total;
    });
  }

  /** The matching records in pages of at most PUSH_PAGE rows and PUSH_PAGE_BYTES. */
  private async pages(filter: UsageFilter, send: (rows: UsageRow__Output[]) => Promise<void>): Promise<void> {
    let page: UsageRow__Output[] = [];
    let bytes = 0;
    let after: ScanPos | undefined;
    for (;;) {
      const r = await scanRaw(this.d.store, { ...filter, source: '' }, { after, limit: PUSH_PAGE });
      for (const rec of r.records) {
        const row = rowToProto(rec satisfies UsageRecord);
        const b = rowBytes(row);
        if (page.length >= PUSH_PAGE || (page.length && bytes + b > PUSH_PAGE_BYTES)) {
          await send(page);
          page = [];
          bytes = 0;
        }
        page.push(row);
        bytes += b;
      }
      if (!r.more) break;
      after = r.next;
    }
    if (page.length) await send(page);
  }

  /** One page, retried with backoff while the peer is unreachable or busy. */
  private async call(
    ch: ImportChannel,
    records: UsageRow__Output[],
    until: number,
  ): Promise<ImportUsageResponse__Output> {
    const backoff = new Backoff(100, 2000, this.d.random);
    for (let attempt = 1; ; attempt++) {
      try {
        const left = Math.min(CALL_DEADLINE_MS, until - this.d.clock.now());
        return await ch.importUsage({ source: this.d.sourceId, records }, Math.max(1, left));
      } catch (e) {
        const err = e as grpc.ServiceError;
        const code = typeof err.code === 'number' ? err.code : grpc.status.UNKNOWN;
        const what = `${grpc.status[code] ?? code}: ${err.details ?? err.message}`;
        if (!RETRYABLE.has(code)) throw new FailedPreconditionError(`the peer refused the push (${what})`);
        if (attempt >= ATTEMPTS || this.d.clock.now() >= until)
          // Not UNAVAILABLE: that would read as this controller being unreachable.
          throw new FailedPreconditionError(`the peer could not be reached after ${attempt} attempts (${what})`);
        const ms = backoff.next();
        this.d.log.warn({ attempt, delay_ms: ms, code: grpc.status[code] }, 'usage push to peer failed; retrying');
        await new Promise<void>((r) => this.d.clock.setTimeout(r, ms));
      }
    }
  }
}
