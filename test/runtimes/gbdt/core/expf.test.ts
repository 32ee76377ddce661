/**
 * expf.ts against the real glibc `expf` (through Python's ctypes: what XGBoost 1.7 links), bit for
 * bit on 200,000 float32 arguments over the whole finite range plus the edges; and a check that the
 * comparison can fail: `Math.fround(Math.exp(x))` differs from glibc on some of the same arguments.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expf } from '../../../../runtimes/gbdt/core/expf.js';
import { jsonFloats, needXgboost, runPython } from '../../../helpers/xgboost-py.js';

function args(): Float32Array {
  let s = 12345;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const xs: number[] = [
    0,
    -0,
    1,
    -1,
    88,
    88.72283172607422,
    88.72284,
    89,
    -87.5,
    -103,
    -103.97207641601562,
    -103.98,
    -104,
    -200,
    1e-30,
    -1e-30,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
  ];
  for (let i = 0; i < 150_000; i++) xs.push((next() - 0.5) * 40); // where margins live
  for (let i = 0; i < 50_000; i++) xs.push((next() - 0.5) * 210); // the whole finite range and beyond
  return Float32Array.from(xs);
}

test('expf is bit-identical to glibc expf (the libm XGBoost 1.7 calls)', (t) => {
  if (!needXgboost(t)) return;
  const xs = args();
  const theirs = runPython<(number | string | null)[]>(
    `import ctypes
m = ctypes.CDLL('libm.so.6'); m.expf.restype = ctypes.c_float; m.expf.argtypes = [ctypes.c_float]
r = [m.expf(float('nan') if v is None else v) for v in inp]
emit([v if math.isfinite(v) or math.isnan(v) else ('inf' if v > 0 else '-inf') for v in r])`,
    jsonFloats(xs).map((v, i) =>
      Number.isFinite(xs[i]!) ? v : v === null ? null : xs[i]! > 0 ? 1e39 : -1e39,
    ),
  );
  let naive = 0;
  for (let i = 0; i < xs.length; i++) {
    const v = theirs[i];
    const want = v === null ? Number.NaN : typeof v === 'string' ? Number(v.replace('inf', 'Infinity')) : v;
    assert.ok(Object.is(expf(xs[i]!), want), `expf(${xs[i]}): ours ${expf(xs[i]!)}, glibc ${want}`);
    if (!Object.is(Math.fround(Math.exp(xs[i]!)), want)) naive++;
  }
  t.diagnostic(`Math.fround(Math.exp) differs from glibc expf on ${naive} of ${xs.length} arguments`);
  assert.ok(naive > 0, 'the arguments should include cases where the naive float exp differs');
});
