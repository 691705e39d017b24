// OfferTargets, both sides. Serving: this controller's running VMs with spare
// room (vCPUs and memory above their p95) and their hosts' features, without
// tenants or names, for a peer that looks for reassignment targets. Asking: the
// usage peers' OfferTargets over mTLS with each peer's federation token (as
// usage/push.ts reaches a peer), as informational candidates.
import * as grpc from '@grpc/grpc-js';
import type { OfferTargetsRequest__Output } from '../../../common/gen/nephele/v1/OfferTargetsRequest.js';
import type { OfferTargetsResponse__Output } from '../../../common/gen/nephele/v1/OfferTargetsResponse.js';
import type { ReclassServiceClient } from '../../../common/gen/nephele/v1/ReclassService.js';
import { InvalidArgumentError } from '../../../common/errors.js';
import { v1 } from '../../../common/grpc/load.js';
import { unary } from '../../../common/grpc/promisify.js';
import type { Logger } from '../../../common/logger.js';
import type { ClientIdentity } from '../../usage/push.js';
import type { PeerRecord, PeerStore } from '../../usage/peers.js';
import type { PeerOffer } from './candidates.js';
import type { VmAnalysisModel } from '../../model/reclass.js';
import type { OfferedVm__Output } from '../../../common/gen/nephele/v1/OfferedVm.js';
import { readFleet, type Fleet, type RunDeps } from './run.js';

const FEATURE_RE = /^[a-z0-9][a-z0-9._-]{0,31}$/;
/** VMs looked at per OfferTargets (the first of the fleet), and peers asked per run. */
const OFFER_SCAN = 1000;
const MAX_PEERS = 16;
const PEER_DEADLINE_MS = 5000;
const OFFER_WINDOW = { windowHours: 168, minDataHours: 24 };

export function offerArgs(req: OfferTargetsRequest__Output) {
  const features = req.features ?? [];
  if (features.length > 32) throw new InvalidArgumentError('features', 'at most 32');
  for (const f of features)
    if (!FEATURE_RE.test(f)) throw new InvalidArgumentError('features', `${JSON.stringify(f)} is not a feature name`);
  const limit = Number(req.limit || 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new InvalidArgumentError('limit', 'must be 1 to 100');
  return { minVcpus: Number(req.minVcpus || 0), minMemoryMib: Number(req.minMemoryMib || 0), features, limit };
}

export async function offerTargets(
  d: RunDeps,
  req: OfferTargetsRequest__Output,
): Promise<OfferTargetsResponse__Output> {
  const want = offerArgs(req);
  const fleet = await readFleet(d);
  const page = await d.vms.list({ after: '', limit: OFFER_SCAN });
  const vms = page.vms.map((v) => v.vm).filter((v) => v.state === 'running' && v.desired === 'running' && !v.managed);
  // Spare room is usage only: no agent round trips for a peer's question.
  const analyses = await d.analyzer.analyze(vms, { ...OFFER_WINDOW, nowUnixMs: d.clock.now(), askAgents: false });
  return { vms: pickOffers(analyses, fleet, want), currency: fleet.pricing.currency };
}

/** The VMs with at least the spare room and the features asked for, the most spare first (pure). */
export function pickOffers(
  analyses: VmAnalysisModel[],
  fleet: Fleet,
  want: { minVcpus: number; minMemoryMib: number; features: string[]; limit: number },
): OfferedVm__Output[] {
  const hosts = new Map(fleet.hosts.map((h) => [h.id, h]));
  const prices = new Map(fleet.classes.map((c) => [c.name, fleet.pricing.price(c)]));
  return analyses
    .filter((a) => a.usage.sufficient)
    .map((a) => ({
      vmId: a.vmId,
      vcpus: a.vcpus,
      memoryMib: a.memoryMib,
      spareVcpus: Math.max(0, a.vcpus - a.usage.cpuVcpus.p95),
      spareMemoryMib: Math.max(0, Math.floor(a.memoryMib - a.usage.memoryMib.p95)),
      features: hosts.get(a.hostId)?.features ?? [],
      scheme: a.scheme,
      pricePerHour:
        prices.get(a.vmClass) ??
        fleet.pricing.price({ name: a.vmClass, vcpus: a.vcpus, memoryMib: a.memoryMib, pricePerHour: 0 }),
    }))
    .filter(
      (o) =>
        o.spareVcpus >= want.minVcpus &&
        o.spareMemoryMib >= want.minMemoryMib &&
        want.features.every((f) => o.features.includes(f)),
    )
    .sort((x, y) => y.spareVcpus - x.spareVcpus || y.spareMemoryMib - x.spareMemoryMib)
    .slice(0, want.limit);
}

/** One OfferTargets call to a peer: its CA only, our certificate, its token. */
async function askPeer(peer: PeerRecord, me: ClientIdentity, req: OfferTargetsRequest__Output) {
  const creds = grpc.credentials.createSsl(Buffer.from(peer.caPem), Buffer.from(me.keyPem), Buffer.from(me.certPem));
  const client = new (v1().ReclassService)(peer.address, creds) as unknown as ReclassServiceClient;
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${peer.token}`);
  try {
    return await unary<OfferTargetsResponse__Output>((cb) =>
      client.OfferTargets(req, md, { deadline: Date.now() + PEER_DEADLINE_MS }, cb),
    );
  } finally {
    client.close();
  }
}

/**
 * The peers' offers for a VM's need; a peer that fails is logged and left out.
 * Offers are bounded by the limit each peer is asked for.
 */
export function peerOfferSource(peers: PeerStore, identity: () => ClientIdentity, log: Logger) {
  return async (need: { vcpus: number; memoryMib: number; features: string[] }): Promise<PeerOffer[]> => {
    const out: PeerOffer[] = [];
    for (const view of await peers.list(MAX_PEERS)) {
      const req = {
        minVcpus: Math.ceil(need.vcpus),
        minMemoryMib: Math.ceil(need.memoryMib),
        features: need.features,
        limit: 10,
      };
      try {
        const r = await askPeer(await peers.get(view.name), identity(), req);
        for (const o of r.vms.slice(0, 10)) {
          const ok = peerOffer(view.name, o);
          if (ok) out.push(ok);
        }
      } catch (err) {
        log.warn({ err, peer: view.name }, 'peer offer failed');
      }
    }
    return out;
  };
}

/** A peer's answer is input like any other: an offer outside sane bounds is dropped, never divided by. */
export function peerOffer(peer: string, o: OfferedVm__Output): PeerOffer | undefined {
  const vcpus = Number(o.vcpus);
  const memoryMib = Number(o.memoryMib);
  const spareVcpus = Number(o.spareVcpus);
  const spareMemoryMib = Number(o.spareMemoryMib);
  const price = Number(o.pricePerHour);
  if (!Number.isInteger(vcpus) || vcpus < 1 || vcpus > 1024) return undefined;
  if (!Number.isInteger(memoryMib) || memoryMib < 1 || memoryMib > 2 ** 32) return undefined;
  if (!(spareVcpus >= 0 && spareVcpus <= vcpus) || !(spareMemoryMib >= 0 && spareMemoryMib <= memoryMib))
    return undefined;
  if (!Number.isFinite(price) || price < 0) return undefined;
  if (typeof o.vmId !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(o.vmId)) return undefined;
  if (typeof o.scheme !== 'string' || !/^[a-z0-9-]{1,32}$/.test(o.scheme)) return undefined;
  const features = (o.features ?? []).slice(0, 32).filter((f) => typeof f === 'string' && FEATURE_RE.test(f));
  return {
    peer,
    vmId: o.vmId,
    vcpus,
    memoryMib,
    spareVcpus,
    spareMemoryMib,
    features,
    scheme: o.scheme,
    pricePerHour: price,
  };
}
