import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Cuts } from '../../../../runtimes/gbdt/core/cuts.js';
import { calcWeight, emptySplit, findBestSplit } from '../../../../runtimes/gbdt/core/split.js';

const p = { lambda: 1, alpha: 0, maxDeltaStep: 0, minChildWeight: 1 };

test('split gain matches a hand-computed example', () => {
  // One feature, three bins with (g, h): (−4, 2), (1, 2), (5, 3); no missing. G = 2, H = 7.
  const cuts: Cuts = {
    numFeature: 1,
    ptrs: Uint32Array.of(0, 3),
    values: Float32Array.of(1, 2, 3.5),
    minValues: Float32Array.of(-1),
    hasMissing: Uint8Array.of(0),
  };
  const hist = Float64Array.of(-4, 2, 1, 2, 5, 3, 0, 0);
  const out = emptySplit();
  findBestSplit(p, cuts, Uint32Array.of(0, 4), hist, 0, 2, 7, Uint8Array.of(1), out);
  // After bin 0: 16/3 + 36/6 − 4/8 = 10.8333; after bin 1: 9/5 + 25/4 − 0.5 = 7.55.
  assert.equal(out.feature, 0);
  assert.equal(out.bin, 0);
  assert.equal(out.threshold, 1);
  assert.equal(out.defaultLeft, false);
  assert.ok(Math.abs(out.gain - (16 / 3 + 6 - 0.5)) < 1e-5);
  assert.deepEqual([out.leftG, out.leftH, out.rightG, out.rightH], [-4, 2, 6, 5]);
  assert.ok(Math.abs(calcWeight(p, -4, 2) - 4 / 3) < 1e-6);
});

test('L1, max_delta_step and min_child_weight shape weights and candidates', () => {
  assert.ok(Math.abs(calcWeight({ ...p, alpha: 1 }, -4, 2) - 1) < 1e-6);
  assert.equal(calcWeight({ ...p, maxDeltaStep: 0.5 }, -4, 2), 0.5);
  assert.equal(calcWeight({ ...p, minChildWeight: 3 }, -4, 2), 0);
  const cuts: Cuts = {
    numFeature: 1,
    ptrs: Uint32Array.of(0, 3),
    values: Float32Array.of(1, 2, 3.5),
    minValues: Float32Array.of(-1),
    hasMissing: Uint8Array.of(0),
  };
  const out = emptySplit();
  const hist = Float64Array.of(-4, 2, 1, 2, 5, 3, 0, 0);
  findBestSplit(
    { ...p, minChildWeight: 2.5 },
    cuts,
    Uint32Array.of(0, 4),
    hist,
    0,
    2,
    7,
    Uint8Array.of(1),
    out,
  );
  assert.equal(out.bin, 1, 'the left side of bin 0 alone has h = 2 < 2.5');
});

test('missing values learn the better default direction', () => {
  // Bins (g,h): (−3,1), (3,1); missing rows carry (−5, 2) and belong with the negative side.
  const cuts: Cuts = {
    numFeature: 1,
    ptrs: Uint32Array.of(0, 2),
    values: Float32Array.of(0.5, 2),
    minValues: Float32Array.of(-1),
    hasMissing: Uint8Array.of(1),
  };
  const hist = Float64Array.of(-3, 1, 3, 1, -5, 2);
  const out = emptySplit();
  findBestSplit(
    { ...p, minChildWeight: 0.5 },
    cuts,
    Uint32Array.of(0, 3),
    hist,
    0,
    -5,
    4,
    Uint8Array.of(1),
    out,
  );
  assert.equal(out.defaultLeft, true);
  assert.equal(out.threshold, 0.5);
  assert.deepEqual([out.leftG, out.leftH, out.rightG, out.rightH], [-8, 3, 3, 1]);
});
