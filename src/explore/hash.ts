/**
 * FNV-1a, 64-bit (Fowler, Noll, Vo; offset basis and prime from the FNV reference, isthe.com/chongo/tech/comp/fnv),
 * over the text's UTF-16LE bytes (each code unit low byte, then high byte): the hash only has to be the same for the
 * same text on
 * every machine, and no node:crypto is needed, so it runs in the browser too.
 */
const OFFSET_BASIS = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = (1n << 64n) - 1n;

/** 16 hex digits: the sweep's identity for job ids and resume checks. */
export function fnv1a64(text: string): string {
  let h = OFFSET_BASIS;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    h ^= BigInt(unit & 0xff);
    h = (h * PRIME) & MASK;
    h ^= BigInt(unit >>> 8);
    h = (h * PRIME) & MASK;
  }
  return h.toString(16).padStart(16, '0');
}

/** A 32-bit mix of integers (murmur3's finaliser per word), for seeding per-index random streams. */
export function mixSeed(...words: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const word of words) {
    let k = Math.imul(word >>> 0, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
    // Indices above 2^32 still separate: fold the high part in as well.
    h ^= Math.floor(word / 4294967296);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
