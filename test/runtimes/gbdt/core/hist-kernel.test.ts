import assert from 'node:assert/strict';
import { test } from 'node:test';
import { histKernel } from '../../../../runtimes/gbdt/core/histogram.js';

test('a wide matrix accumulated in feature blocks gives exactly the one-loop histogram', () => {
  const rows = 3000;
  const cols = 100;
  const bins = 7;
  const codes = new Uint8Array(rows * cols);
  const gh = new Float32Array(2 * rows);
  let x = 12345;
  const rand = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x / 2 ** 32;
  };
  for (let i = 0; i < codes.length; i++) codes[i] = Math.floor(rand() * bins);
  for (let i = 0; i < gh.length; i++) gh[i] = Math.fround(rand() - 0.3);
  const featOff = Int32Array.from({ length: cols }, (_, f) => 2 * bins * f);
  const one = new Float64Array(2 * bins * cols + 8);
  const blocked = new Float64Array(one.length);
  histKernel(featOff, cols, cols)(codes, gh, 100, rows, one, 8);
  histKernel(featOff, cols, 32)(codes, gh, 100, rows, blocked, 8);
  assert.deepEqual(blocked, one);
  assert.ok(one.some((v) => v !== 0));
});
