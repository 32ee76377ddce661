/**
 * The state of one tree while it grows, and the steps both growth policies share: root statistics,
 * applying a split (XGBoost's `ExpandNode`), partitioning the split nodes' rows in one batch, building
 * children's histograms (the smaller child by hessian from rows, its sibling by subtraction, the
 * built ones all-reduced across ranks in one call), and split evaluation. Every branch depends only
 * on all-reduced numbers, so all ranks grow identical trees.
 */
import type { Cuts } from './cuts.js';
import type { ColumnSampler } from './col-sampler.js';
import type { SlotPool } from './histogram.js';
import type { HistContext, NodeBuild } from './hist-context.js';
import { subtractHist } from './histogram.js';
import { type NodeRows, type PartitionJob, partitionNodes } from './partition.js';
import { calcWeight, emptySplit, findBestSplit, type SplitInfo } from './split.js';
import { type HistScanPair, histScanSplits, type ScanJob, scanSplits } from './split-tasks.js';
import type { GrownTree } from './grown-tree.js';
import type { GrowParams, SplitLearner, SplitRules } from './split-rules.js';
import type { TaskRunner } from './task-runner.js';
import { buildHistograms } from './tasks.js';
import type { Collective, Tree } from './types.js';

/** Shared, reused across trees. */
export interface GrowEnv {
  readonly params: GrowParams;
  readonly cuts: Cuts;
  readonly ctx: HistContext;
  readonly runner: TaskRunner;
  readonly slots: SlotPool;
  readonly sampler: ColumnSampler;
  readonly collective: Collective;
  readonly rules?: SplitRules;
  readonly learner?: SplitLearner;
  /**
   * Split scans run as tasks on the runner's threads (split-tasks.ts; the rules are installed for
   * ctx on every thread): the per-feature histogram slots they are cut by.
   */
  readonly scanSlots?: Uint32Array;
}

const RT_EPS = 1e-6;
/** LightGBM's kEpsilon (lightgbm/split.ts). */
const LGB_K_EPS = Math.fround(1e-15);
const NO_ROWS: NodeRows = { buf: 0, segs: [], n: 0 };
const ROOT_PARENT = 2147483647;

export class TreeBuilder implements GrownTree {
  readonly env: GrowEnv;
  readonly left: number[] = [-1];
  readonly right: number[] = [-1];
  readonly parent: number[] = [ROOT_PARENT];
  /** Per node: where its rows are while it is a leaf being grown. */
  readonly rows: NodeRows[] = [NO_ROWS];
  /** Per leaf, after finish(): its rows are ctx.rowIndex[begin, end). */
  readonly begin: number[] = [0];
  readonly end: number[] = [0];
  readonly g: number[] = [0];
  readonly h: number[] = [0];
  readonly depth: number[] = [0];
  readonly slot: number[] = [-1];
  readonly value: number[] = [0];
  readonly baseWeight: number[] = [0];
  readonly best: SplitInfo[] = [emptySplit()];
  /** Global rows per node (kept with SplitRules only). */
  readonly count: number[] = [0];
  /** Per scanned node, with SplitRules: the features its scan found splittable (scanMask). */
  readonly splittable: (Uint8Array | undefined)[] = [undefined];
  numLeaves = 1;
  /** The nodes whose histograms the last build made from rows (the others were derived by subtraction). */
  built: readonly number[] = [];
  /** Nodes split by applySplit whose rows `partition` has not divided yet. */
  #pending: number[] = [];
  #staging = new Float64Array(0);
  /** Per node: its unshrunk weight as a leaf (with SplitRules, its internal value once split). */
  #output: number[] = [0];

  constructor(env: GrowEnv) {
    this.env = env;
  }

  /** Root: `rows` (partition.ts allRows / loadRows); sums and histogram all-reduced; its best split found. */
  async initRoot(rows: NodeRows): Promise<void> {
    const { ctx, collective, cuts } = this.env;
    const n = rows.n;
    this.rows[0] = rows;
    this.slot[0] = this.env.slots.alloc();
    await this.#buildAndReduce([0]);
    const sums = new Float64Array(this.env.rules ? 3 : 2);
    let sg = 0;
    let sh = 0;
    if (this.env.rules) {
      [sg, sh] = this.sumGh(0);
      sums[0] = sg;
      sums[1] = sh;
      sums[2] = n;
      await collective.allReduceSum(sums);
      this.count[0] = sums[2]!;
    } else if (cuts.hasMissing.every((m) => m === 0)) {
      // XGBoost on dense data: the root sums are the first feature's (all-reduced) histogram.
      const base = this.slot[0]! * ctx.histLen;
      const nb = cuts.ptrs[1]! - cuts.ptrs[0]!;
      for (let i = 0; i < 2 * nb; i += 2) {
        sg += ctx.pool[base + i]!;
        sh += ctx.pool[base + i + 1]!;
      }
      sums[0] = sg;
      sums[1] = sh;
    } else {
      [sg, sh] = this.sumGh(0);
      sums[0] = sg;
      sums[1] = sh;
      await collective.allReduceSum(sums);
    }
    this.g[0] = sums[0]!;
    this.h[0] = sums[1]!;
    this.#fixBuilt([0]);
    const w = this.#weight(this.g[0], this.h[0]);
    this.#output[0] = w;
    this.baseWeight[0] = w;
    this.value[0] = this.#shrink(w);
    await this.#evaluateAll([0]);
  }

  /** The node's `[Σg, Σh]` over its local rows, in row order. */
  sumGh(nid: number): [number, number] {
    const { buf, segs } = this.rows[nid]!;
    const gh = this.env.ctx.bufs[buf]!.gh;
    let sg = 0;
    let sh = 0;
    for (let s = 0; s < segs.length; s += 2) {
      for (let i = segs[s]!, e = segs[s + 1]!; i < e; i++) {
        sg += gh[2 * i]!;
        sh += gh[2 * i + 1]!;
      }
    }
    return [sg, sh];
  }

  /**
   * Ends growth: every leaf's row ids, leaf after leaf, into ctx.rowIndex, as [begin, end) of the
   * leaf (what the callers that add leaf values or refit leaves read).
   */
  finish(): void {
    const { ctx } = this.env;
    let p = 0;
    for (let nid = 0; nid < this.left.length; nid++) {
      if (this.left[nid] !== -1) continue;
      const { buf, segs } = this.rows[nid]!;
      const idx = ctx.bufs[buf]!.idx;
      this.begin[nid] = p;
      for (let s = 0; s < segs.length; s += 2) {
        ctx.rowIndex.set(idx.subarray(segs[s]!, segs[s + 1]!), p);
        p += segs[s + 1]! - segs[s]!;
      }
      this.end[nid] = p;
    }
  }

  async #evaluateAll(nids: readonly number[]): Promise<void> {
    const learner = this.env.learner;
    if (learner) return learner.findSplits(this, nids);
    const scanSlots = this.env.scanSlots;
    if (scanSlots && this.env.rules) {
      const { ctx } = this.env;
      const jobs: ScanJob[] = [];
      for (const nid of nids) {
        const slot = this.slot[nid]!;
        if (slot < 0) continue;
        jobs.push({
          base: slot * ctx.histLen,
          g: this.g[nid]!,
          h: this.h[nid]!,
          count: this.count[nid]!,
          mask: this.scanMask(nid),
          out: this.best[nid]!,
        });
        this.splittable[nid] = jobs[jobs.length - 1]!.mask;
      }
      scanSplits(ctx, this.env.runner, scanSlots, jobs);
      return;
    }
    for (const nid of nids) this.evaluate(nid);
  }

  /**
   * SplitRules.fixHistogram on nodes just built (derived ones are then subtracted from them, as in
   * LightGBM), where their histograms are complete: not a voting learner's local ones on several ranks.
   */
  #fixBuilt(nids: readonly number[]): void {
    const { rules, learner, collective, ctx } = this.env;
    if (!rules?.fixHistogram || (learner?.localHistograms && collective.worldSize > 1)) return;
    for (const nid of nids) {
      if (this.slot[nid]! >= 0)
        rules.fixHistogram(ctx.pool, this.slot[nid]! * ctx.histLen, this.g[nid]!, this.h[nid]!);
    }
  }

  #weight(g: number, h: number, from?: SplitInfo): number {
    const rules = this.env.rules;
    return rules ? rules.leafWeight(g, h, from) : calcWeight(this.env.params, g, h);
  }

  /** The leaf value: weight × eta (XGBoost: in float32 with a float32 eta). */
  #shrink(w: number): number {
    const eta = this.env.params.eta;
    return this.env.rules ? w * eta : Math.fround(w * Math.fround(eta));
  }

  /** XGBoost's ExpandEntry::IsValid (with SplitRules: LightGBM's positive gain). */
  canSplit(nid: number): boolean {
    const s = this.best[nid]!;
    const p = this.env.params;
    const rules = this.env.rules;
    if (rules) {
      if (s.feature < 0 || !rules.acceptable(s)) return false;
    } else if (s.feature < 0 || s.gain <= RT_EPS) return false;
    if (s.leftH === 0 || s.rightH === 0) return false;
    if (s.gain < p.gamma) return false;
    if (p.maxDepth > 0 && this.depth[nid] === p.maxDepth) return false;
    if (p.maxLeaves > 0 && this.numLeaves === p.maxLeaves) return false;
    return true;
  }

  /** XGBoost's ChildIsValid, checked right after a split is applied. */
  childrenExpandable(childDepth: number): boolean {
    const p = this.env.params;
    if (p.maxDepth > 0 && childDepth >= p.maxDepth) return false;
    if (p.maxLeaves > 0 && this.numLeaves >= p.maxLeaves) return false;
    return true;
  }

  /** Turns leaf `nid` into a split with two leaf children; `partition` then divides its rows. */
  applySplit(nid: number): void {
    const s = this.best[nid]!;
    const l = this.left.length;
    this.left[nid] = l;
    this.right[nid] = l + 1;
    // LightGBM keeps the leaf's output as the node's internal value (Tree::Split).
    this.baseWeight[nid] = this.env.rules
      ? this.#output[nid]!
      : this.#weight(s.leftG + s.rightG, s.leftH + s.rightH);
    this.#pending.push(nid);
    for (const [c, g, h, n] of [
      [l, s.leftG, s.leftH, s.leftCount],
      [l + 1, s.rightG, s.rightH, s.rightCount],
    ] as const) {
      this.left[c] = -1;
      this.right[c] = -1;
      this.parent[c] = nid;
      this.rows[c] = NO_ROWS;
      this.begin[c] = 0;
      this.end[c] = 0;
      this.g[c] = g;
      // LightGBM: a split's side hessians carry a kEpsilon; the output uses them, the child's sums
      // (the next scan's) drop it (feature_histogram.hpp left_sum_hessian = best − kEpsilon).
      this.h[c] = this.env.rules ? h - LGB_K_EPS : h;
      this.depth[c] = this.depth[nid]! + 1;
      this.slot[c] = -1;
      this.count[c] = n;
      this.splittable[c] = undefined;
      const w = this.#weight(g, h, s);
      this.#output[c] = w;
      const v = this.#shrink(w);
      this.value[c] = v;
      this.baseWeight[c] = v;
      this.best[c] = emptySplit();
    }
    this.numLeaves++;
  }

  /** Divides the rows of every node split since the last call (one batch), giving children their ranges. */
  partition(): void {
    const nids = this.#pending;
    this.#pending = [];
    const jobs: PartitionJob[] = nids.map((nid) => {
      const s = this.best[nid]!;
      return {
        rows: this.rows[nid]!,
        feature: s.feature,
        bin: s.bin,
        defaultLeft: s.defaultLeft,
        cats: s.cats,
      };
    });
    const children = partitionNodes(this.env.ctx, this.env.runner, jobs);
    // LightGBM's serial learner counts the children's rows in the partition (SplitInner with
    // update_cnt); the split's estimates stay on several ranks until the rows are all-reduced
    // (expandChildren for built nodes, globalLeafCounts for the leaves).
    const actual = this.env.rules !== undefined && this.env.collective.worldSize === 1;
    nids.forEach((nid, i) => {
      const l = this.left[nid]!;
      [this.rows[l], this.rows[l + 1]] = children[i]!;
      this.rows[nid] = NO_ROWS;
      if (actual) {
        this.count[l] = this.rows[l]!.n;
        this.count[l + 1] = this.rows[l + 1]!.n;
      }
    });
  }

  /**
   * With SplitRules on several ranks: every leaf's row count becomes its global count (one
   * all-reduce per tree), what one rank counts in its partition. Call once growth has ended.
   */
  async globalLeafCounts(): Promise<void> {
    const { rules, collective } = this.env;
    if (rules === undefined || collective.worldSize === 1) return;
    const leaves: number[] = [];
    for (let nid = 0; nid < this.left.length; nid++) if (this.left[nid] === -1) leaves.push(nid);
    const counts = Float64Array.from(leaves, (nid) => this.rows[nid]!.n);
    await collective.allReduceSum(counts);
    leaves.forEach((nid, i) => {
      this.count[nid] = counts[i]!;
    });
  }

  /** Histograms and best splits of the children of the split nodes `nids` (one all-reduce). */
  async expandChildren(nids: readonly number[]): Promise<void> {
    if (this.#fuse(nids)) return;
    const build: number[] = [];
    const derive: [number, number, number][] = [];
    for (const nid of nids) {
      const [small, large] = this.#smallerFirst(nid);
      this.slot[small] = this.env.slots.alloc();
      this.slot[large] = this.env.slots.alloc();
      build.push(small);
      if (this.slot[nid]! >= 0 && this.slot[large]! >= 0) derive.push([nid, small, large]);
      else build.push(large);
    }
    await this.#buildAndReduce(build);
    this.#fixBuilt(this.built);
    const { pool, histLen } = this.env.ctx;
    for (const [nid, small, large] of derive) {
      subtractHist(pool, histLen, this.slot[nid]!, this.slot[small]!, this.slot[large]!);
      if (this.env.rules) this.count[large] = this.count[nid]! - this.count[small]!;
    }
    for (const nid of nids) this.release(nid);
    await this.#evaluateAll(nids.flatMap((nid) => [this.left[nid]!, this.left[nid]! + 1]));
  }

  /**
   * One rank with split scans as tasks (LightGBM flavour, threads, wasm kernels): each split's smaller child is
   * built, its sibling subtracted and both scanned in one batch, each task doing all three for its
   * features (split-tasks.ts HIST_SCAN) — what expandChildren's separate steps give, with one
   * batch instead of two and no serial subtraction. False (nothing done) where that does not apply.
   */
  #fuse(nids: readonly number[]): boolean {
    const { scanSlots, rules, learner, collective, slots, ctx, runner } = this.env;
    // With JavaScript kernels, cutting small nodes' histograms by features costs more than the
    // batch it saves (whole trainings: 30% slower), so they keep the separate steps.
    if (!scanSlots || !rules || learner || collective.worldSize !== 1 || !ctx.memory) return false;
    if (nids.some((nid) => this.slot[nid]! < 0)) return false;
    // Slots first, for every split: a full pool leaves the tree as it was (the caller builds then).
    const taken: number[] = [];
    for (let i = 0; i < 2 * nids.length; i++) taken.push(slots.alloc());
    if (taken.some((x) => x < 0)) {
      for (const x of taken) slots.release(x);
      return false;
    }
    const pairs: HistScanPair[] = [];
    const built: number[] = [];
    for (const [i, nid] of nids.entries()) {
      const [small, large] = this.#smallerFirst(nid);
      const a = taken[2 * i]!;
      this.slot[small] = a;
      this.slot[large] = taken[2 * i + 1]!;
      this.count[small] = this.rows[small]!.n;
      this.count[large] = this.count[nid]! - this.count[small]!;
      const job = (c: number): ScanJob => {
        const mask = this.scanMask(c);
        this.splittable[c] = mask;
        return {
          base: this.slot[c]! * ctx.histLen,
          g: this.g[c]!,
          h: this.h[c]!,
          count: this.count[c]!,
          mask,
          out: this.best[c]!,
        };
      };
      built.push(small);
      pairs.push({
        small: { slot: a, ...this.rows[small]! },
        parentSlot: this.slot[nid]!,
        smallJob: job(small),
        largeJob: job(large),
      });
    }
    this.built = built;
    histScanSplits(ctx, runner, scanSlots, pairs);
    for (const nid of nids) this.release(nid);
    return true;
  }

  /**
   * The children of `nid`, the one to build from rows first: XGBoost's has less hessian (ties: left),
   * LightGBM's fewer rows (ties: right, serial_tree_learner.cpp BeforeFindBestSplit).
   */
  #smallerFirst(nid: number): [number, number] {
    const l = this.left[nid]!;
    const r = l + 1;
    const fewerRight = this.env.rules ? !(this.count[l]! < this.count[r]!) : this.h[r]! < this.h[l]!;
    return fewerRight ? [r, l] : [l, r];
  }

  /**
   * A fresh copy of the features node `nid` may be split on: the sampler's, and with SplitRules only
   * those its parent's scan found splittable (LightGBM's FindBestSplits skips a feature whose parent
   * histogram is not is_splittable, serial_tree_learner.cpp). The scan then clears what it finds
   * unsplittable; store the copy in `splittable[nid]`.
   */
  scanMask(nid: number): Uint8Array {
    const mask = Uint8Array.from(this.env.sampler.nodeMask(this.depth[nid]!));
    const parent = this.env.rules ? this.splittable[this.parent[nid]!] : undefined;
    if (parent) for (let f = 0; f < mask.length; f++) mask[f] = mask[f]! & parent[f]!;
    return mask;
  }

  /** Frees a node's histogram. */
  release(nid: number): void {
    this.env.slots.release(this.slot[nid]!);
    this.slot[nid] = -1;
  }

  evaluate(nid: number): void {
    const { params, cuts, ctx, sampler } = this.env;
    const slot = this.slot[nid]!;
    if (slot < 0) return;
    const base = slot * ctx.histLen;
    if (this.env.rules) {
      const mask = this.scanMask(nid);
      this.splittable[nid] = mask;
      this.env.rules.findSplit(
        ctx.pool,
        base,
        this.g[nid]!,
        this.h[nid]!,
        this.count[nid]!,
        mask,
        this.best[nid]!,
      );
      return;
    }
    const mask = sampler.nodeMask(this.depth[nid]!);
    findBestSplit(
      params,
      cuts,
      ctx.matrix.slotOffsets,
      ctx.pool,
      base,
      this.g[nid]!,
      this.h[nid]!,
      mask,
      this.best[nid]!,
    );
  }

  async #buildAndReduce(nids: readonly number[]): Promise<void> {
    const { ctx, runner, collective } = this.env;
    const tasks: NodeBuild[] = [];
    for (const nid of nids) {
      if (this.slot[nid]! >= 0) tasks.push({ slot: this.slot[nid]!, ...this.rows[nid]! });
    }
    buildHistograms(ctx, runner, tasks);
    const counted = this.env.rules !== undefined;
    const built = nids.filter((nid) => this.slot[nid]! >= 0);
    this.built = built;
    if (counted) for (const nid of built) this.count[nid] = this.rows[nid]!.n;
    if (collective.worldSize === 1 || tasks.length === 0) return;
    const len = ctx.histLen;
    // With SplitRules the built nodes' row counts ride along at the end of the same all-reduce.
    if (this.env.learner?.localHistograms) {
      if (this.env.learner.ownsCounts) return;
      const counts = Float64Array.from(built, (nid) => this.count[nid]!);
      await collective.allReduceSum(counts);
      built.forEach((nid, i) => {
        this.count[nid] = counts[i]!;
      });
      return;
    }
    const size = tasks.length * len + (counted ? tasks.length : 0);
    if (this.#staging.length < size) this.#staging = new Float64Array(size);
    const staging = this.#staging.subarray(0, size);
    for (let i = 0; i < tasks.length; i++) {
      const s = tasks[i]!.slot * len;
      staging.set(ctx.pool.subarray(s, s + len), i * len);
      if (counted) staging[tasks.length * len + i] = this.count[built[i]!]!;
    }
    await collective.allReduceSum(staging);
    for (let i = 0; i < tasks.length; i++) {
      ctx.pool.set(staging.subarray(i * len, (i + 1) * len), tasks[i]!.slot * len);
      if (counted) this.count[built[i]!] = staging[tasks.length * len + i]!;
    }
  }

  /** The finished tree in XGBoost's layout. */
  toTree(): Tree {
    const n = this.left.length;
    const tree: Tree = {
      leftChildren: Int32Array.from(this.left),
      rightChildren: Int32Array.from(this.right),
      parents: Int32Array.from(this.parent),
      splitIndices: new Int32Array(n),
      splitConditions: new Float32Array(n),
      defaultLeft: new Uint8Array(n),
      baseWeights: Float32Array.from(this.baseWeight),
      lossChanges: new Float32Array(n),
      sumHessian: Float32Array.from(this.h),
    };
    for (let i = 0; i < n; i++) {
      if (this.left[i] === -1) {
        tree.splitConditions[i] = this.value[i]!;
        continue;
      }
      const s = this.best[i]!;
      tree.splitIndices[i] = s.feature;
      tree.splitConditions[i] = s.threshold;
      tree.defaultLeft[i] = s.defaultLeft ? 1 : 0;
      tree.lossChanges[i] = s.gain;
    }
    return tree;
  }
}
