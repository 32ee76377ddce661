import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sortFloat64 } from '../../../../runtimes/gbdt/core/index.js';

/** A seeded generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const hex = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

test('sortFloat64 gives Float64Array.sort bit for bit: signs, zeros, tiny, huge, repeats', () => {
  const r = rng(7);
  const special = [
    0,
    -0,
    1e308,
    -1e308,
    Infinity,
    -Infinity,
    5e-324,
    -5e-324,
    2.2250738585072014e-308,
    1,
    -1,
  ];
  for (const n of [10, 5000, 70000]) {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const u = r();
      values[i] =
        u < 0.1
          ? special[Math.floor(r() * special.length)]!
          : u < 0.4
            ? Math.floor(r() * 50) / 4 // repeats
            : (r() - 0.5) * 10 ** Math.floor(r() * 40 - 20);
    }
    const want = Float64Array.from(values).sort();
    const got = sortFloat64(values);
    assert.equal(got, values, 'sorted in place');
    assert.equal(hex(got), hex(want), `n=${n}`);
  }
});

test('sortFloat64 skips no pass it needs: low words, high words, one value for most', () => {
  const n = 6000;
  const low = new Float64Array(n);
  const high = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    low[i] = 1 + (((n - i) * 7919) % n) * 2 ** -52; // one exponent, low mantissa bits only
    high[i] = ((i * 104729) % n) - n / 2; // small integers: the high word varies
  }
  // Most values one number, so that each pass has one digit for most but not all values.
  const mostly = high.map((v, i) => (i % 5 < 3 ? 1 : v / 3));
  for (const values of [low, high, mostly]) {
    const want = Float64Array.from(values).sort();
    assert.equal(hex(sortFloat64(values)), hex(want));
  }
});
