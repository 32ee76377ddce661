/**
 * LightGBM's feature-parallel learner (`tree_learner=feature`,
 * src/treelearner/feature_parallel_tree_learner.cpp): every rank holds all rows and builds full
 * histograms without any reduction, but finds splits only on its contiguous block of features; the
 * best split records are all-gathered and every rank takes the same global best (highest gain, then
 * lowest feature). Each rank then partitions its own rows. The numbers a split is chosen from are
 * those of a serial run, so the model equals the serial model exactly.
 */
import {
  beats,
  type Collective,
  decodeSplits,
  emptySplit,
  encodeSplits,
  type GrownTree,
  type SplitInfo,
  type SplitLearner,
  type SplitRules,
} from '../core/index.js';

/** Features [from, to) of `cols` that rank `rank` of `ranks` evaluates. */
export function featureBlock(cols: number, rank: number, ranks: number): { from: number; to: number } {
  return { from: Math.floor((rank * cols) / ranks), to: Math.floor(((rank + 1) * cols) / ranks) };
}

export class FeatureParallelLearner implements SplitLearner {
  readonly localHistograms = true;
  readonly #rules: SplitRules;
  readonly #collective: Collective;
  readonly #mask: Uint8Array;
  readonly #from: number;
  readonly #to: number;

  /** `collective` is the gang's; the tree builder itself runs with a single-rank one. */
  constructor(rules: SplitRules, collective: Collective, cols: number) {
    this.#rules = rules;
    this.#collective = collective;
    this.#mask = new Uint8Array(cols);
    const { from, to } = featureBlock(cols, collective.rank, collective.worldSize);
    this.#from = from;
    this.#to = to;
  }

  async findSplits(t: GrownTree, nids: readonly number[]): Promise<void> {
    const { ctx } = t.env;
    const mine: SplitInfo[] = [];
    for (const nid of nids) {
      const s = t.best[nid]!;
      Object.assign(s, emptySplit());
      mine.push(s);
      if (t.slot[nid]! < 0) continue;
      const allowed = t.scanMask(nid);
      this.#mask.fill(0);
      for (let f = this.#from; f < this.#to; f++) this.#mask[f] = allowed[f]!;
      this.#rules.findSplit(
        ctx.pool,
        t.slot[nid]! * ctx.histLen,
        t.g[nid]!,
        t.h[nid]!,
        t.count[nid]!,
        this.#mask,
        s,
      );
      t.splittable[nid] = this.#mask.slice();
    }
    if (this.#collective.worldSize === 1) return;
    const all = await this.#collective.allGather(encodeSplits(mine));
    let best = mine.map(() => emptySplit());
    for (const bytes of all) {
      const theirs = decodeSplits(bytes, nids.length);
      best = best.map((b, i) => (beats(theirs[i]!, b) ? theirs[i]! : b));
    }
    nids.forEach((nid, i) => {
      Object.assign(t.best[nid]!, best[i]!);
    });
  }
}
