import { X509Certificate } from 'node:crypto';
import { TLSSocket } from 'node:tls';
import type * as grpc from '@grpc/grpc-js';
import type { UsageServiceHandlers } from '../../common/gen/nephele/v1/UsageService.js';
import type { ImportUsageRequest__Output } from '../../common/gen/nephele/v1/ImportUsageRequest.js';
import type { Peer__Output } from '../../common/gen/nephele/v1/Peer.js';
import { SlaEnum } from '../../common/grpc/convert.js';
import { requireName } from '../../common/validate.js';
import { unaryRpc, type RpcLayer } from '../rpc/handler.js';
import { demandToProto, planArgs, type BackupPlanner } from './backup-plan.js';
import { dimValueArg, filterFromProto } from './convert.js';
import { sourceArg, type UsageImporter } from './import.js';
import type { PeerStore, PeerView } from './peers.js';
import type { Pusher } from './push.js';

// UsageService's federation group: peers and pushes (source side), imports and
// backup plans (target side). Thin: validate, call, convert.

/** How long PushUsage may push before it answers (the CLI waits 15 s). */
const PUSH_RPC_BUDGET_MS = 12_000;

export interface PeerDeps {
  peers: PeerStore;
  pusher: Pusher;
  importer: UsageImporter;
  backups: BackupPlanner;
}

type PeerHandlers = Pick<
  UsageServiceHandlers,
  | 'AddPeer'
  | 'ListPeers'
  | 'RemovePeer'
  | 'PushUsage'
  | 'ImportUsage'
  | 'GetBackupPlan'
  | 'ApplyBackupPlan'
  | 'FailoverBackup'
>;

const peerToProto = (p: PeerView): Peer__Output => ({
  name: p.name,
  address: p.address,
  caFingerprint: p.caFingerprint,
  createdUnixMs: p.createdUnixMs,
  lastPushUnixMs: p.lastPushUnixMs,
  lastStatus: p.lastStatus,
  pushedRecords: p.pushedRecords,
});

/**
 * What a source is pinned to, from the TLS client certificate of its call: its
 * issuing CA (`ca:<sha256>`) when the chain presented carries one that signed
 * it, so the pin survives the source re-issuing its certificate; else the
 * certificate itself (`cert:<sha256>`); '' for none. The handshake proved the
 * caller holds the certificate's key. A source's CA is not one this controller
 * trusts, and grpc-js shows only authorized peers in getAuthContext(): the TLS
 * socket is asked itself. Should grpc-js hide it one day, this answers '' and
 * imports are refused (fail closed).
 */
function clientPinOf(call: grpc.ServerUnaryCall<unknown, unknown>): string {
  try {
    const socket = (call as unknown as { call?: { stream?: { session?: { socket?: unknown } } } }).call?.stream?.session
      ?.socket;
    if (!(socket instanceof TLSSocket)) return '';
    const leaf = socket.getPeerCertificate(true);
    if (!leaf?.raw) return '';
    const issuer = leaf.issuerCertificate;
    if (issuer?.raw && !issuer.raw.equals(leaf.raw)) {
      const cert = new X509Certificate(leaf.raw);
      const ca = new X509Certificate(issuer.raw);
      if (ca.ca && cert.checkIssued(ca) && cert.verify(ca.publicKey)) return `ca:${ca.fingerprint256}`;
    }
    return `cert:${leaf.fingerprint256}`;
  } catch {
    return '';
  }
}

export function peerHandlers(layer: RpcLayer, d: PeerDeps): PeerHandlers {
  // ImportUsage needs the caller's client certificate (the source's pin), which
  // only the call has: it travels to the handler beside its request object.
  const certs = new WeakMap<object, string>();
  const importRpc = unaryRpc(layer, 'UsageService.ImportUsage', (req: ImportUsageRequest__Output) =>
    d.importer.import(req, certs.get(req as object) ?? ''),
  );
  return {
    AddPeer: unaryRpc(layer, 'UsageService.AddPeer', async (req) => ({ peer: peerToProto(await d.peers.add(req)) })),
    ListPeers: unaryRpc(layer, 'UsageService.ListPeers', async () => ({
      peers: (await d.peers.list()).map(peerToProto),
    })),
    RemovePeer: unaryRpc(layer, 'UsageService.RemovePeer', async (req) => {
      await d.peers.remove(req.name);
      return {};
    }),
    PushUsage: unaryRpc(layer, 'UsageService.PushUsage', async (req, ctx) => {
      const peer = requireName('peer', req.peer);
      // Within the CLI's call deadline; a push cut short is re-run (imports are idempotent).
      return d.pusher.pushToPeer(peer, filterFromProto(req.filter, ctx.scope), { budgetMs: PUSH_RPC_BUDGET_MS });
    }),
    ImportUsage: (call, cb) => {
      if (call.request && typeof call.request === 'object') certs.set(call.request, clientPinOf(call));
      importRpc(call, cb);
    },
    GetBackupPlan: unaryRpc(layer, 'UsageService.GetBackupPlan', async (req, ctx) => {
      const { planned, unfit } = await d.backups.plan(planArgs(req, ctx.scope));
      return { demands: planned.map(demandToProto), plans: planned.map((p) => p.plan), unfit };
    }),
    ApplyBackupPlan: unaryRpc(layer, 'UsageService.ApplyBackupPlan', async (req, ctx) => {
      const a = planArgs(req.plan, ctx.scope, 'plan.');
      // Unspecified: standby, the cheaper of the two.
      const sla = SlaEnum.isUnspecified(req.sla) ? 'best_effort' : SlaEnum.require(req.sla, 'sla');
      return { sets: await d.backups.apply(a, sla) };
    }),
    FailoverBackup: unaryRpc(layer, 'UsageService.FailoverBackup', async (req, ctx) => ({
      sets: await d.backups.failover(sourceArg(req.source), dimValueArg('app', req.app), ctx.scope),
    })),
  };
}
