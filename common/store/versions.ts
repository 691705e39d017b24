/**
 * Record versions by collection, then key: a lookup builds no `coll/key`
 * string (a batch of a 10,000-VM set looks up ~50,000 keys several times).
 */
export class KeyVersions {
  private readonly byColl = new Map<string, Map<string, number>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(coll: string, key: string): number | undefined {
    return this.byColl.get(coll)?.get(key);
  }

  has(coll: string, key: string): boolean {
    return this.byColl.get(coll)?.has(key) ?? false;
  }

  set(coll: string, key: string, v: number): void {
    let m = this.byColl.get(coll);
    if (!m) this.byColl.set(coll, (m = new Map()));
    if (!m.has(key)) this.count++;
    m.set(key, v);
  }

  clear(): void {
    this.byColl.clear();
    this.count = 0;
  }

  forEach(fn: (coll: string, key: string, v: number) => void): void {
    for (const [coll, m] of this.byColl) for (const [key, v] of m) fn(coll, key, v);
  }
}
