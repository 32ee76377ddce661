/**
 * LightGBM's voting-parallel learner (PV-Tree, `tree_learner=voting`,
 * src/treelearner/voting_parallel_tree_learner.cpp): rows are sharded as in data parallel and every
 * rank keeps its histograms local. For each new node a rank scores every feature on its own rows
 * (min_data_in_leaf and min_sum_hessian_in_leaf divided by the rank count, as LightGBM does) and
 * votes for its top_k; the votes are all-gathered, the 2·top_k features with most votes (ties: lower
 * index) win, only their histograms are all-reduced, and the best split among them on those global
 * histograms is taken by every rank. Approximate: the true best feature may get too few votes.
 */
import {
  type Collective,
  emptySplit,
  type GrownTree,
  type SplitInfo,
  type SplitLearner,
  type SplitRules,
} from '../core/index.js';

export class VotingParallelLearner implements SplitLearner {
  readonly localHistograms = true;
  readonly #local: SplitRules;
  readonly #global: SplitRules;
  readonly #collective: Collective;
  readonly #topK: number;
  readonly #cols: number;
  readonly #one: Uint8Array;
  readonly #scratch: SplitInfo = emptySplit();
  readonly #gains: Float64Array;
  #hist = new Float64Array(0);

  /** `local` scores features on this rank's rows, `global` picks the split on reduced histograms. */
  constructor(local: SplitRules, global: SplitRules, collective: Collective, cols: number, topK: number) {
    this.#local = local;
    this.#global = global;
    this.#collective = collective;
    this.#cols = cols;
    this.#topK = Math.min(topK, cols);
    this.#one = new Uint8Array(cols);
    this.#gains = new Float64Array(cols);
  }

  async findSplits(t: GrownTree, nids: readonly number[]): Promise<void> {
    const { ctx, sampler } = t.env;
    const { pool, histLen } = ctx;
    const offsets = ctx.matrix.slotOffsets;
    const k = this.#topK;
    const masks = nids.map((nid) => sampler.nodeMask(t.depth[nid]!).slice());
    const votes = new Float64Array(nids.length * k).fill(-1);
    nids.forEach((nid, i) => {
      if (t.slot[nid]! < 0) return;
      const [lg, lh] = t.sumGh(nid);
      const count = t.rows[nid]!.n;
      const base = t.slot[nid]! * histLen;
      const candidates: number[] = [];
      for (let f = 0; f < this.#cols; f++) {
        if (masks[i]![f] === 0) continue;
        this.#one[f] = 1;
        this.#local.findSplit(pool, base, lg, lh, count, this.#one, this.#scratch);
        this.#one[f] = 0;
        if (this.#scratch.feature < 0) continue;
        this.#gains[f] = this.#scratch.gain;
        candidates.push(f);
      }
      candidates.sort((a, b) => this.#gains[b]! - this.#gains[a]! || a - b);
      for (let j = 0; j < Math.min(k, candidates.length); j++) votes[i * k + j] = candidates[j]!;
    });
    const ballots = await this.#collective.allGather(new Uint8Array(votes.buffer));
    const tally = new Float64Array(nids.length * this.#cols);
    for (const b of ballots) {
      const v = new Float64Array(b.slice().buffer);
      for (let j = 0; j < v.length; j++) {
        const f = v[j]!;
        if (f >= 0)
          tally[Math.floor(j / k) * this.#cols + f] = tally[Math.floor(j / k) * this.#cols + f]! + 1;
      }
    }
    const chosen = nids.map((_, i) => {
      const fs: number[] = [];
      for (let f = 0; f < this.#cols; f++) if (tally[i * this.#cols + f]! > 0) fs.push(f);
      fs.sort((a, b) => tally[i * this.#cols + b]! - tally[i * this.#cols + a]! || a - b);
      return fs.slice(0, 2 * k).sort((a, b) => a - b);
    });
    // One all-reduce of the winners' histogram ranges of every node, in node then feature order.
    let size = 0;
    for (const fs of chosen) for (const f of fs) size += 2 * (offsets[f + 1]! - offsets[f]!);
    const staging = new Float64Array(size);
    let o = 0;
    nids.forEach((nid, i) => {
      const base = t.slot[nid]! * histLen;
      for (const f of chosen[i]!) {
        const len = 2 * (offsets[f + 1]! - offsets[f]!);
        if (t.slot[nid]! >= 0)
          staging.set(pool.subarray(base + 2 * offsets[f]!, base + 2 * offsets[f]! + len), o);
        o += len;
      }
    });
    if (size > 0) await this.#collective.allReduceSum(staging);
    if (this.#hist.length < histLen) this.#hist = new Float64Array(histLen);
    const hist = this.#hist;
    o = 0;
    nids.forEach((nid, i) => {
      const s = t.best[nid]!;
      Object.assign(s, emptySplit());
      const mask = masks[i]!;
      mask.fill(0);
      for (const f of chosen[i]!) {
        const len = 2 * (offsets[f + 1]! - offsets[f]!);
        hist.set(staging.subarray(o, o + len), 2 * offsets[f]!);
        o += len;
        mask[f] = 1;
      }
      if (t.slot[nid]! < 0 || chosen[i]!.length === 0) return;
      this.#global.findSplit(hist, 0, t.g[nid]!, t.h[nid]!, t.count[nid]!, mask, s);
    });
  }
}
