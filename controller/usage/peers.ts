import { X509Certificate } from 'node:crypto';
import type { Clock } from '../../common/clock.js';
import { AlreadyExistsError, InvalidArgumentError, NotFoundError } from '../../common/errors.js';
import { withDefaultPort } from '../../common/address.js';
import { certFingerprint } from '../../common/tls/pki.js';
import { ULID_RE } from '../../common/ids.js';
import { requireName, requireString } from '../../common/validate.js';
import { absent, at, del, put, retryOnConflict, type Store } from '../../common/store/index.js';
import type { EventLog } from '../events/log.js';

// Peers: other controllers this one pushes usage to (the source side of the
// seed's export). A peer's federation token is a secret: it lives only in this
// controller's store (data dir 0700) and no RPC ever returns it.

export const USAGE_PEERS = 'usage-peers';

/** A peer as stored. */
export interface PeerRecord {
  name: string;
  /** host:port of the peer controller. */
  address: string;
  /** The peer's CA certificate: its server certificate must chain to it. */
  caPem: string;
  caFingerprint: string;
  /** The peer's federation token (may call only ImportUsage there). Never shown. */
  token: string;
  createdUnixMs: number;
  lastPushUnixMs: number;
  lastStatus: string;
  pushedRecords: number;
}

/** What ListPeers shows: everything but the CA and the token. */
export type PeerView = Omit<PeerRecord, 'caPem' | 'token'>;

export const peerView = ({ caPem: _ca, token: _t, ...v }: PeerRecord): PeerView => v;

/** An API token of the peer: `<ULID>.<secret>`, printable, no join token. */
const API_TOKEN_RE = new RegExp(`^${ULID_RE.source.slice(1, -1)}\\.[!-~]{8,400}$`);
const HOST_PORT_RE = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]{0,252}))(:\d{1,5})?$/;
const MAX_CA_PEM = 16 * 1024;

/** The address of a peer controller: host[:port] (port 7443 when left out). */
export function peerAddressArg(v: unknown): string {
  const s = requireString('address', v, { max: 260 });
  if (!HOST_PORT_RE.test(s)) throw new InvalidArgumentError('address', 'must be host[:port]');
  const full = withDefaultPort(s);
  const port = Number(/:(\d+)$/.exec(full)?.[1]);
  if (!(port >= 1 && port <= 65535)) throw new InvalidArgumentError('address', 'port must be 1 to 65535');
  return full;
}

/** One PEM certificate that is a CA (basicConstraints CA:TRUE), currently valid. */
export function caPemArg(v: unknown, now: number): string {
  const s = requireString('ca_pem', v, { max: MAX_CA_PEM, multiline: true });
  const blocks = s.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length !== 1) throw new InvalidArgumentError('ca_pem', 'must hold exactly one PEM certificate');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(blocks[0]!);
  } catch {
    throw new InvalidArgumentError('ca_pem', 'is not a parsable X.509 certificate');
  }
  if (!cert.ca) throw new InvalidArgumentError('ca_pem', 'is not a CA certificate (basicConstraints CA:TRUE)');
  if (Date.parse(cert.validTo) <= now) throw new InvalidArgumentError('ca_pem', 'has expired');
  return blocks[0]! + '\n';
}

export function peerTokenArg(v: unknown): string {
  const s = requireString('token', v, { max: 512 }).trim();
  if (!API_TOKEN_RE.test(s)) throw new InvalidArgumentError('token', "must be the peer's API token (<id>.<secret>)");
  return s;
}

export class PeerStore {
  constructor(
    private readonly store: Store,
    private readonly events: EventLog,
    private readonly clock: Clock,
  ) {}

  /** Adds a peer; the same peer again is a no-op (a retried add), another under its name ALREADY_EXISTS. */
  async add(req: { name: unknown; address: unknown; caPem: unknown; token: unknown }): Promise<PeerView> {
    const name = requireName('name', req.name);
    const address = peerAddressArg(req.address);
    const caPem = caPemArg(req.caPem, this.clock.now());
    const token = peerTokenArg(req.token);
    const prior = await this.store.get<PeerRecord>(USAGE_PEERS, name);
    if (prior) {
      const p = prior.value;
      if (p.address === address && p.caPem === caPem && p.token === token) return peerView(p);
      throw new AlreadyExistsError('peer');
    }
    const rec: PeerRecord = {
      name,
      address,
      caPem,
      caFingerprint: certFingerprint(caPem),
      token,
      createdUnixMs: this.clock.now(),
      lastPushUnixMs: 0,
      lastStatus: '',
      pushedRecords: 0,
    };
    await this.events.commit({
      ops: [put(USAGE_PEERS, name, rec)],
      preconditions: [absent(USAGE_PEERS, name)],
      ref: name,
      events: [
        {
          type: 'usage.peer_added',
          message: 'usage peer added',
          attributes: { peer: name, address, ca_fingerprint: rec.caFingerprint },
        },
      ],
    });
    return peerView(rec);
  }

  async get(nameIn: unknown, field = 'peer'): Promise<PeerRecord> {
    const name = requireName(field, nameIn);
    const r = await this.store.get<PeerRecord>(USAGE_PEERS, name);
    if (!r) throw new NotFoundError('peer');
    return r.value;
  }

  /** Every peer (a handful: an admin adds them one by one; bounded anyway). */
  async list(limit = 1000): Promise<PeerView[]> {
    const out: PeerView[] = [];
    for await (const { value } of this.store.scan<PeerRecord>(USAGE_PEERS, { limit })) out.push(peerView(value));
    return out;
  }

  async remove(nameIn: unknown): Promise<void> {
    const name = requireName('name', nameIn);
    const r = await this.store.get<PeerRecord>(USAGE_PEERS, name);
    if (!r) throw new NotFoundError('peer');
    await this.events.commit({
      ops: [del(USAGE_PEERS, name)],
      preconditions: [at(USAGE_PEERS, name, r.version)],
      ref: name,
      events: [{ type: 'usage.peer_removed', message: 'usage peer removed', attributes: { peer: name } }],
    });
  }

  /** The outcome of a push, on the peer (a peer removed meanwhile stays removed). */
  recordPush(name: string, status: string, records: number): Promise<void> {
    return retryOnConflict(async () => {
      const r = await this.store.get<PeerRecord>(USAGE_PEERS, name);
      if (!r) return;
      const rec: PeerRecord = {
        ...r.value,
        lastPushUnixMs: this.clock.now(),
        lastStatus: status.slice(0, 256),
        pushedRecords: r.value.pushedRecords + records,
      };
      await this.events.commit({
        ops: [put(USAGE_PEERS, name, rec)],
        preconditions: [at(USAGE_PEERS, name, r.version)],
      });
    });
  }
}
