/**
 * A small seeded PRNG (mulberry32 over a splitmix-style seed mix) for row subsampling and column
 * sampling. Every rank seeds it identically, so data-parallel ranks draw the same columns.
 */
/** The generator's first state (int32) for `keys` (what a kernel that draws the same numbers starts from). */
export function rngState(...keys: number[]): number {
  let s = 0x9e3779b9;
  for (const k of keys) {
    s = Math.imul(s ^ (k | 0), 0x85ebca6b) ^ (s >>> 13);
    s = Math.imul(s ^ (s >>> 16), 0xc2b2ae35);
  }
  return s | 0;
}

export class Rng {
  #state: number;

  /** Seeds from any number of integers (e.g. seed, round, class). */
  constructor(...keys: number[]) {
    this.#state = rngState(...keys);
  }

  /**
   * Uniform in [0, 1). The state is kept as an int32 (the same 32 bits as mulberry32's uint32: every
   * step below works modulo 2^32), which V8 stores unboxed — as a uint32 above 2^31 it was a heap
   * number allocated per draw, 4× slower.
   */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) | 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
