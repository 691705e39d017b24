import { hourOf, pad13 } from './model.js';

// Raw usage records stored PACKED: one store entry per accepted UsageBatch and
// hour, its value the records' v1 lines (codec.ts) one after another. A million
// records were a million LevelDB entries, each read, parsed and written on its
// own: an ordered scan of them alone ran at ~160-200k/s, below what an export
// must reach, and ingest wrote 100 keys per batch. Packed, a scan reads a
// hundred records per entry and ingest writes one key per batch and hour.
//
// Key `pad13(first start)/host/seq/part`: the '/' at position 13 tells a block
// from a record stored alone (`pad13(start).host.vm`, written before, and the
// monitor's action records) in the same collection, and sorts the blocks of a
// time among the records of that time. Every record of a block starts in the
// hour of its first start, so the blocks of hour H are exactly the keys in
// [pad13(H), pad13(H + 1h)) that are blocks: a rollup of H reads them, a
// time-range scan starts at the hour of its `from`, and retention deletes whole
// blocks of hours past it. (host, seq) is stored once (the ack record fences
// it), so a key is never written twice.

/** Leads a block's value: a later layout takes the next number. */
const B1 = 'B1\n';
/** The character at KEY_MARK_AT in a block's key ('.' there: a record stored alone). */
const BLOCK_MARK = '/';
const KEY_MARK_AT = 13;

export const isBlockKey = (key: string): boolean => key.charCodeAt(KEY_MARK_AT) === 47; /* '/' */

export const blockKey = (firstStartUnixMs: number, hostId: string, seq: number, part: number): string =>
  `${pad13(firstStartUnixMs)}${BLOCK_MARK}${hostId}${BLOCK_MARK}${pad13(seq)}${BLOCK_MARK}${part}`;

export const isBlock = (v: unknown): v is string => typeof v === 'string' && v.startsWith(B1);

/** One block: its key and its value. */
export interface Block {
  key: string;
  value: string;
  records: number;
}

/**
 * The blocks of one batch: its records' encoded lines grouped by the hour they
 * start in (in the batch's order within each), one block per hour. `lines[i]`
 * is the v1 line of a record starting at `starts[i]`.
 */
export function packBlocks(hostId: string, seq: number, starts: readonly number[], lines: readonly string[]): Block[] {
  const byHour = new Map<number, { first: number; lines: string[] }>();
  for (let i = 0; i < lines.length; i++) {
    const h = hourOf(starts[i]!);
    const b = byHour.get(h);
    if (!b) byHour.set(h, { first: starts[i]!, lines: [lines[i]!] });
    else {
      b.first = Math.min(b.first, starts[i]!);
      b.lines.push(lines[i]!);
    }
  }
  const out: Block[] = [];
  let part = 0;
  // Joined now, into one flat string: the lines are garbage at once, not held (as a rope) until the batch is written.
  for (const b of byHour.values())
    out.push({
      key: blockKey(b.first, hostId, seq, part++),
      value: `${B1}${b.lines.join('\n')}\n`,
      records: b.lines.length,
    });
  return out;
}

/**
 * Calls `fn(start, end)` with the bounds of each record line of a block, in
 * order. A line holds a line break only inside a quoted field (codec.ts esc),
 * so a break ends a line when the quotes before it on the line are balanced.
 */
export function forEachLine(block: string, fn: (start: number, end: number) => void): void {
  if (!block.startsWith(B1)) throw new Error(`usage block in an unknown stored format (${block.slice(0, 8)})`);
  const quoted = block.includes('"', B1.length);
  let p = B1.length;
  while (p < block.length) {
    let e = block.indexOf('\n', p);
    if (e < 0) throw new Error('usage block with an unterminated line');
    if (quoted)
      while (quotesIn(block, p, e) % 2) {
        e = block.indexOf('\n', e + 1);
        if (e < 0) throw new Error('usage block with an unterminated quoted field');
      }
    fn(p, e);
    p = e + 1;
  }
}

function quotesIn(s: string, from: number, to: number): number {
  let n = 0;
  for (let q = s.indexOf('"', from); q >= 0 && q < to; q = s.indexOf('"', q + 1)) n++;
  return n;
}

/** The record lines of a block (a copy each: for readers that keep them). */
export function blockLines(block: string): string[] {
  const out: string[] = [];
  forEachLine(block, (s, e) => out.push(block.slice(s, e)));
  return out;
}
