/**
 * LightGBM's binning (src/io/bin.cpp `BinMapper::FindBin`, `FindBinWithZeroAsOneBin`,
 * `GreedyFindBin`) on double summaries: bins come from a sample of `bin_construct_sample_cnt` rows
 * drawn by a hash of each row's global index (lightgbm/summary.ts), so 1, 2 or N data-parallel ranks
 * get identical bins, computed in double from the values LightGBM's parser reads. Upper bounds are midpoints between neighbouring
 * distinct values (nudged up one ulp, as LightGBM does), zero gets its own bin (bounds ±1e-35), and a
 * feature with NaNs (missing type NaN) gets one bin less for values plus the NaN bin, which is the
 * engine's missing slot. Categorical features get one bin per category, most frequent first.
 *
 * The engine reads `cuts` (float32, rule `x < cut`): each LightGBM bound u becomes the next float32
 * above the largest float32 ≤ u, so for float32 data `x < cut` ⟺ `x <= u`; `upper` keeps u itself.
 * Rows are binned by their float32 features: a row whose double lies on the other side of a bound
 * than its float32 (possible only when neighbouring distinct values share one float32 step) lands
 * one bin off LightGBM's.
 */
import type { Dataset } from '../../data/index.js';
import { type BinMatrix, buildBinMatrix, type Cuts } from '../core/index.js';
import { g17 } from './model-numbers.js';
import { mergeLgbSummaries } from './summary.js';

/** LightGBM's kZeroThreshold: `const double kZeroThreshold = 1e-35f` (meta.h), a float literal. */
export const ZERO_THRESHOLD = Math.fround(1e-35);

/** LightGBM missing types (decision_type bits 2–3). */
export const MISSING_NONE = 0;
export const MISSING_NAN = 2;

/** Bins of every feature. */
export interface LgbBins {
  /** Engine cuts; feature f's value bins are cuts.ptrs[f] .. ptrs[f+1]. */
  readonly cuts: Cuts;
  /** Aligned with cuts.values: LightGBM's upper bound of each bin (the last is +inf). */
  readonly upper: Float64Array;
  /** Per feature: MISSING_NONE or MISSING_NAN (categorical: LightGBM's, for decision_type only). */
  readonly missingType: Uint8Array;
  /** Per feature: bin → category value (categorical features only). */
  readonly categories: readonly (Int32Array | undefined)[];
  /** LightGBM's feature_infos entries. */
  readonly featureInfos: readonly string[];
  /**
   * Per feature: the histogram slot (value bins, then the missing slot) of LightGBM's most_freq_bin
   * where that is above bin 0, so Dataset::FixHistogram rebuilds it from the node's sums; else −1
   * (categorical features: −1, not rebuilt).
   */
  readonly mostFreqSlot: Int32Array;
}

/** LightGBM's kSparseThreshold (bin.h): a bin other than 0's is most_freq_bin from this share on. */
const SPARSE_THRESHOLD = 0.7;

/**
 * LightGBM's most_freq_bin (bin.cpp FindBin): the first bin of most sample rows (the NaN bin last),
 * unless it is not the bin of 0 (default_bin) and holds under 70% of them; −1 where that is bin 0.
 */
function mostFreqSlot(
  values: readonly number[],
  counts: readonly number[],
  bounds: readonly number[],
  nan: number,
): number {
  const cnt = new Array<number>(bounds.length + (nan > 0 ? 1 : 0)).fill(0);
  let b = 0;
  let total = nan;
  for (let i = 0; i < values.length; i++) {
    while (b < bounds.length - 1 && values[i]! > bounds[b]!) b++;
    cnt[b] = cnt[b]! + counts[i]!;
    total += counts[i]!;
  }
  if (nan > 0) cnt[bounds.length] = nan;
  let zero = 0;
  while (zero < bounds.length - 1 && 0 > bounds[zero]!) zero++;
  let best = 0;
  for (let i = 1; i < cnt.length; i++) if (cnt[i]! > cnt[best]!) best = i;
  if (best !== zero && cnt[best]! / total < SPARSE_THRESHOLD) best = zero;
  return best > 0 ? best : -1;
}

export interface BinOptions {
  readonly maxBin: number;
  readonly minDataInBin: number;
  readonly useMissing: boolean;
  /** Categorical feature indices. */
  readonly categorical: ReadonlySet<number>;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float32 just above `x` (x finite float32). */
export function nextFloat32Up(x: number): number {
  if (x === 0) return 1.401298464324817e-45;
  f32[0] = x;
  u32[0] = x > 0 ? u32[0]! + 1 : u32[0]! - 1;
  return f32[0]!;
}

/** The engine cut for a LightGBM upper bound u: x < cut ⟺ x <= u for every float32 x. */
export function cutFor(u: number): number {
  if (u === Number.POSITIVE_INFINITY) return u;
  let f = Math.fround(u);
  if (f > u) {
    f32[0] = f;
    u32[0] = f > 0 ? u32[0]! - 1 : f === 0 ? 0x80000001 : u32[0]! + 1;
    f = f32[0]!;
  }
  return nextFloat32Up(f);
}

/** LightGBM's Common::GetDoubleUpperBound: the double just above a. */
function upperBound(a: number): number {
  const d = new Float64Array([a]);
  const b = new BigInt64Array(d.buffer);
  if (a === 0) return Number.MIN_VALUE;
  b[0] = a > 0 ? b[0]! + 1n : b[0]! - 1n;
  return d[0]!;
}

/** LightGBM's GreedyFindBin over ascending distinct values with their counts. */
export function greedyFindBin(
  values: readonly number[],
  counts: readonly number[],
  maxBin: number,
  totalCnt: number,
  minDataInBin: number,
): number[] {
  const n = values.length;
  const bounds: number[] = [];
  if (n === 0) return bounds;
  if (n <= maxBin) {
    let cur = 0;
    for (let i = 0; i < n - 1; i++) {
      cur += counts[i]!;
      if (cur >= minDataInBin) {
        const v = upperBound((values[i]! + values[i + 1]!) / 2);
        if (bounds.length === 0 || bounds[bounds.length - 1]! < v) {
          bounds.push(v);
          cur = 0;
        }
      }
    }
    bounds.push(Number.POSITIVE_INFINITY);
    return bounds;
  }
  if (minDataInBin > 0) maxBin = Math.max(1, Math.min(maxBin, Math.floor(totalCnt / minDataInBin)));
  let meanBinSize = totalCnt / maxBin;
  let restBinCnt = maxBin;
  let restSampleCnt = totalCnt;
  const big = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (counts[i]! >= meanBinSize) {
      big[i] = 1;
      restBinCnt--;
      restSampleCnt -= counts[i]!;
    }
  }
  meanBinSize = restSampleCnt / restBinCnt;
  const uppers: number[] = [];
  const lowers: number[] = [values[0]!];
  let cur = 0;
  for (let i = 0; i < n - 1; i++) {
    if (!big[i]) restSampleCnt -= counts[i]!;
    cur += counts[i]!;
    if (big[i] || cur >= meanBinSize || (big[i + 1] && cur >= Math.max(1, meanBinSize * 0.5))) {
      uppers.push(values[i]!);
      lowers.push(values[i + 1]!);
      if (uppers.length >= maxBin - 1) break;
      cur = 0;
      if (!big[i]) {
        restBinCnt--;
        meanBinSize = restSampleCnt / restBinCnt;
      }
    }
  }
  for (let i = 0; i < uppers.length; i++) {
    const v = upperBound((uppers[i]! + lowers[i + 1]!) / 2);
    if (bounds.length === 0 || bounds[bounds.length - 1]! < v) bounds.push(v);
  }
  bounds.push(Number.POSITIVE_INFINITY);
  return bounds;
}

/** LightGBM's FindBinWithZeroAsOneBin: negatives and positives binned apart, zero alone. */
export function findBinZeroAsOneBin(
  values: readonly number[],
  counts: readonly number[],
  maxBin: number,
  totalCnt: number,
  minDataInBin: number,
): number[] {
  const n = values.length;
  let leftData = 0;
  let zeroData = 0;
  let rightData = 0;
  for (let i = 0; i < n; i++) {
    if (values[i]! <= -ZERO_THRESHOLD) leftData += counts[i]!;
    else if (values[i]! > ZERO_THRESHOLD) rightData += counts[i]!;
    else zeroData += counts[i]!;
  }
  let leftCnt = values.findIndex((v) => v > -ZERO_THRESHOLD);
  if (leftCnt < 0) leftCnt = n;
  let bounds: number[] = [];
  if (leftCnt > 0 && maxBin > 1) {
    const leftMax = Math.max(1, Math.floor((leftData / (totalCnt - zeroData)) * (maxBin - 1)));
    bounds = greedyFindBin(
      values.slice(0, leftCnt),
      counts.slice(0, leftCnt),
      leftMax,
      leftData,
      minDataInBin,
    );
    if (bounds.length > 0) bounds[bounds.length - 1] = -ZERO_THRESHOLD;
  }
  let rightStart = -1;
  for (let i = leftCnt; i < n; i++) {
    if (values[i]! > ZERO_THRESHOLD) {
      rightStart = i;
      break;
    }
  }
  const rightMax = maxBin - 1 - bounds.length;
  if (rightStart >= 0 && rightMax > 0) {
    const right = greedyFindBin(
      values.slice(rightStart),
      counts.slice(rightStart),
      rightMax,
      rightData,
      minDataInBin,
    );
    bounds.push(ZERO_THRESHOLD, ...right);
  } else bounds.push(Number.POSITIVE_INFINITY);
  return bounds;
}

/** Bins from the all-gathered `summarizeLgb` bytes of every rank (the same on every rank). */
export function lgbBinsFromSummaries(summaries: readonly Uint8Array[], o: BinOptions): LgbBins {
  const { values, counts, missing } = mergeLgbSummaries(summaries);
  const numFeature = values.length;
  const ptrs = new Uint32Array(numFeature + 1);
  const cutValues: number[] = [];
  const upper: number[] = [];
  const missingType = new Uint8Array(numFeature);
  const hasMissing = new Uint8Array(numFeature);
  const categories: (Int32Array | undefined)[] = [];
  const featureInfos: string[] = [];
  const mostFreq = new Int32Array(numFeature).fill(-1);
  for (let f = 0; f < numFeature; f++) {
    const v = values[f]!;
    const c = counts[f]!;
    if (o.categorical.has(f)) {
      const cats = categoryBins(v, c, o.maxBin);
      categories.push(cats);
      // Other, negative and NaN values share the missing slot, which always goes right. LightGBM's
      // missing type (decision_type bits 2–3) is None when its bins hold every value of the sample:
      // no NaN, no negative value, no category left out (bin.cpp FindBin); NaN otherwise.
      hasMissing[f] = 1;
      const distinct = new Set(v.filter((x) => x >= 0).map(Math.trunc)).size;
      const whole = missing[f] === 0 && (v.length === 0 || v[0]! >= 0) && cats.length === distinct;
      missingType[f] = whole ? MISSING_NONE : MISSING_NAN;
      for (const cat of cats) {
        cutValues.push(cat);
        upper.push(cat);
      }
      if (cats.length === 0) {
        cutValues.push(0);
        upper.push(0);
      }
      // LightGBM lists bin_2_categorical_, whose bin 0 is the NaN bin every categorical feature gets
      // (bin.cpp FindBin, "Push the dummy bin for NaN"): category -1 first.
      featureInfos.push(cats.length > 1 ? ['-1', ...cats].join(':') : 'none');
    } else {
      categories.push(undefined);
      const nan = o.useMissing && missing[f]! > 0;
      missingType[f] = nan ? MISSING_NAN : MISSING_NONE;
      hasMissing[f] = nan ? 1 : 0;
      let total = 0;
      for (const k of c) total += k;
      const bounds =
        v.length === 0
          ? [Number.POSITIVE_INFINITY]
          : findBinZeroAsOneBin(v, c, nan ? o.maxBin - 1 : o.maxBin, total, o.minDataInBin);
      for (const u of bounds) {
        upper.push(u);
        cutValues.push(cutFor(u));
      }
      // A constant column without NaN still gets two bins (zero's and its value's), but no cut leaves
      // rows on both sides: LightGBM's pre-filter (bin.cpp NeedFilter) makes it trivial, `none`.
      const trivial = bounds.length <= 1 || (v.length <= 1 && missing[f] === 0);
      if (!trivial) mostFreq[f] = mostFreqSlot(v, c, bounds, nan ? missing[f]! : 0);
      featureInfos.push(trivial ? 'none' : `[${fmt(v[0]!)}:${fmt(v[v.length - 1]!)}]`);
    }
    ptrs[f + 1] = cutValues.length;
  }
  const cuts: Cuts = {
    numFeature,
    ptrs,
    values: Float32Array.from(cutValues),
    minValues: new Float32Array(numFeature).fill(Number.NEGATIVE_INFINITY),
    hasMissing,
  };
  return {
    cuts,
    upper: Float64Array.from(upper),
    missingType,
    categories,
    featureInfos,
    mostFreqSlot: mostFreq,
  };
}

/** LightGBM's feature_infos number: `%.17g` of the double it read. */
function fmt(x: number): string {
  return g17(x);
}

/** Categories (non-negative integer parts) by count, most frequent first (ties: smaller value), ≤ maxBin. */
function categoryBins(values: readonly number[], counts: readonly number[], maxBin: number): Int32Array {
  const byCat = new Map<number, number>();
  values.forEach((v, i) => {
    if (v < 0) return;
    const k = Math.trunc(v);
    byCat.set(k, (byCat.get(k) ?? 0) + counts[i]!);
  });
  const order = [...byCat.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return Int32Array.from(order.slice(0, maxBin).map(([k]) => k));
}

/** Bins the data: numerical features by their cuts, categorical ones by category (others → missing slot). */
export function buildLgbMatrix(dataset: Dataset, bins: LgbBins): BinMatrix {
  const matrix = buildBinMatrix(dataset, bins.cuts);
  const { rows, cols, features } = dataset;
  bins.categories.forEach((cats, f) => {
    if (cats === undefined) return;
    const code = new Map<number, number>();
    cats.forEach((k, b) => {
      code.set(k, b);
    });
    const miss = matrix.missingCode[f]!;
    for (let r = 0, i = f; r < rows; r++, i += cols) {
      const x = features[i]!;
      matrix.codes[i] = x >= 0 ? (code.get(Math.trunc(x)) ?? miss) : miss;
    }
  });
  return matrix;
}
