/**
 * Histogram cuts (XGBoost hist's `HistogramCuts`): per feature ≤ max_bin bins whose boundaries are
 * data values. Bin i holds [cut[i−1], cut[i]); the last cut is a sentinel above the maximum. A split
 * after bin b sends `x < cut[b]` left. Distributed: each rank `summarize`s its rows into bytes, the
 * summaries are all-gathered, and `mergeCuts` turns them into the same cuts on every rank. With few
 * distinct values (≤ max_bin) every value is separated, exactly as XGBoost does (src/common/quantile.cc
 * `AddCutPoint`).
 */
import type { Dataset } from '../../data/index.js';
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

/**
 * Rows used to place the cuts: all of them up to this many in the whole job, else a sample drawn by
 * a hash of each row's global index. The sample is the same whichever rank holds a row, so 1, 2 or
 * N ranks compute identical cuts (LightGBM samples 200k rows the same way; XGBoost sketches all).
 */
export const CUT_SAMPLE_ROWS = 1 << 17;

/** Where this rank's rows sit in the job's global row order. */
export interface RowSpan {
  readonly offset: number;
  readonly total: number;
}

/** Whether a global row is in the cut sample (threshold: the sampled fraction × 2^32). */
export function sampled(globalRow: number, threshold: number): boolean {
  let h = Math.imul(globalRow ^ (globalRow >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h ^= h >>> 16;
  return h >>> 0 < threshold;
}

/**
 * This rank's exact per-feature (value, count) pairs over its sampled rows, serialized as 32-bit
 * words: `[F, then per feature: missingCount, n, n float32 values (ascending), n counts]`.
 * Missing counts cover every row, sampled or not.
 */
export function summarize(
  dataset: Dataset,
  maxBin: number,
  span: RowSpan = { offset: 0, total: dataset.rows },
  sampleRows: number = CUT_SAMPLE_ROWS,
): Uint8Array {
  void maxBin;
  const { rows, cols, features } = dataset;
  const all = span.total <= sampleRows;
  const threshold = all ? 0 : Math.floor((sampleRows / span.total) * 2 ** 32);
  const keep = new Uint8Array(rows);
  let kept = 0;
  for (let r = 0; r < rows; r++) {
    keep[r] = all || sampled(span.offset + r, threshold) ? 1 : 0;
    kept += keep[r]!;
  }
  const column = new Float32Array(rows);
  // Written straight into 32-bit words (the worst case: every sampled value distinct), not a JS array.
  const words = new Uint32Array(1 + cols * (2 + 2 * kept));
  const asFloat = new Float32Array(words.buffer);
  let w = 0;
  words[w++] = cols;
  for (let f = 0; f < cols; f++) {
    let n = 0;
    let missing = 0;
    for (let r = 0, i = f; r < rows; r++, i += cols) {
      const v = features[i]!;
      if (Number.isNaN(v)) missing++;
      else if (keep[r]) column[n++] = v;
    }
    const sorted = sortFloat32(column.subarray(0, n));
    let distinct = 0;
    for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
    words[w++] = missing;
    words[w++] = distinct;
    const counts = w + distinct;
    let d = -1;
    for (let i = 0; i < n; i++) {
      if (i > 0 && sorted[i] === sorted[i - 1]) words[counts + d]!++;
      else {
        d++;
        asFloat[w + d] = sorted[i]!;
        words[counts + d] = 1;
      }
    }
    w += 2 * distinct;
  }
  return new Uint8Array(words.buffer.slice(0, 4 * w));
}

export function words32(bytes: Uint8Array): Uint32Array {
  if (bytes.byteOffset % 4 === 0)
    return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return new Uint32Array(bytes.slice().buffer);
}

/** Merges the summaries of all ranks into cuts; the result does not depend on how rows were split. */
export function mergeCuts(summaries: readonly Uint8Array[], maxBin: number): Cuts {
  const views = summaries.map(words32);
  const floats = views.map((w) => new Float32Array(w.buffer, w.byteOffset, w.length));
  const numFeature = views[0]?.[0] ?? 0;
  const pos = views.map(() => 1);
  const ptrs = new Uint32Array(numFeature + 1);
  const values: number[] = [];
  const minValues = new Float32Array(numFeature);
  const hasMissing = new Uint8Array(numFeature);
  const eps = Math.fround(1e-5);
  for (let f = 0; f < numFeature; f++) {
    let missing = 0;
    let uv: number[] = [];
    let uw: number[] = [];
    views.forEach((w, k) => {
      let p = pos[k]!;
      missing += w[p++]!;
      const n = w[p++]!;
      const vals = Array.from(floats[k]!.subarray(p, p + n));
      const cnts = Array.from(w.subarray(p + n, p + 2 * n));
      pos[k] = p + 2 * n;
      [uv, uw] = mergeSorted(uv, uw, vals, cnts);
    });
    hasMissing[f] = missing > 0 ? 1 : 0;
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

/** Two ascending (value, count) lists merged into one, equal values combined. */
export function mergeSorted(av: number[], aw: number[], bv: number[], bw: number[]): [number[], number[]] {
  if (av.length === 0) return [bv, bw];
  const v: number[] = [];
  const w: number[] = [];
  let i = 0;
  let j = 0;
  while (i < av.length || j < bv.length) {
    const takeA = j >= bv.length || (i < av.length && av[i]! <= bv[j]!);
    const value = takeA ? av[i]! : bv[j]!;
    const count = takeA ? aw[i++]! : bw[j++]!;
    if (v.length > 0 && v[v.length - 1] === value) w[w.length - 1]! += count;
    else {
      v.push(value);
      w.push(count);
    }
  }
  return [v, w];
}

/**
 * The inner cuts (the minimum excluded) as XGBoost 1.7 hist picks them from an exact weighted summary
 * (src/common/quantile.cc): the sketch's summary is pruned to its limit size (`GetSummary`), then to
 * maxBin·8 entries (`AllReduce`), then to maxBin + 1 (`MakeCuts`), and `AddCutPoint` takes entries
 * 1 .. min(size, maxBin) − 1. With ≤ maxBin distinct values that is every value but the first. The
 * same cuts as XGBoost while its sketch is exact (a feature's non-missing rows ≤ 2 · limit size, e.g.
 * 4,098 at max_bin 256); beyond that XGBoost merges approximate levels and the cuts differ slightly.
 */
function pickCuts(uv: readonly number[], uw: readonly number[], maxBin: number): number[] {
  let entries = summaryOf(uw);
  const total = entries.rmin.length > 0 ? entries.rmax[entries.rmax.length - 1]! : 0;
  entries = prune(entries, limitSize(total, maxBin * 8));
  entries = prune(entries, Math.min(total, maxBin * 8));
  entries = prune(entries, maxBin + 1);
  const cuts: number[] = [];
  const required = Math.min(entries.index.length, maxBin);
  for (let i = 1; i < required; i++) {
    const v = uv[entries.index[i]!]!;
    if (i === 1 || v > cuts[cuts.length - 1]!) cuts.push(v);
  }
  return cuts;
}

/** `LimitSizeLevel` of XGBoost's WQuantileSketch for `maxn` rows and eps = 1 / (maxBin · 8). */
function limitSize(maxn: number, inverseEps: number): number {
  for (let nlevel = 1; ; nlevel++) {
    const limit = Math.ceil(nlevel * inverseEps) + 1;
    if (2 ** nlevel * limit >= maxn) return limit;
  }
}

/** WQSummary entries (rank bounds in float32, XGBoost's RType): here an index into the distinct values. */
interface Summary {
  readonly index: number[];
  readonly rmin: number[];
  readonly rmax: number[];
  readonly wmin: number[];
}

function summaryOf(uw: readonly number[]): Summary {
  const s: Summary = { index: [], rmin: [], rmax: [], wmin: [] };
  let cum = 0;
  uw.forEach((w, i) => {
    s.index.push(i);
    s.rmin.push(cum);
    cum = Math.fround(cum + w);
    s.rmax.push(cum);
    s.wmin.push(w);
  });
  return s;
}

/** `WQSummary::SetPrune(src, maxsize)` of XGBoost 1.7 (src/common/quantile.h), float32 arithmetic. */
function prune(src: Summary, maxsize: number): Summary {
  const size = src.index.length;
  if (size <= maxsize) return src;
  const f = Math.fround;
  const out: Summary = { index: [], rmin: [], rmax: [], wmin: [] };
  const take = (i: number) => {
    out.index.push(src.index[i]!);
    out.rmin.push(src.rmin[i]!);
    out.rmax.push(src.rmax[i]!);
    out.wmin.push(src.wmin[i]!);
  };
  const begin = src.rmax[0]!;
  const range = f(src.rmin[size - 1]! - begin);
  const n = maxsize - 1;
  take(0);
  let i = 1;
  let last = 0;
  for (let k = 1; k < n; k++) {
    const dx2 = f(2 * f(f(f(k * range) / n) + begin));
    while (i < size - 1 && dx2 >= f(src.rmax[i + 1]! + src.rmin[i + 1]!)) i++;
    if (i === size - 1) break;
    const rminNext = f(src.rmin[i]! + src.wmin[i]!);
    const rmaxPrev = f(src.rmax[i + 1]! - src.wmin[i + 1]!);
    if (dx2 < f(rminNext + rmaxPrev)) {
      if (i !== last) {
        take(i);
        last = i;
      }
    } else if (i + 1 !== last) {
      take(i + 1);
      last = i + 1;
    }
  }
  if (last !== size - 1) take(size - 1);
  return out;
}

/** Number of bins of feature f. */
export function binCount(cuts: Cuts, f: number): number {
  return cuts.ptrs[f + 1]! - cuts.ptrs[f]!;
}
