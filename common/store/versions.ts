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

/**
 * A batch's result (`coll/key` → new version) built only when read: most
 * callers never look (a placement round writes ~50,000 keys, a report burst a
 * few per VM), and building the `coll/key` strings and the map cost ~1 µs a key.
 * A real Map: every way of reading it fills it first.
 */
export class WrittenVersions extends Map<string, number> {
  /** coll, key, version, coll, key, version, …: no object per key. */
  private todo: (string | number)[] | undefined = [];

  /** Records a written key (a later note of the same key wins, as Map.set would). */
  note(coll: string, key: string, v: number): void {
    if (this.todo) this.todo.push(coll, key, v);
    else super.set(`${coll}/${key}`, v);
  }

  private fill(): void {
    const todo = this.todo;
    if (!todo) return;
    this.todo = undefined;
    for (let i = 0; i < todo.length; i += 3)
      super.set(`${todo[i] as string}/${todo[i + 1] as string}`, todo[i + 2] as number);
  }

  override get size(): number {
    this.fill();
    return super.size;
  }
  override get(k: string): number | undefined {
    this.fill();
    return super.get(k);
  }
  override has(k: string): boolean {
    this.fill();
    return super.has(k);
  }
  override set(k: string, v: number): this {
    this.fill();
    return super.set(k, v);
  }
  override delete(k: string): boolean {
    this.fill();
    return super.delete(k);
  }
  override clear(): void {
    this.todo = undefined;
    super.clear();
  }
  override forEach(fn: (v: number, k: string, m: Map<string, number>) => void, self?: unknown): void {
    this.fill();
    super.forEach(fn, self);
  }
  override entries(): MapIterator<[string, number]> {
    this.fill();
    return super.entries();
  }
  override keys(): MapIterator<string> {
    this.fill();
    return super.keys();
  }
  override values(): MapIterator<number> {
    this.fill();
    return super.values();
  }
  override [Symbol.iterator](): MapIterator<[string, number]> {
    this.fill();
    return super[Symbol.iterator]();
  }
}
