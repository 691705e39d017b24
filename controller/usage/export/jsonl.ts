import type { Formatter } from './format.js';
import { IsoCache, type ExportRow, type Pricer } from './row.js';

/** One JSON object per line: the record as stored (camelCase as on the wire's JSON), with its cost. */
export function jsonlFormatter(pricer: Pricer): Formatter {
  const t = new IsoCache();
  return {
    header: () => '',
    row(r: ExportRow): string {
      return (
        JSON.stringify({
          ...r,
          start: t.iso(r.startUnixMs),
          end: t.iso(r.endUnixMs),
          cost: pricer.cost(r),
          currency: pricer.currency,
          rateCardVersion: pricer.version,
        }) + '\n'
      );
    },
  };
}
