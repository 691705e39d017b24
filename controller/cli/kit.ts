// What every command group gets from main.ts: a client built from the global
// flags, output in the chosen format, and paging through a listing.
import type { AdminClient } from './client.js';
import type { View } from './format.js';
import { formatOf, render, type Format, type OutputFlags } from './output.js';

export interface CliKit {
  withClient<T>(fn: (c: AdminClient) => Promise<T>): Promise<T>;
  /** The result on stdout, in the chosen format; `human` lays out table/wide. */
  out(data: unknown, human: (v: View) => string): void;
  /** What out() would print (without the final newline). */
  text(data: unknown, human: (v: View) => string): string;
  listAll<T>(page: (token: string) => Promise<{ items: T[]; next: string }>): Promise<T[]>;
  /** --json (or -o json) was given. */
  json(): boolean;
  /** -q: print only ids (or a token's secret). */
  quiet(): boolean;
  format(): Format;
  /** A note for people, never part of the result: on stderr. */
  note(text: string): void;
}

/** The output half of the kit, from the global flags. */
export function outputKit(
  flags: () => OutputFlags,
): Pick<CliKit, 'out' | 'text' | 'json' | 'quiet' | 'format' | 'note'> {
  return {
    out(data, human) {
      const text = render(flags(), data, human);
      if (text) process.stdout.write(text + '\n');
    },
    text: (data, human) => render(flags(), data, human),
    json: () => formatOf(flags()) === 'json',
    quiet: () => !!flags().quiet,
    format: () => formatOf(flags()),
    note: (text) => void process.stderr.write(text + '\n'),
  };
}

/** Commander's accumulator for a repeatable option. */
export const collect = (v: string, prev: string[]): string[] => [...prev, v];

export async function listAll<T>(page: (token: string) => Promise<{ items: T[]; next: string }>): Promise<T[]> {
  const all: T[] = [];
  let token = '';
  do {
    const r = await page(token);
    all.push(...r.items);
    token = r.next;
  } while (token);
  return all;
}
