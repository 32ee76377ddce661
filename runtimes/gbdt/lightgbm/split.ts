/**
 * LightGBM's split rules on the engine's histograms (src/treelearner/feature_histogram.hpp):
 * leaf gain T(G, l1)²/(H + l2) (output-based under max_delta_step), a candidate valid when both sides
 * have ≥ min_data_in_leaf rows and ≥ min_sum_hessian_in_leaf hessian, accepted when its gain beats the
 * parent's by more than min_gain_to_split; the stored gain is that excess. Row counts per bin are
 * estimated from hessians with the node's exact count (`cnt_factor = count / H`, rounded per bin), as
 * LightGBM does. Numerical features: a reverse scan (NaN bin on the left), then for NaN features a
 * forward scan (NaN on the right), whose best replaces the reverse one's only above its stored gain plus
 * the shift, as LightGBM compares them; categorical ones: one-vs-rest up to max_cat_to_onehot bins, else
 * categories sorted by g/(h + cat_smooth) and prefix sets scanned from both ends (max_cat_threshold,
 * cat_l2, min_data_per_group). Ties keep the first candidate (features ascending, reverse before
 * forward), so every rank picks the same split.
 */
import { type LgbBins, MISSING_NAN } from './bins.js';
import type { LgbParams } from './params.js';
import { emptySplit, type SplitInfo, type SplitRules } from '../core/index.js';
import { type ScanResult, type WasmLgbScan, wasmLgbScan } from '../wasm/index.js';

/** LightGBM's kEpsilon (meta.h: `const score_t kEpsilon = 1e-15f`, a float literal), the start of every hessian accumulator. */
const K_EPS = Math.fround(1e-15);

function thresholdL1(g: number, l1: number): number {
  if (g > l1) return g - l1;
  if (g < -l1) return g + l1;
  return 0;
}

/** LightGBM's GetLeafGain (a plain function, so V8 inlines it into the split scans). */
function leafGain(g: number, h: number, l1: number, l2: number, mds: number): number {
  const t = thresholdL1(g, l1);
  if (mds <= 0) return (t * t) / (h + l2);
  const w = leafWeight(g, h, l1, l2, mds);
  return -(2 * t * w + (h + l2) * w * w);
}

/** LightGBM's CalculateSplittedLeafOutput (no path smoothing). */
function leafWeight(g: number, h: number, l1: number, l2: number, mds: number): number {
  const w = -thresholdL1(g, l1) / (h + l2);
  if (mds > 0 && Math.abs(w) > mds) return w < 0 ? -mds : mds;
  return w;
}

/**
 * A bin's estimated rows, as LightGBM rounds them: static_cast<int>(hess × cnt_factor + 0.5).
 * (Beyond 2^31 rows in one bin, Math.round.)
 */
function binCount(bh: number, cnt: number): number {
  const x = bh * cnt + 0.5;
  return x < 2147483647 ? x | 0 : Math.floor(x);
}

/** Relative slack of `cannotBeat`, far above its rounding error (a few 2^-53). */
const BEAT_SLACK = 1 - 1e-12;

/**
 * Whether a candidate with plain leaf gains (no L1, no max_delta_step) surely scores no more than
 * `target` = best + shift, i.e. lg²/bl + rg²/br ≤ target, tested without dividing: lg²·br + rg²·bl
 * ≤ target·bl·br with a relative slack that covers every rounding of both forms. The exact gain is
 * then not above the best, so skipping it picks the same split; divisions, the scan's cost, are left
 * for the few candidates near the best. NaN or a zero/denormal denominator: false (computed exactly).
 */
function cannotBeat(lg: number, bl: number, rg: number, br: number, target: number): boolean {
  const q = bl * br;
  return lg * lg * br + rg * rg * bl <= target * q * BEAT_SLACK && q > 1e-200;
}

export class LgbSplitRules implements SplitRules {
  readonly #p: LgbParams;
  readonly #bins: LgbBins;
  readonly #slotOffsets: Uint32Array;
  #order: number[] = [];
  /** The wasm scan (plain gains on histograms in `memory`), when attachWasm gave one. */
  #wasm: { memory: WebAssembly.Memory; scan: WasmLgbScan; read: (o: ScanResult) => void } | undefined;
  readonly #found: ScanResult = { gain: 0, bin: 0, reverse: 0, lg: 0, lh: 0, lc: 0, rg: 0, rh: 0, rc: 0 };

  constructor(params: LgbParams, bins: LgbBins, slotOffsets: Uint32Array) {
    this.#p = params;
    this.#bins = bins;
    this.#slotOffsets = slotOffsets;
  }

  /**
   * Scans numerical features in WebAssembly when their histograms live in `memory` (this thread's
   * instance; the same arithmetic, test): the plain-gain scan, its l2 = 0 variant, or the one for
   * lambda_l1 and max_delta_step.
   */
  attachWasm(memory: WebAssembly.Memory): void {
    const scans = wasmLgbScan(memory);
    const p = this.#p;
    const plain = p.lambdaL1 === 0 && p.maxDeltaStep <= 0;
    this.#wasm = {
      memory,
      scan: !plain ? scans.scanFull : p.lambdaL2 === 0 ? scans.scanZeroL2 : scans.scan,
      read: scans.read,
    };
  }

  /**
   * LightGBM's CalculateSplittedLeafOutput (no path smoothing). The sides of a many-category split
   * (not one-vs-rest) take lambda_l2 + cat_l2, as their gains do (FindBestThresholdCategoricalInner).
   */
  leafWeight(g: number, h: number, from?: SplitInfo): number {
    const p = this.#p;
    const l2 = from !== undefined && this.#manyCategories(from) ? p.lambdaL2 + p.catL2 : p.lambdaL2;
    return leafWeight(g, h, p.lambdaL1, l2, p.maxDeltaStep);
  }

  /** Whether `s` splits a categorical feature by a sorted category set (not one-vs-rest). */
  #manyCategories(s: SplitInfo): boolean {
    if (s.cats === undefined || s.feature < 0 || this.#bins.categories[s.feature] === undefined) return false;
    return !this.#oneVsRest(s.feature);
  }

  /**
   * LightGBM's use_onehot: num_bin ≤ max_cat_to_onehot, where num_bin counts the NaN bin every
   * categorical feature has (bin.cpp FindBin "Push the dummy bin for NaN") besides its categories.
   */
  #oneVsRest(f: number): boolean {
    const cuts = this.#bins.cuts;
    return cuts.ptrs[f + 1]! - cuts.ptrs[f]! + 1 <= this.#p.maxCatToOnehot;
  }

  /** LightGBM's GetLeafGain. */
  leafGain(g: number, h: number, l2 = this.#p.lambdaL2): number {
    return leafGain(g, h, this.#p.lambdaL1, l2, this.#p.maxDeltaStep);
  }

  /**
   * LightGBM's Dataset::FixHistogram: each numerical feature's most_freq_bin above bin 0 becomes the
   * node's sums less the feature's other bins (the missing slot included), in bin order. An empty
   * bin of 0 thus holds the rounding of the others, which decides ties between the reverse and
   * forward scans as in LightGBM. Categorical features are left as built.
   */
  fixHistogram(hist: Float64Array, base: number, g: number, h: number, from = 0, to?: number): void {
    const end = to ?? this.#bins.cuts.numFeature;
    for (let f = from; f < end; f++) this.fixFeature(hist, base + 2 * this.#slotOffsets[f]!, f, g, h);
  }

  /** fixHistogram for feature f, whose histogram starts at hist[off]. */
  fixFeature(hist: Float64Array, off: number, f: number, g: number, h: number): void {
    const { cuts, mostFreqSlot } = this.#bins;
    const z = mostFreqSlot[f]!;
    if (z < 0) return;
    const nb = cuts.ptrs[f + 1]! - cuts.ptrs[f]!;
    let zg = g;
    let zh = h;
    for (let k = 0; k <= nb; k++) {
      if (k === z) continue;
      zg -= hist[off + 2 * k]!;
      zh -= hist[off + 2 * k + 1]!;
    }
    hist[off + 2 * z] = zg;
    hist[off + 2 * z + 1] = zh;
  }

  acceptable(s: SplitInfo): boolean {
    return s.gain > 0;
  }

  findSplit(
    hist: Float64Array,
    base: number,
    g: number,
    h: number,
    count: number,
    allowed: Uint8Array,
    out: SplitInfo,
    from = 0,
    to = this.#bins.cuts.numFeature,
  ): void {
    Object.assign(out, emptySplit());
    const p = this.#p;
    if (count < 2 * p.minDataInLeaf || h < 2 * p.minSumHessianInLeaf) {
      allowed.fill(0, from, to);
      return;
    }
    // LightGBM's FindBestThreshold scans with sum_hessian + 2·kEpsilon (shift and cnt_factor too).
    const hE = h + 2 * K_EPS;
    const shift = this.leafGain(g, hE) + p.minGainToSplit;
    const cnt = count / hE;
    const { categories } = this.#bins;
    const cuts = this.#bins.cuts;
    for (let f = from; f < to; f++) {
      if (allowed[f] === 0) continue;
      const nb = cuts.ptrs[f + 1]! - cuts.ptrs[f]!;
      const off = base + 2 * this.#slotOffsets[f]!;
      const splittable =
        nb > 1 &&
        (categories[f] !== undefined
          ? this.#categorical(hist, off, nb, f, g, hE, count, cnt, shift, out)
          : this.#numerical(hist, off, nb, f, g, hE, count, cnt, shift, out));
      if (!splittable) allowed[f] = 0;
    }
  }

  #numerical(
    hist: Float64Array,
    off: number,
    nb: number,
    f: number,
    g: number,
    h: number,
    count: number,
    cnt: number,
    shift: number,
    out: SplitInfo,
  ): boolean {
    const p = this.#p;
    const minData = p.minDataInLeaf;
    const minHess = p.minSumHessianInLeaf;
    const l1 = p.lambdaL1;
    const l2 = p.lambdaL2;
    const mds = p.maxDeltaStep;
    const plain = l1 === 0 && mds <= 0;
    const w = this.#wasm;
    if (w !== undefined && hist.buffer === w.memory.buffer) {
      const forward = this.#bins.missingType[f] === MISSING_NAN ? 1 : 0;
      const at = hist.byteOffset + 8 * off;
      const found = w.scan(at, nb, g, h, count, cnt, shift, out.gain, minData, minHess, l2, forward, l1, mds);
      if ((found & 1) === 1) {
        const r = this.#found;
        w.read(r);
        // The right side as LightGBM stores it: the node's sums less the left's (as the forward scan has it).
        this.#set(out, r.gain, f, r.bin, r.reverse === 1, r.lg, r.lh, r.lc, g - r.lg, h - r.lh, r.rc);
      }
      return found !== 0;
    }
    // Reverse: right side accumulates value bins from the top; the NaN slot stays left.
    let rg = 0;
    let rh = K_EPS;
    let rc = 0;
    let best = out.gain;
    const before = out.gain;
    // The reverse scan's best raw gain (before the shift): LightGBM's output for this feature, which
    // the forward scan must beat as `raw > output->gain + min_gain_shift` (FindBestThresholdSequentially).
    let revRaw = Number.NEGATIVE_INFINITY;
    // Until a candidate beats the parent (LightGBM's is_splittable), prune only what surely does not.
    let ok = false;
    for (let t = nb - 1; t >= 1; t--) {
      const bh = hist[off + 2 * t + 1]!;
      rg += hist[off + 2 * t]!;
      rh += bh;
      rc += binCount(bh, cnt);
      if (rc < minData || rh < minHess) continue;
      const lc = count - rc;
      const lh = h - rh;
      if (lc < minData || lh < minHess) break;
      const lg = g - rg;
      if (plain && cannotBeat(lg, lh + l2, rg, rh + l2, (ok ? best : 0) + shift)) continue;
      const raw = leafGain(lg, lh, l1, l2, mds) + leafGain(rg, rh, l1, l2, mds);
      const gain = raw - shift;
      if (gain > 0) ok = true;
      if (gain > 0 && raw > revRaw) revRaw = raw;
      if (gain > best) {
        best = gain;
        this.#set(out, gain, f, t - 1, true, lg, lh, lc, g - lg, h - lh, rc);
      }
    }
    if (this.#bins.missingType[f] !== MISSING_NAN) return ok;
    // Forward: left accumulates from bin 0; NaN rows go right (up to "all values left, NaN right").
    let lg = 0;
    let lh = K_EPS;
    let lc = 0;
    const beat = revRaw - shift + shift;
    let fwdRaw = Number.NEGATIVE_INFINITY;
    for (let t = 0; t < nb; t++) {
      const bh = hist[off + 2 * t + 1]!;
      lg += hist[off + 2 * t]!;
      lh += bh;
      lc += binCount(bh, cnt);
      if (lc < minData || lh < minHess) continue;
      const rc2 = count - lc;
      const rh2 = h - lh;
      if (rc2 < minData || rh2 < minHess) break;
      const rg2 = g - lg;
      if (plain && cannotBeat(lg, lh + l2, rg2, rh2 + l2, (ok ? best : 0) + shift)) continue;
      const raw = leafGain(lg, lh, l1, l2, mds) + leafGain(rg2, rh2, l1, l2, mds);
      const gain = raw - shift;
      if (gain > 0) ok = true;
      if (raw > fwdRaw && raw > beat && gain > before) {
        fwdRaw = raw;
        best = gain;
        this.#set(out, gain, f, t, false, lg, lh, lc, rg2, rh2, rc2);
      }
    }
    return ok;
  }

  #categorical(
    hist: Float64Array,
    off: number,
    nb: number,
    f: number,
    g: number,
    h: number,
    count: number,
    cnt: number,
    shift: number,
    out: SplitInfo,
  ): boolean {
    const p = this.#p;
    const minData = p.minDataInLeaf;
    const minHess = p.minSumHessianInLeaf;
    let ok = false;
    if (this.#oneVsRest(f)) {
      for (let t = 0; t < nb; t++) {
        const bg = hist[off + 2 * t]!;
        const bh = hist[off + 2 * t + 1]!;
        const c = Math.round(bh * cnt);
        if (c < minData || bh < minHess) continue;
        const oc = count - c;
        const oh = h - bh - K_EPS;
        if (oc < minData || oh < minHess) continue;
        const gain = this.leafGain(bg, bh + K_EPS) + this.leafGain(g - bg, oh) - shift;
        if (gain > 0) ok = true;
        if (gain > out.gain) {
          this.#set(out, gain, f, -1, false, bg, bh + K_EPS, c, g - bg, h - (bh + K_EPS), oc);
          out.cats = [t];
        }
      }
      return ok;
    }
    const order = this.#order;
    order.length = 0;
    for (let t = 0; t < nb; t++) if (Math.round(hist[off + 2 * t + 1]! * cnt) >= p.catSmooth) order.push(t);
    const ctr = (t: number) => hist[off + 2 * t]! / (hist[off + 2 * t + 1]! + p.catSmooth);
    order.sort((a, b) => ctr(a) - ctr(b) || a - b);
    const l2 = p.lambdaL2 + p.catL2;
    const maxNum = Math.min(p.maxCatThreshold, Math.floor((order.length + 1) / 2));
    let bestDir = 0;
    let bestI = -1;
    for (const dir of [1, -1]) {
      let lg = 0;
      let lh = K_EPS;
      let lc = 0;
      let group = 0;
      for (let i = 0; i < order.length && i < maxNum; i++) {
        const t = order[dir === 1 ? i : order.length - 1 - i]!;
        const bh = hist[off + 2 * t + 1]!;
        lg += hist[off + 2 * t]!;
        lh += bh;
        const c = Math.round(bh * cnt);
        lc += c;
        group += c;
        if (lc < minData || lh < minHess) continue;
        const rc = count - lc;
        if (rc < minData || rc < p.minDataPerGroup) break;
        const rh = h - lh;
        if (rh < minHess) break;
        if (group < p.minDataPerGroup) continue;
        group = 0;
        const gain = this.leafGain(lg, lh, l2) + this.leafGain(g - lg, rh, l2) - shift;
        if (gain > 0) ok = true;
        if (gain > out.gain) {
          this.#set(out, gain, f, -1, false, lg, lh, lc, g - lg, rh, rc);
          bestDir = dir;
          bestI = i;
        }
      }
    }
    if (bestI >= 0 && out.feature === f && out.cats === undefined) {
      const cats: number[] = [];
      for (let i = 0; i <= bestI; i++) cats.push(order[bestDir === 1 ? i : order.length - 1 - i]!);
      out.cats = cats.sort((a, b) => a - b);
    }
    return ok;
  }

  #set(
    out: SplitInfo,
    gain: number,
    f: number,
    bin: number,
    defaultLeft: boolean,
    lg: number,
    lh: number,
    lc: number,
    rg: number,
    rh: number,
    rc: number,
  ): void {
    const { cuts } = this.#bins;
    out.gain = gain;
    out.feature = f;
    out.bin = bin;
    out.threshold = bin >= 0 ? cuts.values[cuts.ptrs[f]! + bin]! : Number.NaN;
    out.defaultLeft = defaultLeft;
    out.leftG = lg;
    out.leftH = lh;
    out.rightG = rg;
    out.rightH = rh;
    out.leftCount = lc;
    out.rightCount = rc;
    out.cats = undefined;
  }
}
