// Versioned rate cards: each SetRateCard stores version n+1 beside the old
// ones (an export states which card priced it, and that card stays readable).
import type { RateCard__Output } from '../../common/gen/nephele/v1/RateCard.js';
import { InvalidArgumentError, NotFoundError } from '../../common/errors.js';
import { absent, put, retryOnConflict, type Store } from '../../common/store/index.js';
import type { Clock } from '../../common/clock.js';
import type { EventLog } from '../events/log.js';
import { rateFromProto } from './convert.js';
import type { Rate, RateCard } from './model.js';

export const USAGE_RATE_CARDS = 'usage-rate-cards';
const versionKey = (v: number): string => String(v).padStart(12, '0');
/** Lines a card may hold (one per class and SLA is the most specific it gets). */
export const MAX_RATES = 200;
const CURRENCY_RE = /^[A-Z]{3}$/;

/** A card's content, validated (INVALID_ARGUMENT naming the field under `card.`). */
export function cardArg(c: RateCard__Output | null | undefined): { currency: string; rates: Rate[] } {
  if (!c) throw new InvalidArgumentError('card', 'is required');
  if (!CURRENCY_RE.test(c.currency ?? ''))
    throw new InvalidArgumentError('card.currency', 'must be an ISO 4217 code of 3 capital letters, e.g. EUR');
  const list = c.rates ?? [];
  if (list.length > MAX_RATES) throw new InvalidArgumentError('card.rates', `at most ${MAX_RATES} rates`);
  const seen = new Set<string>();
  const rates = list.map((r, i) => {
    const rate = rateFromProto(r, `card.rates[${i}]`);
    const id = `${rate.vmClass}/${rate.sla ?? ''}`;
    if (seen.has(id))
      throw new InvalidArgumentError(`card.rates[${i}]`, 'repeats the class and SLA of an earlier rate');
    seen.add(id);
    return rate;
  });
  return { currency: c.currency, rates };
}

export class RateCards {
  constructor(
    private readonly store: Store,
    private readonly events: EventLog,
    private readonly clock: Clock,
  ) {}

  /** The newest card; undefined before the first SetRateCard. */
  async current(): Promise<RateCard | undefined> {
    return (await this.store.last<RateCard>(USAGE_RATE_CARDS))?.value;
  }

  /** A version (0 = the current card), or undefined (ExportSources.getRateCard). */
  async find(version = 0): Promise<RateCard | undefined> {
    return version ? (await this.store.get<RateCard>(USAGE_RATE_CARDS, versionKey(version)))?.value : this.current();
  }

  /** A version (0 = the current card); NOT_FOUND when there is none. */
  async get(version = 0): Promise<RateCard> {
    const card = await this.find(version);
    if (!card) throw new NotFoundError(version ? 'rate card version' : 'rate card (none set yet)');
    return card;
  }

  /** Stores the card as the next version, with its audit event; `ref` records it for request_id replays. */
  async set(card: { currency: string; rates: Rate[] }, actor: string): Promise<RateCard> {
    return retryOnConflict(async () => {
      const version = ((await this.current())?.version ?? 0) + 1;
      const next: RateCard = { version, currency: card.currency, rates: card.rates, createdUnixMs: this.clock.now() };
      await this.events.commit({
        ops: [put(USAGE_RATE_CARDS, versionKey(version), next)],
        preconditions: [absent(USAGE_RATE_CARDS, versionKey(version))],
        events: [
          {
            type: 'usage.rate_card_set',
            message: 'rate card set',
            actor,
            attributes: { version: String(version), currency: card.currency, rates: String(card.rates.length) },
          },
        ],
        ref: String(version),
      });
      return next;
    });
  }
}
