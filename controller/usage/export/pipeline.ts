import type { Granularity } from '../../../common/model/enums.js';
import { FailedPreconditionError, NotFoundError } from '../../../common/errors.js';
import type { Store } from '../../../common/store/index.js';
import { matches, type RateCard, type UsageFilter } from '../model.js';
import { decodeUsage } from '../codec.js';
import { rawEntries, rawRange } from '../scan.js';
import { chunksOf, chunksOfLines, formatterFor, type ExportFormat, type Formatter } from './format.js';
import { LineView } from './line-view.js';
import type { ExportRow } from './row.js';

/** Records per scanned page: what an export holds in memory besides one chunk. */
export const EXPORT_PAGE = 2000;
/** Formatted text per page: a FOCUS record is several rows of ~1 KB, so a page is cut by size too. */
export const EXPORT_PAGE_BYTES = 64 * 1024;

/** What an export reads its rows and prices from. */
export interface ExportSources {
  store: Store;
  /** The rate card of a version, or the current one (undefined: none was ever set). SEAM: helper `query`'s RateCards. */
  getRateCard(version?: number): Promise<RateCard | undefined>;
  /** Hour and day rows (rollups). SEAM: helper `query`'s rollup module; raw rows are read here. */
  rows?: (filter: UsageFilter, granularity: Exclude<Granularity, 'raw'>) => AsyncIterable<ExportRow[]>;
}

export interface ExportRequest {
  filter: UsageFilter;
  format: ExportFormat;
  focusVersion: string;
  granularity: Granularity;
  /** 0 = the current card. */
  rateCardVersion: number;
}

/**
 * Lines of the raw records matching `filter`, in pages of `page`, from one scan: paged
 * scans (scanRaw) reopened an iterator per page and read ahead past each
 * page's end for nothing. Backpressure still holds the scan, not memory.
 */
export async function* rawPages(
  store: Store,
  filter: UsageFilter,
  fmt: Formatter,
  page = EXPORT_PAGE,
): AsyncGenerator<string[]> {
  const { coll, from, to } = rawRange(filter);
  const view = new LineView();
  let lines: string[] = [];
  let bytes = 0;
  for await (const { items } of rawEntries(store, coll, { from, to }, { keys: false })) {
    for (const value of items) {
      // A stored line the format reads in place; else (older records, quoted fields) the record.
      if (typeof value === 'string' && fmt.line && view.reset(value)) {
        if (!view.matches(filter)) continue;
        lines.push(fmt.line(view));
      } else {
        const r = decodeUsage(value);
        if (!matches(r, filter)) continue;
        lines.push(fmt.row(r));
      }
      bytes += lines[lines.length - 1]!.length;
      if (lines.length >= page || bytes >= EXPORT_PAGE_BYTES) {
        yield lines;
        lines = [];
        bytes = 0;
      }
    }
  }
  if (lines.length) yield lines;
}

/** An export ready to stream: the card that prices it and its chunks (pulled one at a time). */
export async function openExport(
  src: ExportSources,
  req: ExportRequest,
): Promise<{ card: RateCard | undefined; chunks: AsyncGenerator<{ data: Buffer; records: number }> }> {
  const card = await src.getRateCard(req.rateCardVersion || undefined);
  if (req.rateCardVersion && !card) throw new NotFoundError('rate card version');
  const fmt = formatterFor(req.format, card, req.focusVersion);
  if (req.granularity === 'raw')
    return { card, chunks: chunksOfLines(rawPages(src.store, req.filter, fmt), fmt.header()) };
  if (!src.rows)
    throw new FailedPreconditionError(`${req.granularity} exports need the rollups, which are not available yet`);
  const pages: AsyncIterable<ExportRow[]> = src.rows(req.filter, req.granularity);
  return { card, chunks: chunksOf(pages, fmt) };
}
