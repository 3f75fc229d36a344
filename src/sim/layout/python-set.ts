/**
 * The iteration order of a CPython set of non-negative integers (or integral floats) built by adding
 * them one by one. SCALE-Sim v3's layout model takes a word's column in its SRAM line from
 * `list(line_set).index(addr)`, so the bank a word lands in depends on this order. Re-derived from
 * CPython's set table (Objects/setobject.c, 3.x): open addressing over 2^k slots (8 at first), 9 linear
 * probes then a perturbed jump, grown to the smallest power of two above 4 x used once 5 x fill reaches
 * 3 x mask. A value's hash is the value itself below 2^61 - 1.
 */
import { SimError } from '../errors.js';

const MIN_SIZE = 8;
const LINEAR_PROBES = 9;
/** perturb >>= 5, as a division: hashes stay below 2^53, so Number arithmetic is exact. */
const PERTURB_DIVISOR = 32;
const MAX_EXACT_HASH = 2 ** 53;

/** Slot of `hash` in `table` (EMPTY = -1) by CPython's probe sequence: the first empty slot. */
function freeSlot(table: Float64Array, hash: number): number {
  const mask = table.length - 1;
  let perturb = hash;
  let i = hash % table.length;
  for (;;) {
    const probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0;
    for (let j = 0; j <= probes; j++) if (table[i + j] === -1) return i + j;
    perturb = Math.floor(perturb / PERTURB_DIVISOR);
    // & mask on a power-of-two table is % size for the non-negative sums here.
    i = (i * 5 + 1 + perturb) % table.length;
  }
}

/** `values` in the order `list(set(values))` yields them, values distinct and added in the given order. */
export function pythonSetOrder(values: ArrayLike<number>): number[] {
  let table = new Float64Array(MIN_SIZE).fill(-1);
  let used = 0;
  for (let v = 0; v < values.length; v++) {
    const value = values[v]!;
    if (!Number.isInteger(value) || value < 0 || value >= MAX_EXACT_HASH)
      throw new SimError('bad_address', `address ${value} must be an integer from 0 to 2^53`);
    table[freeSlot(table, value)] = value;
    used++;
    // The resize test counts filled slots (no deletions here, so fill = used).
    if (used * 5 >= (table.length - 1) * 3) {
      let size = MIN_SIZE;
      while (size <= used * 4) size *= 2;
      const old = table;
      table = new Float64Array(size).fill(-1);
      for (const key of old) if (key !== -1) table[freeSlot(table, key)] = key;
    }
  }
  return Array.from(table).filter((key) => key !== -1);
}
