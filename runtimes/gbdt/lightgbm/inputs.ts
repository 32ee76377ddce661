/**
 * Float32 inputs that decide LightGBM's numerical splits as LightGBM does. LightGBM compares the
 * double its parser read with the double threshold, `x <= threshold`; our predictor compares float32
 * features with float32 thresholds (lightgbm/model-read.ts: `y < t`, t the smallest float32 above the
 * threshold, i.e. `y <= a` with a the largest float32 ≤ threshold). The nearest float32 of x decides
 * alike unless a threshold lies between x and it; then the float32 on x's side of every threshold of
 * that feature is used instead (one exists unless two thresholds share one float32 gap around x).
 * Only cells whose double the reader kept (Dataset.doubles) and that are not float32 are looked at.
 */
import { float32ThresholdOf } from './model-numbers.js';
import type { GbdtModel } from '../core/index.js';

/** What `lgbFeatures` reads: a Dataset fits. */
export interface DoubleMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly features: Float32Array;
  readonly doubles?: Float64Array;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The largest float32 below the float32 f (f > −FLT_MAX). */
function below(f: number): number {
  if (f === 0) return -(2 ** -149);
  f32[0] = f;
  u32[0] = f > 0 ? u32[0]! - 1 : u32[0]! + 1;
  return f32[0]!;
}

/** Per feature: the LightGBM thresholds of its numerical splits (ascending) and their float32 a. */
function thresholdsByFeature(model: GbdtModel, cols: number): { thr: Float64Array; a: Float64Array }[] {
  const lists: number[][] = Array.from({ length: cols }, () => []);
  for (const tree of model.trees) {
    const lgb = tree.lgb;
    if (lgb === undefined) continue;
    for (let i = 0; i < tree.leftChildren.length; i++) {
      const f = tree.splitIndices[i]!;
      if (tree.leftChildren[i] !== -1 && (lgb.decisionType[i]! & 1) === 0 && f < cols)
        lists[f]!.push(lgb.threshold[i]!);
    }
  }
  return lists.map((l) => {
    const thr = Float64Array.from(new Set(l)).sort();
    return { thr, a: thr.map((t) => below(float32ThresholdOf(t))) };
  });
}

/** How many of the ascending `xs` are ≥ v. */
function atLeast(xs: Float64Array, v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return xs.length - lo;
}

/**
 * The features to score `data` with under `model`'s LightGBM splits: `data.features` itself when
 * nothing needs to move, else a copy with the cells moved as the module comment says.
 */
export function lgbFeatures(model: GbdtModel, data: DoubleMatrix): Float32Array {
  const { rows, cols, features, doubles } = data;
  if (doubles === undefined || !model.trees.some((t) => t.lgb !== undefined)) return features;
  const byFeature = thresholdsByFeature(model, cols);
  let out: Float32Array | undefined;
  for (let f = 0; f < cols; f++) {
    const { thr, a } = byFeature[f]!;
    if (thr.length === 0) continue;
    for (let r = 0, i = f; r < rows; r++, i += cols) {
      const x = doubles[i]!;
      const y = features[i]!;
      if (y === x || Number.isNaN(x)) continue;
      const want = atLeast(thr, x); // x <= threshold for this many
      if (atLeast(a, y) === want) continue;
      const down = Math.fround(x) > x ? below(Math.fround(x)) : Math.fround(x);
      const up = Math.fround(x) < x ? -below(-Math.fround(x)) : Math.fround(x);
      const pick = atLeast(a, down) === want ? down : atLeast(a, up) === want ? up : y;
      if (pick === y) continue;
      out ??= features.slice();
      out[i] = pick;
    }
  }
  return out ?? features;
}
