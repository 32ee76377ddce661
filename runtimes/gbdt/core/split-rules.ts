/**
 * What a flavour hands the tree builder (tree-builder.ts): growth parameters, its split rules
 * (absent: XGBoost 1.7's, split.ts) and, for LightGBM's feature and voting parallel, a learner that
 * finds splits itself. The core never imports a flavour; flavours implement these.
 */
import type { GrownTree } from './grown-tree.js';
import type { GainParams, SplitInfo } from './split.js';

/** What growth needs beyond the gain parameters. */
export interface GrowParams extends GainParams {
  readonly eta: number;
  readonly gamma: number;
  readonly maxDepth: number;
  readonly maxLeaves: number;
}

/**
 * A flavour's split rules (the LightGBM flavour, lightgbm/split.ts); absent = XGBoost 1.7's. With
 * rules, every node also carries its global row count (all-reduced with the histograms).
 */
export interface SplitRules {
  /**
   * Unshrunk leaf weight of a node with sums (g, h); `from`: the split that made the node one of its
   * sides (absent for the root). LightGBM regularises the sides of a many-category split with
   * lambda_l2 + cat_l2 (feature_histogram.cpp FindBestThresholdCategoricalInner).
   */
  leafWeight(g: number, h: number, from?: SplitInfo): number;
  /**
   * Writes the best split of the node whose histogram is hist[base, …) into `out` (feature −1: none),
   * and clears `allowed[f]` for each scanned feature no valid threshold of which beats the node
   * (LightGBM's is_splittable), so the caller passes a copy and keeps what it gets back.
   */
  findSplit(
    hist: Float64Array,
    base: number,
    g: number,
    h: number,
    count: number,
    allowed: Uint8Array,
    out: SplitInfo,
  ): void;
  /**
   * LightGBM's Dataset::FixHistogram on a node histogram just built from rows (complete: all-reduced
   * across ranks): features [from, to) get their most frequent bin rebuilt as the node's sums less
   * their other bins, which keeps those bins' rounding there. Absent: histograms stay as built.
   */
  fixHistogram?(hist: Float64Array, base: number, g: number, h: number, from?: number, to?: number): void;
  /** Whether a found split is applied (LightGBM: its gain over min_gain_to_split is > 0). */
  acceptable(s: SplitInfo): boolean;
}

/**
 * A LightGBM parallel learner (lightgbm/parallel-feature.ts, parallel-voting.ts) in place of data
 * parallel: it finds the best splits of freshly built nodes itself and makes every rank agree on them.
 */
export interface SplitLearner {
  /** Built histograms stay as they are (only the node row counts are all-reduced). */
  readonly localHistograms: boolean;
  /**
   * The learner makes the new nodes' row counts global itself (findSplits finds them as this rank's,
   * `rows[nid].n`, and sets `count`), so the builder does not all-reduce them.
   */
  readonly ownsCounts?: boolean;
  /** Writes into `t.best` the split of each of `nids` (histograms built), the same on every rank. */
  findSplits(t: GrownTree, nids: readonly number[]): Promise<void>;
}
