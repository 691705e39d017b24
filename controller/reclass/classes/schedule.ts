// --reclass-schedule: Recommend over the fleet on a node-cron schedule. A run
// still going when the cron fires again is not started twice (noOverlap).
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../../../common/logger.js';

export function scheduleRecommend(expr: string, recommendAll: () => Promise<void>, log: Logger): ScheduledTask {
  return cron.schedule(
    expr,
    async () => {
      const started = performance.now();
      log.info({ schedule: expr }, 'scheduled reclassification run');
      try {
        await recommendAll();
        log.info({ duration_ms: Math.round(performance.now() - started) }, 'scheduled reclassification done');
      } catch (err) {
        log.error({ err }, 'scheduled reclassification failed');
      }
    },
    { noOverlap: true, name: 'reclass-recommend' },
  );
}
