// The one seeded PRNG of the tests and benchmarks: a failure or a figure is
// reproducible from its seed. mulberry32: 32 bits of state, fast, and good
// enough for generating fleets, requests and fuzz cases (not for secrets).

/** mulberry32's raw stream: uniform 32-bit unsigned integers. */
export function mulberry32u(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Floats in [0, 1), a drop-in for Math.random (e.g. place()'s rng). */
export function mulberry32(seed: number): () => number {
  const next = mulberry32u(seed);
  return () => next() / 0x1_0000_0000;
}

/** The same stream with the draws generators want. */
export class Rng {
  readonly u32: () => number;

  constructor(seed: number) {
    this.u32 = mulberry32u(seed);
  }

  float(): number {
    return this.u32() / 0x1_0000_0000;
  }

  /** 0 ≤ n < max */
  int(max: number): number {
    return max <= 0 ? 0 : Math.floor(this.float() * max);
  }

  /** lo ≤ n ≤ hi */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(arr: readonly T[]): T {
    if (arr.length === 0) throw new Error('pick from empty array');
    return arr[this.int(arr.length)]!;
  }

  weighted<T>(entries: readonly (readonly [number, T])[]): T {
    const total = entries.reduce((s, [w]) => s + w, 0);
    let x = this.float() * total;
    for (const [w, v] of entries) {
      if ((x -= w) < 0) return v;
    }
    return entries[entries.length - 1]![1];
  }

  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i += 4) {
      const v = this.u32();
      for (let j = 0; j < 4 && i + j < n; j++) b[i + j] = (v >>> (8 * j)) & 0xff;
    }
    return b;
  }

  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }

  /** Log-uniform size in [lo, hi]: most small, some large. */
  logSize(lo: number, hi: number): number {
    return Math.min(hi, Math.floor(Math.exp(Math.log(lo) + this.float() * (Math.log(hi) - Math.log(lo)))));
  }
}
