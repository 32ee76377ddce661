/**
 * Split finding on one node's histogram, as XGBoost 1.7 hist does it (src/tree/param.h CalcWeight /
 * CalcGainGivenWeight, src/tree/hist/evaluate_splits.h EnumerateSplit): a forward scan with missing
 * values on the right, then, for features with missing values, a backward scan with them on the left.
 * Gains are rounded to float32 like XGBoost's, and a candidate replaces the best only when strictly
 * better (features in ascending order), so every rank picks the same split.
 */
import type { Cuts } from './cuts.js';

/** The regularisation parameters split finding reads. */
export interface GainParams {
  readonly lambda: number;
  readonly alpha: number;
  readonly maxDeltaStep: number;
  readonly minChildWeight: number;
}

/** The best split of a node; `feature` −1 when none has positive gain. */
export interface SplitInfo {
  gain: number;
  feature: number;
  /** Rows with code ≤ bin go left (−1: every non-missing row goes right). */
  bin: number;
  threshold: number;
  defaultLeft: boolean;
  leftG: number;
  leftH: number;
  rightG: number;
  rightH: number;
  /** LightGBM flavour: estimated global rows per side (LightGBM's hessian-based counts). */
  leftCount: number;
  rightCount: number;
  /** LightGBM flavour, categorical split: the bins that go left (the missing slot always goes right). */
  cats: readonly number[] | undefined;
}

export function emptySplit(): SplitInfo {
  return {
    gain: 0,
    feature: -1,
    bin: 0,
    threshold: 0,
    defaultLeft: false,
    leftG: 0,
    leftH: 0,
    rightG: 0,
    rightH: 0,
    leftCount: 0,
    rightCount: 0,
    cats: undefined,
  };
}

function thresholdL1(g: number, alpha: number): number {
  if (g > alpha) return g - alpha;
  if (g < -alpha) return g + alpha;
  return 0;
}

/** Leaf weight −T(G, α)/(H + λ), clipped to max_delta_step; 0 below min_child_weight. Float32. */
export function calcWeight(p: GainParams, g: number, h: number): number {
  if (h < p.minChildWeight || h <= 0) return 0;
  let w = -thresholdL1(g, p.alpha) / (h + p.lambda);
  if (p.maxDeltaStep !== 0 && Math.abs(w) > p.maxDeltaStep) w = w < 0 ? -p.maxDeltaStep : p.maxDeltaStep;
  return Math.fround(w);
}

/** The score of a node with sums (G, H): T(G, α)²/(H + λ), or the weight form under max_delta_step. */
export function calcGain(p: GainParams, g: number, h: number): number {
  if (h <= 0) return 0;
  if (p.maxDeltaStep === 0) {
    const t = thresholdL1(g, p.alpha);
    return (t * t) / (h + p.lambda);
  }
  const w = calcWeight(p, g, h);
  return -(2 * g * w + (h + p.lambda) * w * w);
}

/** The node's own score rounded to float32 (XGBoost's `root_gain`). */
export function nodeGain(p: GainParams, g: number, h: number): number {
  return Math.fround(calcGain(p, g, h));
}

/**
 * Finds the best split of the node whose histogram is `hist[base, base + histLen)`, with sums
 * (G, H), over the features where `allowed[f]` is 1. Writes into `out` (reset first).
 */
export function findBestSplit(
  p: GainParams,
  cuts: Cuts,
  slotOffsets: Uint32Array,
  hist: Float64Array,
  base: number,
  g: number,
  h: number,
  allowed: Uint8Array,
  out: SplitInfo,
): void {
  Object.assign(out, emptySplit());
  const rootGain = nodeGain(p, g, h);
  const mcw = p.minChildWeight;
  const cutValues = cuts.values;
  for (let f = 0; f < cuts.numFeature; f++) {
    if (allowed[f] === 0) continue;
    const first = cuts.ptrs[f]!;
    const nb = cuts.ptrs[f + 1]! - first;
    const off = base + 2 * slotOffsets[f]!;
    let accG = 0;
    let accH = 0;
    for (let i = 0; i < nb; i++) {
      accG += hist[off + 2 * i]!;
      accH += hist[off + 2 * i + 1]!;
      const rg = g - accG;
      const rh = h - accH;
      if (accH >= mcw && rh >= mcw) {
        const gain = Math.fround(Math.fround(calcGain(p, accG, accH) + calcGain(p, rg, rh)) - rootGain);
        if (gain > out.gain && gain !== Number.POSITIVE_INFINITY) {
          set(out, gain, f, i, cutValues[first + i]!, false, accG, accH, rg, rh);
        }
      }
    }
    if (cuts.hasMissing[f] === 0) continue;
    accG = 0;
    accH = 0;
    for (let i = nb - 1; i >= 0; i--) {
      accG += hist[off + 2 * i]!;
      accH += hist[off + 2 * i + 1]!;
      const lg = g - accG;
      const lh = h - accH;
      if (accH >= mcw && lh >= mcw) {
        const gain = Math.fround(Math.fround(calcGain(p, lg, lh) + calcGain(p, accG, accH)) - rootGain);
        if (gain > out.gain && gain !== Number.POSITIVE_INFINITY) {
          const threshold = i === 0 ? cuts.minValues[f]! : cutValues[first + i - 1]!;
          set(out, gain, f, i - 1, threshold, true, lg, lh, accG, accH);
        }
      }
    }
  }
}

function set(
  out: SplitInfo,
  gain: number,
  feature: number,
  bin: number,
  threshold: number,
  defaultLeft: boolean,
  lg: number,
  lh: number,
  rg: number,
  rh: number,
): void {
  out.gain = gain;
  out.feature = feature;
  out.bin = bin;
  out.threshold = threshold;
  out.defaultLeft = defaultLeft;
  out.leftG = lg;
  out.leftH = lh;
  out.rightG = rg;
  out.rightH = rh;
}
