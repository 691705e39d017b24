import type { UsageServiceHandlers } from '../../common/gen/nephele/v1/UsageService.js';
import type { Store } from '../../common/store/index.js';
import { pageSize } from '../../common/validate.js';
import { unaryRpc, type RpcLayer } from '../rpc/handler.js';
import { filterFromProto, granularityArg, groupByArg, rateCardToProto, rowToProto } from './convert.js';
import { decodeCursor, encodeCursor, queryUsage, type UsageQuery } from './query.js';
import { cardArg, type RateCards } from './rates.js';

// QueryUsage, SetRateCard, GetRateCard: thin handlers (validate, call, convert).

export function queryHandlers(
  layer: RpcLayer,
  store: Store,
  rates: RateCards,
): Pick<UsageServiceHandlers, 'QueryUsage' | 'SetRateCard' | 'GetRateCard'> {
  return {
    QueryUsage: unaryRpc(layer, 'UsageService.QueryUsage', async (req, ctx) => {
      const q: UsageQuery = {
        filter: filterFromProto(req.filter, ctx.scope),
        granularity: granularityArg(req.granularity),
        groupBy: groupByArg(req.groupBy),
        pageSize: pageSize(req.pageSize),
      };
      const { rows, next } = await queryUsage(store, q, decodeCursor(q, req.pageToken ?? ''));
      return { rows: rows.map(rowToProto), nextPageToken: encodeCursor(q, next) };
    }),
    SetRateCard: unaryRpc(
      layer,
      'UsageService.SetRateCard',
      async (req, ctx) => ({ card: rateCardToProto(await rates.set(cardArg(req.card), ctx.actor)) }),
      async (ref, req) => {
        cardArg(req.card);
        return { card: rateCardToProto(await rates.get(Number(ref))) };
      },
    ),
    GetRateCard: unaryRpc(layer, 'UsageService.GetRateCard', async (req) => {
      const version = Number(req.version ?? 0);
      return { card: rateCardToProto(await rates.get(version)) };
    }),
  };
}
