// Binary multiples throughout ("2G" = 2 GiB, "2GB" too), as qemu and docker read them.
const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
  p: 2 ** 50,
};

const SIZE_RE = /^(\d+(?:\.\d+)?|\.\d+)\s*([kmgtp]?)(i?b)?$/i;

/**
 * Parse a byte size: "1024", "512M", "2G", "1.5GiB", "10 GB", "4096B".
 * Units are binary (K = 1024). Percentages, negatives and unknown units throw.
 */
export function parseSize(s: string): number {
  const text = String(s).trim();
  const m = SIZE_RE.exec(text);
  if (!m) {
    throw new Error(
      `invalid size ${JSON.stringify(s)}: expected a number of bytes or a number with a unit K, M, G, T or P (e.g. "512M", "1.5GiB")`,
    );
  }
  const [, num, prefix = '', suffix = ''] = m;
  // "iB" without a prefix ("10iB") is not a unit.
  if (prefix === '' && suffix.toLowerCase() === 'ib') {
    throw new Error(`invalid size ${JSON.stringify(s)}: unknown unit "${suffix}"`);
  }
  const mult = UNITS[prefix.toLowerCase()] ?? 1;
  const value = Number(num) * mult;
  if (mult === 1 && !Number.isInteger(value)) {
    throw new Error(`invalid size ${JSON.stringify(s)}: a plain byte count must be a whole number`);
  }
  if (!Number.isSafeInteger(Math.round(value))) {
    throw new Error(`invalid size ${JSON.stringify(s)}: too large`);
  }
  return Math.round(value);
}
