// Time as a dependency, so timing logic (liveness, retention, backoff) runs under
// a fake clock in unit tests.

export interface Timer {
  cancel(): void;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): Timer;
  setInterval(fn: () => void, ms: number): Timer;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
  setInterval(fn, ms) {
    const t = setInterval(fn, ms);
    t.unref?.();
    return { cancel: () => clearInterval(t) };
  },
};

interface Pending {
  at: number;
  fn: () => void;
  every: number; // 0 = one-shot
  id: number;
}

/** A manual clock: time moves only when advance() is called. */
export class FakeClock implements Clock {
  private t: number;
  private pending: Pending[] = [];
  private nextId = 1;
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): Timer {
    return this.add(fn, ms, 0);
  }
  setInterval(fn: () => void, ms: number): Timer {
    return this.add(fn, ms, Math.max(1, ms));
  }
  private add(fn: () => void, ms: number, every: number): Timer {
    const p: Pending = { at: this.t + Math.max(0, ms), fn, every, id: this.nextId++ };
    this.pending.push(p);
    return { cancel: () => (this.pending = this.pending.filter((x) => x !== p)) };
  }
  /** Moves time forward, firing due timers in time order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.pending.filter((p) => p.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.t = Math.max(this.t, due.at);
      if (due.every) due.at += due.every;
      else this.pending = this.pending.filter((x) => x !== due);
      due.fn();
    }
    this.t = end;
  }
}
