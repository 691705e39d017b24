// controller/reclass/classes: the class catalog, class prices, host features,
// per-set policies, the notice (event + webhook, controller/reclass/notice) and
// the schedule: --reclass-schedule runs recommendAll on its cron, and the
// auto-apply loop schedules and applies what opted-in sets allow.
import type { ScheduledTask } from 'node-cron';
import type { RpcLayer } from '../../rpc/handler.js';
import type { ReclassDeps } from '../deps.js';
import type { Applier, Catalog, HostFeatures, Notifier, ReclassPolicies, Recommendations } from '../ports.js';
import type { ClassHandlers } from '../service.js';
import { DEFAULT_WEBHOOK, ReclassNotifier } from '../notice/notifier.js';
import { ClassCatalog } from './catalog.js';
import { hostFeatures } from './features.js';
import { ReclassPolicyBook } from './policies.js';
import { classHandlers } from './handlers.js';
import { AutoApplier } from './auto-apply.js';
import { scheduleRecommend } from './schedule.js';

export interface ClassesPart {
  catalog: Catalog;
  hostFeatures: HostFeatures;
  policies: ReclassPolicies;
  notifier: Notifier;
  handlers(layer: RpcLayer): ClassHandlers;
  /** Starts the schedule and the auto-apply loop (late: they need the other parts). */
  start(late: { applier: Applier; recommendations: Recommendations; recommendAll(): Promise<void> }): Promise<void>;
  stop(): Promise<void>;
}

export async function startClasses(d: ReclassDeps): Promise<ClassesPart> {
  const log = d.log.child({ component: 'reclass' });
  const catalog = new ClassCatalog(d.store, d.events, d.clock, log);
  await catalog.seed();
  const policies = new ReclassPolicyBook(d.store, d.events, d.clock);
  const notifier = new ReclassNotifier(
    d.events,
    log,
    d.cfg.webhook ? { ...DEFAULT_WEBHOOK, url: d.cfg.webhook } : undefined,
  );
  let task: ScheduledTask | undefined;
  let auto: AutoApplier | undefined;
  return {
    catalog,
    hostFeatures,
    policies,
    notifier,
    handlers: (layer) => classHandlers(layer, { catalog, policies, rates: d.usage.groups.query.rates }),
    async start(late) {
      if (d.cfg.schedule) task = scheduleRecommend(d.cfg.schedule, late.recommendAll, log);
      auto = new AutoApplier({ store: d.store, clock: d.clock, log, policies, ...late });
      auto.start();
    },
    async stop() {
      await task?.destroy();
      notifier.stop();
      await auto?.stop();
    },
  };
}
