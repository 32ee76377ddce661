import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dataset } from '../../../../runtimes/data/dataset.js';
import { summarizeLgb } from '../../../../runtimes/gbdt/lightgbm/summary.js';
import {
  buildLgbMatrix,
  cutFor,
  greedyFindBin,
  type LgbBins,
  lgbBinsFromSummaries,
  MISSING_NAN,
  MISSING_NONE,
  ZERO_THRESHOLD,
} from '../../../../runtimes/gbdt/lightgbm/bins.js';

function column(values: number[]): Dataset {
  return {
    rows: values.length,
    cols: 1,
    features: Float32Array.from(values),
    labels: new Float32Array(values.length),
    featureNames: ['x'],
  };
}

function binsOf(d: Dataset, maxBin = 255, categorical: number[] = []): LgbBins {
  return lgbBinsFromSummaries([summarizeLgb(d, { offset: 0, total: d.rows }, 200000)], {
    maxBin,
    minDataInBin: 3,
    useMissing: true,
    categorical: new Set(categorical),
  });
}

const rep = (v: number, n: number) => new Array<number>(n).fill(v);

test('few distinct values: one bin each, upper bounds at midpoints, zero alone', () => {
  const d = column([...rep(-2, 5), ...rep(-1, 5), ...rep(0, 5), ...rep(1, 5), ...rep(3, 5)]);
  const b = binsOf(d);
  const u = Array.from(b.upper);
  assert.equal(u.length, 5);
  assert.ok(Math.abs(u[0]! - -1.5) < 1e-12, `${u}`);
  assert.equal(u[1], -ZERO_THRESHOLD);
  assert.equal(u[2], ZERO_THRESHOLD);
  assert.ok(Math.abs(u[3]! - 2) < 1e-12, `${u}`);
  assert.equal(u[4], Number.POSITIVE_INFINITY);
  assert.equal(b.missingType[0], MISSING_NONE);
  const m = buildLgbMatrix(d, b);
  assert.deepEqual(
    Array.from(m.codes).filter((_, i) => i % 5 === 0),
    [0, 1, 2, 3, 4],
  );
});

test('the engine cut reproduces x <= upper for float32 x', () => {
  for (const u of [1.5, -1.5, 0.1, -ZERO_THRESHOLD, ZERO_THRESHOLD, 1e-30, 123.456789, 2 ** 24 + 0.5]) {
    const c = cutFor(u);
    for (const x of [u, Math.fround(u), c, Math.fround(u) * (1 + 1e-7), Math.fround(u) * (1 - 1e-7)]) {
      const xf = Math.fround(x);
      assert.equal(xf < c, xf <= u, `u=${u} x=${xf} cut=${c}`);
    }
  }
});

test('NaN: missing type NaN and the missing slot; no NaN: type None', () => {
  const d = column([...rep(1, 10), ...rep(2, 10), Number.NaN, Number.NaN]);
  const b = binsOf(d);
  assert.equal(b.missingType[0], MISSING_NAN);
  assert.equal(b.cuts.hasMissing[0], 1);
  const m = buildLgbMatrix(d, b);
  const nb = b.cuts.ptrs[1]! - b.cuts.ptrs[0]!;
  assert.equal(m.codes[20], nb);
  assert.equal(m.codes[0], m.codes[1]);
  assert.notEqual(m.codes[0], m.codes[10]);
});

test('many distinct values: at most max_bin bins, each with at least min_data_in_bin', () => {
  const values = Array.from({ length: 5000 }, (_, i) => ((i * 7919) % 5000) / 100 + 0.5);
  const bounds = greedyFindBin(
    [...new Set(values)].sort((a, b) => a - b),
    rep(1, 5000),
    63,
    5000,
    3,
  );
  assert.ok(bounds.length <= 63, `${bounds.length}`);
  const b = binsOf(column(values), 63);
  assert.ok(b.upper.length <= 63);
});

test('categorical: one bin per category, most frequent first; unseen and negative go to the missing slot', () => {
  const d = column([...rep(5, 3), ...rep(2, 7), ...rep(9, 1), -1, Number.NaN, 7]);
  const b = binsOf(column([...rep(5, 3), ...rep(2, 7), ...rep(9, 1)]), 255, [0]);
  assert.deepEqual(Array.from(b.categories[0]!), [2, 5, 9]);
  // LightGBM lists its bins' categories, bin 0 being the NaN bin (-1) every categorical feature has.
  assert.equal(b.featureInfos[0], '-1:2:5:9');
  const m = buildLgbMatrix(d, b);
  assert.equal(m.codes[0], 1);
  assert.equal(m.codes[3], 0);
  assert.equal(m.codes[10], 2);
  assert.equal(m.codes[11], 3);
  assert.equal(m.codes[12], 3);
  assert.equal(m.codes[13], 3);
});

test('feature_infos: none for a constant column (LightGBM pre-filters it), a range once it has NaN', () => {
  // Two bins (zero's, 1.5's), no cut with rows on both sides: LightGBM's NeedFilter makes it trivial.
  assert.equal(binsOf(column(rep(1.5, 50))).featureInfos[0], 'none');
  assert.equal(binsOf(column(rep(-2, 50))).featureInfos[0], 'none');
  assert.equal(binsOf(column([...rep(1.5, 50), ...rep(Number.NaN, 50)])).featureInfos[0], '[1.5:1.5]');
  assert.equal(binsOf(column([...rep(1.5, 50), 2])).featureInfos[0], '[1.5:2]');
});

test('bounds in double from the kept doubles; shards of either summary form merge to the whole', () => {
  // 31.44 and 31.5 as LightGBM reads them: its bound is 31.470000000000002, not a float32 midpoint.
  const values = [...rep(31.44, 4), ...rep(31.5, 4), Number.POSITIVE_INFINITY, Number.NaN, 2.25, 2.25, 2.25];
  const withDoubles: Dataset = { ...column(values), doubles: Float64Array.from(values) };
  const b = binsOf(withDoubles);
  assert.ok(b.upper.includes(31.470000000000002), `${Array.from(b.upper)}`);
  // +inf is read as LightGBM reads it (1e308): its bin's bound lies between 31.5 and 1e308.
  assert.equal(b.upper[b.upper.length - 1], Number.POSITIVE_INFINITY);
  assert.equal(b.featureInfos[0], '[2.25:1e+308]');
  assert.ok(!binsOf(column(values)).upper.includes(31.470000000000002), 'float32 values: another bound');
  for (const d of [withDoubles, column(values)]) {
    const shards = [0, 5, 9, values.length].slice(0, -1).map((from, i, at) => {
      const to = at[i + 1] ?? values.length;
      const part: Dataset = {
        ...column(values.slice(from, to)),
        ...(d.doubles ? { doubles: d.doubles.slice(from, to) } : {}),
      };
      return summarizeLgb(part, { offset: from, total: values.length }, 200000);
    });
    const merged = lgbBinsFromSummaries(shards, {
      maxBin: 255,
      minDataInBin: 3,
      useMissing: true,
      categorical: new Set(),
    });
    assert.deepEqual(merged, binsOf(d));
  }
});
