import { randomBytes } from 'node:crypto';

// ULIDs: 26 chars, Crockford base32, sortable by creation time, so store keys
// made from them are fixed-width and ordered.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let lastTime = -1;
let lastRandom: number[] = [];

function encodeTime(t: number): string {
  let s = '';
  for (let i = 0; i < 10; i++) {
    s = ALPHABET[t % 32] + s;
    t = Math.floor(t / 32);
  }
  return s;
}

/** Monotonic within a process: ids made in the same millisecond still sort. */
export function ulid(now = Date.now()): string {
  if (now === lastTime) {
    for (let i = lastRandom.length - 1; i >= 0; i--) {
      if (lastRandom[i]! < 31) {
        lastRandom[i]!++;
        break;
      }
      lastRandom[i] = 0;
    }
  } else {
    lastTime = now;
    const b = randomBytes(16);
    lastRandom = Array.from(b, (x) => x % 32);
  }
  return encodeTime(now) + lastRandom.map((x) => ALPHABET[x]).join('');
}

export const ULID_RE = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** Zero-padded decimal, so numeric keys sort as strings. */
export function seqKey(n: number): string {
  return n.toString().padStart(16, '0');
}
