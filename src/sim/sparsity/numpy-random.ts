/**
 * numpy's legacy global generator (`np.random.seed(s)`, `np.random.randint(lo, hi)`), enough of it to
 * draw the same integers SCALE-Sim v3 draws for row-wise sparsity: MT19937 seeded with the reference
 * `init_genrand`, and bounded integers by masked rejection on 32-bit outputs (numpy's legacy
 * `_rand_int64` path for a range below 2^32). Deterministic and seedable; no global state.
 */

const N = 624;
const M = 397;

export class LegacyNumpyRandom {
  private readonly state = new Uint32Array(N);
  private index = N;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
      throw new RangeError(`seed must be an integer from 0 to 2^32 - 1, got ${seed}`);
    this.state[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = this.state[i - 1]! ^ (this.state[i - 1]! >>> 30);
      // 1812433253 * prev mod 2^32, split to stay exact in doubles.
      this.state[i] = ((((prev & 0xffff0000) >>> 16) * 1812433253) << 16) + (prev & 0x0000ffff) * 1812433253 + i;
    }
  }

  /** The next 32-bit output of MT19937 (genrand_int32). */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `randint(low, high)`: an integer in [low, high), as numpy's legacy RandomState draws it. */
  randint(low: number, high: number): number {
    if (!(high > low)) throw new RangeError(`randint needs low < high, got [${low}, ${high})`);
    const range = high - 1 - low;
    if (range === 0) return low; // numpy returns low without drawing
    if (range > 0xfffffffe) throw new RangeError('randint ranges of 2^32 or more are not modelled');
    let mask = range;
    for (let shift = 1; shift <= 16; shift *= 2) mask |= mask >>> shift;
    mask >>>= 0;
    for (;;) {
      const value = (this.nextUint32() & mask) >>> 0;
      if (value <= range) return low + value;
    }
  }

  private twist(): void {
    const s = this.state;
    for (let i = 0; i < N; i++) {
      const y = (s[i]! & 0x80000000) | (s[(i + 1) % N]! & 0x7fffffff);
      s[i] = s[(i + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }
}
