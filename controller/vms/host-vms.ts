// Which VMs each host should know about, in memory: the `vms-by-host` index
// as the store holds it, so a desired-state push (and the planner's per-host
// reads) need no LevelDB iterator per host. A push of a 10,000-VM set opens
// 1,000 of them, ~7 % of the controller's CPU placing it.
import { observable } from '../../common/store/observable.js';
import type { Store } from '../../common/store/index.js';

/** Entries held at most (~100 bytes each); past it the index is dropped and reads go to the store. */
export const HOST_VMS_MAX = 250_000;

/**
 * Kept in step with the store by its write observer (every committed batch, in
 * commit order, under the store's write lock), so no writer of the index can
 * be missed. Built by one scan on first use; keys a commit touched while the
 * scan ran keep the committed state. A failed write (what it wrote is unknown)
 * drops it and the next read rebuilds it. Without an observable store, or past
 * `max` entries, `ids` answers undefined and the caller scans the store.
 */
export class HostVms {
  private readonly byHost = new Map<string, Set<string>>();
  private entries = 0;
  private state: 'empty' | 'loading' | 'ready' | 'off' = 'empty';
  private loading?: Promise<void>;
  /** Bumped by every reset: a scan started before it keeps nothing. */
  private gen = 0;
  /** Keys committed while the scan runs: the scan does not overwrite them. */
  private touched?: Set<string>;

  constructor(
    private readonly store: Store,
    private readonly coll: string,
    private readonly max = HOST_VMS_MAX,
  ) {
    if (!observable(store)) {
      this.state = 'off';
      return;
    }
    store.observeWrites((ops) => {
      if (this.state === 'empty' || this.state === 'off') return;
      for (const op of ops) {
        if (op.coll !== this.coll) continue;
        this.touched?.add(op.key);
        if (op.type === 'put') this.add(op.key);
        else this.remove(op.key);
      }
    });
    store.onWriteFailure(() => {
      if (this.state !== 'off') this.reset();
    });
  }

  /** Entries held now. */
  get size(): number {
    return this.entries;
  }

  /** A host's VM ids in key order (as a scan of the index lists them), or undefined: scan the store. */
  async ids(hostId: string): Promise<string[] | undefined> {
    if (this.state === 'off') return undefined;
    if (this.state !== 'ready') await this.load();
    if (this.state !== 'ready') return undefined;
    const s = this.byHost.get(hostId);
    return s ? [...s].sort() : [];
  }

  private load(): Promise<void> {
    if (this.loading) return this.loading;
    this.state = 'loading';
    this.touched = new Set();
    const gen = ++this.gen;
    const p = this.scan(gen).finally(() => {
      if (this.gen !== gen) return; // reset meanwhile: that reset cleared these
      this.loading = undefined;
      this.touched = undefined;
    });
    this.loading = p;
    return p;
  }

  private async scan(gen: number): Promise<void> {
    try {
      for await (const { key } of this.store.scan(this.coll)) {
        if (this.gen !== gen) return; // reset meanwhile
        if (!this.touched!.has(key)) this.add(key);
      }
      if (this.gen === gen && this.state === 'loading') this.state = 'ready';
    } catch {
      // Unreadable store: nothing kept; reads scan the store (and fail there with the reason).
      if (this.gen === gen) this.reset();
    }
  }

  private reset(): void {
    this.gen++;
    this.byHost.clear();
    this.entries = 0;
    this.state = 'empty';
    this.loading = undefined;
    this.touched = undefined;
  }

  private add(key: string): void {
    const slash = key.indexOf('/');
    if (slash < 0) return;
    const host = key.slice(0, slash);
    let s = this.byHost.get(host);
    if (!s) this.byHost.set(host, (s = new Set()));
    const id = key.slice(slash + 1);
    if (s.has(id)) return;
    s.add(id);
    if (++this.entries > this.max) {
      // Too large to hold: off for good (reads scan the store, as before the index).
      this.reset();
      this.state = 'off';
    }
  }

  private remove(key: string): void {
    const slash = key.indexOf('/');
    if (slash < 0) return;
    const host = key.slice(0, slash);
    const s = this.byHost.get(host);
    if (!s?.delete(key.slice(slash + 1))) return;
    this.entries--;
    if (!s.size) this.byHost.delete(host);
  }
}
