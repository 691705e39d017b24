// The notice of a recommendation (issue 15): the `reclass.recommended` event,
// and, with --reclass-webhook, a POST of the recommendation as JSON (its wire
// shape). The webhook never holds up Recommend: recommendations wait in a
// bounded queue (the oldest dropped, counted and logged, when it is full) and
// one sender posts them in turn with the usage exports' retrying POST.
import type { Logger } from '../../../common/logger.js';
import { recommendationToProto } from '../../../common/grpc/convert-reclass.js';
import type { EventLog } from '../../events/log.js';
import type { RecommendationRecord } from '../../model/reclass.js';
import { DEFAULT_POST, postWithRetries, type PostOptions } from '../../usage/destinations.js';
import type { Notifier } from '../ports.js';

export interface WebhookOptions {
  url: string;
  /** Recommendations waiting to be posted at most. */
  queueMax: number;
  post: PostOptions;
}

export const DEFAULT_WEBHOOK: Omit<WebhookOptions, 'url'> = {
  queueMax: 1000,
  post: { ...DEFAULT_POST, timeoutMs: 10_000 },
};

/** The event's attributes: snake_case, the ids here and never in the message. */
export const recommendedAttributes = (r: RecommendationRecord): Record<string, string> => ({
  recommendation_id: r.id,
  vm_id: r.vmId,
  set_id: r.setId,
  kind: r.kind,
  target: r.target.vmClass || r.target.vmId,
  cost_delta_per_month: r.benefit.costDeltaPerMonth.toFixed(2),
});

/** Tells a receiver serving several hooks what it got. */
const HEADERS = { 'x-nephele-event': 'reclass.recommended' };

export class ReclassNotifier implements Notifier {
  private readonly queue: RecommendationRecord[] = [];
  private sending?: Promise<void>;
  private stopped = false;
  readonly stats = { sent: 0, failed: 0, dropped: 0 };

  constructor(
    private readonly events: EventLog,
    private readonly log: Logger,
    private readonly webhook?: WebhookOptions,
  ) {}

  async recommended(rec: RecommendationRecord): Promise<void> {
    await this.events.append({
      type: 'reclass.recommended',
      message: 'reclassification recommended',
      tenant: rec.tenant,
      attributes: recommendedAttributes(rec),
    });
    if (!this.webhook || this.stopped) return;
    if (this.queue.length >= this.webhook.queueMax) {
      const old = this.queue.shift()!;
      this.stats.dropped++;
      this.log.warn(
        { recommendation_id: old.id, vm_id: old.vmId, dropped: this.stats.dropped, queue_max: this.webhook.queueMax },
        'reclass webhook queue full: oldest recommendation dropped',
      );
    }
    this.queue.push(rec);
    this.sending ??= this.send().finally(() => (this.sending = undefined));
  }

  /** Resolves once nothing is queued or being sent (tests). */
  async idle(): Promise<void> {
    while (this.sending) await this.sending;
  }

  /** Stops sending; what is queued is dropped (a recommendation stays listed either way). */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  private async send(): Promise<void> {
    const w = this.webhook!;
    for (let rec = this.queue.shift(); rec && !this.stopped; rec = this.queue.shift()) {
      const body = Buffer.from(JSON.stringify(recommendationToProto(rec)));
      try {
        const { attempts } = await postWithRetries(w.url, body, 'application/json', HEADERS, w.post);
        this.stats.sent++;
        this.log.debug({ recommendation_id: rec.id, attempts }, 'reclass webhook delivered');
      } catch (err) {
        this.stats.failed++;
        this.log.warn({ err, recommendation_id: rec.id, vm_id: rec.vmId }, 'reclass webhook gave up');
      }
    }
  }
}
