/**
 * The stored JSON of keys this store wrote lately (root-database key → the
 * exact string LevelDB holds), so reads of hot records (a VM a host reports
 * on, the VMs a desired-state push lists) skip a LevelDB round trip. Filled
 * only by writes, after they committed, under the store's write lock; every
 * write goes through the one store instance, so an entry is never stale.
 * Never filled by reads: a read that overlapped a write could store the value
 * the write replaced. Readers get a fresh parse, never a shared object.
 * Bounded by characters held, oldest written first out.
 */
export class ValueCache {
  private readonly map = new Map<string, string>();
  private chars = 0;

  constructor(private readonly maxChars: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: string): string | undefined {
    return this.map.get(key);
  }

  set(key: string, json: string): void {
    this.delete(key);
    if (json.length > this.maxChars) return;
    this.map.set(key, json);
    this.chars += key.length + json.length;
    if (this.chars <= this.maxChars) return;
    for (const [k, v] of this.map) {
      if (this.chars <= this.maxChars) break;
      this.map.delete(k);
      this.chars -= k.length + v.length;
    }
  }

  delete(key: string): void {
    const old = this.map.get(key);
    if (old === undefined) return;
    this.map.delete(key);
    this.chars -= key.length + old.length;
  }

  clear(): void {
    this.map.clear();
    this.chars = 0;
  }
}
