import { InvalidArgumentError } from '../../../common/errors.js';
import type { RateCard } from '../model.js';
import { csvFormatter } from './csv.js';
import { focusFormatter } from './focus.js';
import { jsonlFormatter } from './jsonl.js';
import type { LineView } from './line-view.js';
import { Pricer, type ExportRow } from './row.js';

export const EXPORT_FORMATS = ['csv', 'jsonl', 'focus'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Turns rows into text: a header (may be ''), then the lines of each row. */
export interface Formatter {
  header(): string;
  row(r: ExportRow): string;
  /** The same text as row() of the decoded record, from a stored record line (formats that can). */
  line?(v: LineView): string;
}

export function formatArg(v: unknown, field = 'format'): ExportFormat {
  const s = typeof v === 'string' ? v.toLowerCase() : v;
  if (typeof s !== 'string' || !(EXPORT_FORMATS as readonly string[]).includes(s))
    throw new InvalidArgumentError(field, `must be one of ${EXPORT_FORMATS.join(', ')}`);
  return s as ExportFormat;
}

export function formatterFor(format: ExportFormat, card: RateCard | undefined, focusVersion = ''): Formatter {
  const pricer = new Pricer(card);
  if (format === 'csv') return csvFormatter(pricer);
  if (format === 'jsonl') return jsonlFormatter(pricer);
  return focusFormatter(pricer, focusVersion);
}

/** Bytes per chunk of an export (the gRPC message and the unit of backpressure). */
export const CHUNK_BYTES = 64 * 1024;

/**
 * Pages of rows in, chunks of about CHUNK_BYTES of text out (header first).
 * Lines are gathered in an array and joined once per chunk.
 */
export async function* chunksOf(
  pages: AsyncIterable<ExportRow[]>,
  fmt: Formatter,
  chunkBytes = CHUNK_BYTES,
): AsyncGenerator<{ data: Buffer; records: number }> {
  async function* lines() {
    for await (const page of pages) yield page.map((r) => fmt.row(r));
  }
  yield* chunksOfLines(lines(), fmt.header(), chunkBytes);
}

/** chunksOf for rows already formatted (one string per record). */
export async function* chunksOfLines(
  pages: AsyncIterable<string[]>,
  head: string,
  chunkBytes = CHUNK_BYTES,
): AsyncGenerator<{ data: Buffer; records: number }> {
  let parts: string[] = [];
  let size = 0;
  let records = 0;
  if (head) {
    parts.push(head);
    size = head.length;
  }
  for await (const page of pages) {
    for (const line of page) {
      parts.push(line);
      size += line.length;
      records++;
      if (size >= chunkBytes) {
        yield { data: Buffer.from(parts.join('')), records };
        parts = [];
        size = 0;
        records = 0;
      }
    }
  }
  if (parts.length) yield { data: Buffer.from(parts.join('')), records };
}
