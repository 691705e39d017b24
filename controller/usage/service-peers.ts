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
 * The TLS client certificate a call came with (sha256, as node prints it), ''
 * for none. A source's certificate is issued by its own CA, which this
 * controller does not trust, and grpc-js shows only authorized peers in
 * getAuthContext(): the TLS socket is asked itself. The handshake proved the
 * caller holds the certificate's key, which is what a pin needs. Should grpc-js
 * hide the socket one day, this answers '' and imports are refused (fail closed).
 */
function clientCertOf(call: grpc.ServerUnaryCall<unknown, unknown>): string {
  try {
    const authorized = call.getAuthContext().sslPeerCertificate?.fingerprint256;
    if (authorized) return authorized;
    const socket = (call as unknown as { call?: { stream?: { session?: { socket?: unknown } } } }).call?.stream?.session
      ?.socket;
    return socket instanceof TLSSocket ? (socket.getPeerCertificate()?.fingerprint256 ?? '') : '';
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
      if (call.request && typeof call.request === 'object') certs.set(call.request, clientCertOf(call));
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
