// Group commit of the state table's writes. The reports of a fleet arrive
// together and each stores a few changed rows: while one batch is being
// written, the writes that come meanwhile wait and then go as ONE batch (one
// store write, one version check, one log append) instead of one each. In
// order (FIFO), so a later write of a row always lands after an earlier one;
// a group holds at most `maxOps` ops (memory and batch size stay bounded).
import type { Op, Store } from '../../../common/store/index.js';

export const GROUP_MAX_OPS = 2_000;

interface Waiting {
  ops: Op[];
  done(err?: unknown): void;
}

export class GroupCommit {
  private readonly queue: Waiting[] = [];
  private running = false;
  /** Store batches written (tests, metrics). */
  batches = 0;

  constructor(
    private readonly store: Pick<Store, 'batch'>,
    private readonly maxOps = GROUP_MAX_OPS,
  ) {}

  /** Writes waiting for the batch in flight. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves once `ops` are stored (with whatever else was waiting); rejects with the store's error. */
  write(ops: Op[]): Promise<void> {
    if (!ops.length) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ ops, done: (err) => (err === undefined ? resolve() : reject(err)) });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length) {
      let n = this.queue[0]!.ops.length;
      let i = 1;
      while (i < this.queue.length && n + this.queue[i]!.ops.length <= this.maxOps) n += this.queue[i++]!.ops.length;
      const group = this.queue.splice(0, i);
      try {
        await this.store.batch(group.flatMap((w) => w.ops));
        this.batches++;
        for (const w of group) w.done();
      } catch (err) {
        for (const w of group) w.done(err ?? new Error('store batch failed'));
      }
    }
    this.running = false;
  }
}
