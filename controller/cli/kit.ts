// What every command group gets from main.ts: a client built from the global
// flags, output in the chosen format, and paging through a listing.
import type { AdminClient } from './client.js';

export interface CliKit {
  withClient<T>(fn: (c: AdminClient) => Promise<T>): Promise<T>;
  out(data: unknown, human: () => string): void;
  listAll<T>(page: (token: string) => Promise<{ items: T[]; next: string }>): Promise<T[]>;
  /** --json was given. */
  json(): boolean;
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
