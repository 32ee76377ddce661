/**
 * Histogram cuts (XGBoost hist's `HistogramCuts`): per feature ≤ max_bin bins whose boundaries are
 * data values. Bin i holds [cut[i−1], cut[i]); the last cut is a sentinel above the maximum. A split
 * after bin b sends `x < cut[b]` left. Distributed: each rank `summarize`s its rows into bytes, the
 * summaries are all-gathered, and `mergeCuts` turns them into the same cuts on every rank. With few
 * distinct values (≤ max_bin) every value is separated, exactly as XGBoost does (src/common/quantile.cc
 * `AddCutPoint`).
 */
import type { Dataset } from '../data/dataset.js';
import { sortFloat32 } from './radix-sort.js';

/** The cut points of every feature. */
export interface Cuts {
  readonly numFeature: number;
  /** Feature f's cuts are values[ptrs[f] .. ptrs[f+1]); that count is its number of bins. */
  readonly ptrs: Uint32Array;
  /** Float32 cut values, strictly increasing per feature; the last one of each is the sentinel. */
  readonly values: Float32Array;
  /** Per feature: a value below every training value (the threshold that sends all values right). */
  readonly minValues: Float32Array;
  /** Per feature: 1 when some row (on any rank) has it missing. */
  readonly hasMissing: Uint8Array;
}

// Summary entries kept per feature and bin, like XGBoost's sketch factor (kFactor = 8).
const SUMMARY_FACTOR = 8;

/**
 * This rank's per-feature weighted summary, serialized: Float64 words
 * `[F, then per feature: missingCount, n, v0, w0, …, v(n−1), w(n−1)]`. Exact (value, count) pairs
 * when a feature has ≤ 8·maxBin distinct values, else 8·maxBin equal-weight quantile entries plus
 * the maximum.
 */
export function summarize(dataset: Dataset, maxBin: number): Uint8Array {
  const { rows, cols, features } = dataset;
  const limit = SUMMARY_FACTOR * maxBin;
  const column = new Float32Array(rows);
  const out: number[] = [cols];
  for (let f = 0; f < cols; f++) {
    let n = 0;
    for (let r = 0, i = f; r < rows; r++, i += cols) {
      const v = features[i]!;
      if (!Number.isNaN(v)) column[n++] = v;
    }
    const sorted = sortFloat32(column.subarray(0, n));
    let unique = 0;
    for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) unique++;
    out.push(rows - n);
    const at = out.length;
    out.push(0);
    let entries = 0;
    const push = (v: number, w: number): void => {
      if (entries > 0 && out[out.length - 2] === v) out[out.length - 1]! += w;
      else {
        out.push(v, w);
        entries++;
      }
    };
    if (unique <= limit) {
      for (let i = 0; i < n; i++) push(sorted[i]!, 1);
    } else {
      for (let j = 0; j < limit; j++) {
        const b = Math.floor((j * n) / limit);
        push(sorted[b]!, Math.floor(((j + 1) * n) / limit) - b);
      }
      push(sorted[n - 1]!, 0);
    }
    out[at] = entries;
  }
  const words = Float64Array.from(out);
  return new Uint8Array(words.buffer);
}

function float64View(bytes: Uint8Array): Float64Array {
  if (bytes.byteOffset % 8 === 0)
    return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  return new Float64Array(bytes.slice().buffer);
}

/** Merges the summaries of all ranks (in rank order) into cuts; deterministic. */
export function mergeCuts(summaries: readonly Uint8Array[], maxBin: number): Cuts {
  const views = summaries.map(float64View);
  const numFeature = views[0]?.[0] ?? 0;
  const pos = views.map(() => 1);
  const ptrs = new Uint32Array(numFeature + 1);
  const values: number[] = [];
  const minValues = new Float32Array(numFeature);
  const hasMissing = new Uint8Array(numFeature);
  const eps = Math.fround(1e-5);
  for (let f = 0; f < numFeature; f++) {
    let missing = 0;
    const vals: number[] = [];
    const wts: number[] = [];
    views.forEach((w, k) => {
      let p = pos[k]!;
      missing += w[p++]!;
      const n = w[p++]!;
      for (let i = 0; i < n; i++, p += 2) {
        vals.push(w[p]!);
        wts.push(w[p + 1]!);
      }
      pos[k] = p;
    });
    hasMissing[f] = missing > 0 ? 1 : 0;
    const order = vals.map((_, i) => i).sort((a, b) => vals[a]! - vals[b]! || a - b);
    const uv: number[] = [];
    const uw: number[] = [];
    for (const i of order) {
      if (uv.length > 0 && uv[uv.length - 1] === vals[i]) uw[uw.length - 1]! += wts[i]!;
      else {
        uv.push(vals[i]!);
        uw.push(wts[i]!);
      }
    }
    if (uv.length === 0) {
      minValues[f] = eps;
      values.push(eps);
    } else {
      const lo = uv[0]!;
      const hi = uv[uv.length - 1]!;
      minValues[f] = Math.fround(lo - Math.fround(Math.abs(lo) + eps));
      for (const c of pickCuts(uv, uw, maxBin)) values.push(c);
      values.push(Math.fround(hi + Math.fround(Math.abs(hi) + eps)));
    }
    ptrs[f + 1] = values.length;
  }
  return { numFeature, ptrs, values: Float32Array.from(values), minValues, hasMissing };
}

/** maxBin − 1 inner cuts (excluding the minimum) at near-equal weighted ranks. */
function pickCuts(uv: readonly number[], uw: readonly number[], maxBin: number): number[] {
  if (uv.length <= maxBin) return uv.slice(1);
  const cum: number[] = [0];
  for (const w of uw) cum.push(cum[cum.length - 1]! + w);
  const total = cum[cum.length - 1]!;
  const cuts: number[] = [];
  let k = 1;
  let last = 0;
  for (let i = 1; i < maxBin; i++) {
    const target = (i * total) / maxBin;
    while (k + 1 < uv.length && cum[k + 1]! <= target) k++;
    // cum[k] ≤ target < cum[k+1]: cut at whichever boundary is closer to the target rank.
    const pick = k + 1 < uv.length && cum[k + 1]! - target < target - cum[k]! ? k + 1 : k;
    if (pick > last) {
      cuts.push(uv[pick]!);
      last = pick;
    }
  }
  return cuts;
}

/** Number of bins of feature f. */
export function binCount(cuts: Cuts, f: number): number {
  return cuts.ptrs[f + 1]! - cuts.ptrs[f]!;
}
