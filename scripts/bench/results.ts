import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Table from 'cli-table3';

/** One benchmark figure, as stored in bench/results.json. */
export interface Figure {
  value: number;
  unit: string;
}

export type Figures = Record<string, Figure>;

/** The middle value (the upper one of an even count). */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export function fig(value: number, unit: string, digits = 2): Figure {
  const f = 10 ** digits;
  return { value: Math.round(value * f) / f, unit };
}

/**
 * Merges `figures` into the JSON object at `path` (figures of other benchmarks
 * stay as they are) and writes it back atomically.
 */
export function mergeResults(path: string, figures: Figures): Figures {
  let all: Figures = {};
  if (existsSync(path)) {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${path} is not a JSON object`);
    all = parsed as Figures;
  }
  all = { ...all, ...figures };
  const sorted = Object.fromEntries(Object.entries(all).sort(([a], [b]) => a.localeCompare(b)));
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(sorted, null, 2) + '\n');
  renameSync(tmp, path);
  return sorted;
}

export function summaryTable(figures: Figures): string {
  const t = new Table({ head: ['figure', 'value', 'unit'], colAligns: ['left', 'right', 'left'], style: { head: [], border: [] } });
  for (const [name, f] of Object.entries(figures)) t.push([name, f.value.toLocaleString('en-US', { maximumFractionDigits: 2 }), f.unit]);
  return t.toString();
}
