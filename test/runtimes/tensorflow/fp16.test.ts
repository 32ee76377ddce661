/** Half-precision coding for gradients on the wire: exact where binary16 is, nearest-even otherwise. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addHalves, encodeHalves, toHalf } from '../../../runtimes/tensorflow/fp16.js';

test('known bit patterns: 1, −2, 65504, overflow, smallest subnormal, NaN, ties to even', () => {
  assert.equal(toHalf(1), 0x3c00);
  assert.equal(toHalf(-2), 0xc000);
  assert.equal(toHalf(65504), 0x7bff);
  assert.equal(toHalf(65520), 0x7c00); // rounds up to Infinity
  assert.equal(toHalf(2 ** -24), 0x0001);
  assert.equal(toHalf(2 ** -26), 0x0000);
  assert.equal(toHalf(Number.NaN) & 0x7e00, 0x7e00);
  assert.equal(toHalf(1 + 2 ** -11), 0x3c00); // halfway between 1 and the next half: even (1)
  assert.equal(toHalf(1 + 3 * 2 ** -11), 0x3c02); // halfway, odd below: rounds up
});

test('round trip: within half an ulp (relative 2^-11, or 2^-25 for subnormals), exact for halves; sums add', () => {
  const n = 20000;
  const src = new Float32Array(n);
  let s = 99;
  for (let i = 0; i < n; i++) {
    s = (s * 48271) % 2147483647;
    src[i] = ((s / 2147483647) * 2 - 1) * 2 ** ((i % 30) - 14);
  }
  const h = new Uint16Array(n);
  encodeHalves(src, h);
  const back = new Float32Array(n);
  addHalves(h, back);
  for (let i = 0; i < n; i++) {
    const err = Math.abs(back[i]! - src[i]!);
    // Normal halves: half an ulp relative; subnormals (below 2^-14): half of 2^-24 absolute.
    if (Math.abs(src[i]!) >= 2 ** -14)
      assert.ok(err / Math.abs(src[i]!) <= 2 ** -11 + 1e-12, `${src[i]} → ${back[i]}`);
    else assert.ok(err <= 2 ** -25, `${src[i]} → ${back[i]}`);
    assert.equal(toHalf(back[i]!), h[i], 'a half survives the round trip exactly');
  }
  addHalves(h, back);
  for (let i = 0; i < 10; i++) assert.equal(back[i], 2 * Math.fround(back[i]! / 2));
});
