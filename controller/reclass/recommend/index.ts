// controller/reclass/recommend: candidates, the benefit simulation, ranking and
// anti-noise, recommendation records; Recommend/List/Get and OfferTargets.
import type { RpcLayer } from '../../rpc/handler.js';
import type { ClientIdentity } from '../../usage/push.js';
import type { ReclassDeps } from '../deps.js';
import type { Analyzer, Catalog, HostFeatures, Notifier, Recommendations } from '../ports.js';
import type { RecommendHandlers } from '../service.js';
import { peerOfferSource } from './offer.js';
import { RecStore } from './records.js';
import { DEFAULT_HEADROOM_PCT, recommendHandlers } from './rpc.js';
import { DEFAULT_MIN_DATA_HOURS, DEFAULT_WINDOW_HOURS } from '../analyze/rpc.js';
import { readFleet, recommendVms, type RunDeps } from './run.js';

export interface RecommendPart {
  recommendations: Recommendations;
  /** One Recommend run over the whole fleet (the --reclass-schedule cron). */
  recommendAll(): Promise<void>;
  handlers(layer: RpcLayer): RecommendHandlers;
}

/** VMs per page of the fleet run. */
const ALL_PAGE = 100;

export async function startRecommend(
  d: ReclassDeps & {
    analyzer: Analyzer;
    catalog: Catalog;
    hostFeatures: HostFeatures;
    notifier: Notifier;
    /** This controller's client certificate to peers (include_peers); without it no peer is asked. */
    identity?: () => ClientIdentity;
  },
): Promise<RecommendPart> {
  const log = d.log.child({ part: 'reclass-recommend' });
  const recs = new RecStore(d.store);
  const rd: RunDeps = {
    ...d,
    log,
    recs,
    peerOffers: d.identity ? peerOfferSource(d.usage.groups.peers.peers, d.identity, log) : undefined,
  };
  let running = false;
  return {
    recommendations: recs,
    async recommendAll() {
      if (running) return; // the cron never overlaps itself
      running = true;
      try {
        const fleet = await readFleet(rd);
        const tally = { analyzed: 0, recommended: 0, skipped: 0, unchanged: 0 };
        let after = '';
        do {
          const page = await d.vms.list({ after, limit: ALL_PAGE });
          const vms = page.vms.map((v) => v.vm).filter((v) => v.state !== 'destroyed' && v.desired !== 'destroyed');
          const r = await recommendVms(
            rd,
            vms,
            {
              windowHours: DEFAULT_WINDOW_HOURS,
              minDataHours: DEFAULT_MIN_DATA_HOURS,
              nowUnixMs: d.clock.now(),
              bar: DEFAULT_HEADROOM_PCT,
              includePeers: false,
            },
            fleet,
          );
          tally.analyzed += r.analyzed;
          tally.recommended += r.recs.length;
          tally.skipped += r.skipped;
          tally.unchanged += r.unchanged;
          after = page.more ? page.last : '';
        } while (after);
        log.info(tally, 'reclassification run done');
      } finally {
        running = false;
      }
    },
    handlers: (layer) => recommendHandlers(layer, rd),
  };
}
