/**
 * LightGBM's data-parallel learner (`tree_learner=data`,
 * src/treelearner/data_parallel_tree_learner.cpp): rows are sharded and every rank builds histograms
 * of its own rows. The features are cut into one contiguous block per rank, balanced by histogram
 * slots; the histograms a batch built from rows are reduce-scattered so that each rank receives the
 * global sums of its block only, finds the best split on its block, and the split records are
 * exchanged so that every rank takes the same global best (highest gain, then lowest feature).
 *
 * Like LightGBM, only the nodes built from rows (the smaller child of each split) travel: this rank
 * keeps the global block of every open leaf and gets the larger child's as parent − smaller on the
 * global blocks — the arithmetic of the all-reduce path (global parent − global smaller), at half its
 * traffic. The reduced nodes' row counts ride at the end of every rank's part of the same
 * reduce-scatter (each rank gets them all), and a derived node's count is its parent's minus its
 * sibling's: with the split records' exchange, two collectives per batch of splits. Node sums are
 * global already, so all ranks grow the same tree.
 */
import {
  beats,
  type Collective,
  emptySplit,
  fixedSplitWords,
  type GrownTree,
  readFixedSplit,
  type SplitInfo,
  type SplitLearner,
  type SplitRules,
  writeFixedSplit,
} from '../core/index.js';

/**
 * The n+1 feature boundaries of the rank blocks: rank r scans features [b[r], b[r+1]). Each boundary
 * is the feature start whose histogram slot is nearest to r/n of all slots (ties: the lower feature).
 */
export function slotBlocks(slotOffsets: Uint32Array, cols: number, ranks: number): number[] {
  const total = slotOffsets[cols]!;
  const bounds = [0];
  for (let r = 1; r < ranks; r++) {
    const target = (r * total) / ranks;
    let f = bounds[r - 1]!;
    while (f < cols && Math.abs(slotOffsets[f + 1]! - target) < Math.abs(slotOffsets[f]! - target)) f++;
    bounds.push(f);
  }
  bounds.push(cols);
  return bounds;
}

/** a[d + i] = a[p + i] − a[s + i] for i < len (the larger child's block: parent − smaller). */
function subtract(a: Float64Array, d: number, p: number, s: number, len: number): void {
  for (let i = 0; i < len; i++) a[d + i] = a[p + i]! - a[s + i]!;
}

export class DataParallelLearner implements SplitLearner {
  readonly localHistograms = true;
  readonly ownsCounts = true;
  readonly #rules: SplitRules;
  readonly #collective: Collective;
  readonly #mask: Uint8Array;
  readonly #from: number;
  readonly #to: number;
  /** Per rank: the histogram elements [elems[r], elems[r+1]) of its feature block. */
  readonly #elems: number[];
  readonly #lo: number;
  readonly #len: number;
  /**
   * Global blocks of open leaves: block k at arena[lo + k·len, lo + (k+1)·len), so that the arena
   * read as a whole histogram at base k·len holds it where the split rules look for it (they read
   * only the features the mask allows, all inside the block, as parallel-voting.ts relies on too).
   */
  #arena: Float64Array;
  #capacity = 0;
  readonly #free: number[] = [];
  /** Per node of the current tree: its arena block, −1 for none. */
  readonly #at: number[] = [];
  #tree: GrownTree | undefined;
  #staging = new Float64Array(0);
  /** Bitset words a categorical split record needs: one bit per slot of the widest feature. */
  readonly #catWords: number;

  /** `slotOffsets`: the histogram layout (bin-matrix.ts) the rules read; `cols` features. */
  constructor(rules: SplitRules, collective: Collective, slotOffsets: Uint32Array, cols: number) {
    this.#rules = rules;
    this.#collective = collective;
    this.#mask = new Uint8Array(cols);
    const bounds = slotBlocks(slotOffsets, cols, collective.worldSize);
    const me = collective.rank;
    this.#from = bounds[me]!;
    this.#to = bounds[me + 1]!;
    this.#elems = bounds.map((f) => 2 * slotOffsets[f]!);
    this.#lo = this.#elems[me]!;
    this.#len = this.#elems[me + 1]! - this.#lo;
    this.#arena = new Float64Array(this.#lo);
    let widest = 0;
    for (let f = 0; f < cols; f++) widest = Math.max(widest, slotOffsets[f + 1]! - slotOffsets[f]!);
    this.#catWords = Math.ceil(widest / 32);
  }

  /** Features [from, to) whose splits this rank evaluates. */
  get block(): { from: number; to: number } {
    return { from: this.#from, to: this.#to };
  }

  async findSplits(t: GrownTree, nids: readonly number[]): Promise<void> {
    if (t !== this.#tree) this.#startTree(t);
    const built = new Set(t.built);
    const reduce: number[] = [];
    const derive: number[] = [];
    for (const nid of nids) {
      if (t.slot[nid]! < 0) continue;
      const sib = this.#sibling(t, nid);
      const fromParent =
        !built.has(nid) &&
        this.#blockOf(t.parent[nid]!) >= 0 &&
        built.has(sib) &&
        t.slot[sib]! >= 0 &&
        nids.includes(sib);
      (fromParent ? derive : reduce).push(nid);
    }
    await this.#reduceScatter(t, reduce);
    for (const nid of derive) {
      t.count[nid] = t.count[t.parent[nid]!]! - t.count[this.#sibling(t, nid)]!;
      const k = this.#alloc(nid);
      const p = this.#lo + this.#blockOf(t.parent[nid]!) * this.#len;
      const s = this.#lo + this.#blockOf(this.#sibling(t, nid)) * this.#len;
      subtract(this.#arena, this.#lo + k * this.#len, p, s, this.#len);
    }
    // A split node's block is not needed once its children have theirs.
    for (const nid of nids) {
      const parent = t.parent[nid]!;
      if (this.#blockOf(parent) >= 0) this.#release(parent);
    }
    const mine: SplitInfo[] = [];
    for (const nid of nids) {
      const s = t.best[nid]!;
      Object.assign(s, emptySplit());
      mine.push(s);
      const k = this.#blockOf(nid);
      if (k < 0) continue;
      const allowed = t.scanMask(nid);
      this.#mask.fill(0);
      for (let f = this.#from; f < this.#to; f++) this.#mask[f] = allowed[f]!;
      this.#rules.findSplit(this.#arena, k * this.#len, t.g[nid]!, t.h[nid]!, t.count[nid]!, this.#mask, s);
      t.splittable[nid] = this.#mask.slice();
    }
    await this.#agree(t, nids, mine);
  }

  /**
   * Every rank's records in one small all-reduce: max over slots that only their rank fills (the
   * others hold −∞) is an exact all-gather, one round trip to rank 0 and back instead of two rings.
   */
  async #agree(t: GrownTree, nids: readonly number[], mine: readonly SplitInfo[]): Promise<void> {
    const n = this.#collective.worldSize;
    if (n === 1) return;
    const words = fixedSplitWords(this.#catWords);
    const per = nids.length * words;
    const buf = new Float64Array(n * per).fill(Number.NEGATIVE_INFINITY);
    mine.forEach((s, i) => {
      writeFixedSplit(s, this.#catWords, buf, this.#collective.rank * per + i * words);
    });
    await this.#collective.allReduceMax(buf);
    nids.forEach((nid, i) => {
      let best = emptySplit();
      for (let r = 0; r < n; r++) {
        const theirs = readFixedSplit(buf, r * per + i * words, this.#catWords);
        if (beats(theirs, best)) best = theirs;
      }
      Object.assign(t.best[nid]!, best);
    });
  }

  /**
   * One reduce-scatter of the local histograms of `nids`, laid out rank block by rank block, each
   * rank's part followed by the nodes' local row counts (so every rank receives their global sums).
   */
  async #reduceScatter(t: GrownTree, nids: readonly number[]): Promise<void> {
    if (nids.length === 0) return;
    const { pool, histLen } = t.env.ctx;
    const m = nids.length;
    const elems = this.#elems;
    const ranks = elems.length - 1;
    const size = m * histLen + ranks * m;
    if (this.#staging.length < size) this.#staging = new Float64Array(size);
    const staging = this.#staging.subarray(0, size);
    const counts: number[] = [];
    let mine = 0;
    for (let r = 0, o = 0; r < ranks; r++) {
      const [lo, hi] = [elems[r]!, elems[r + 1]!];
      counts.push(m * (hi - lo) + m);
      if (r === this.#collective.rank) mine = o;
      for (const nid of nids) {
        const base = t.slot[nid]! * histLen;
        staging.set(pool.subarray(base + lo, base + hi), o);
        o += hi - lo;
      }
      for (const nid of nids) staging[o++] = t.rows[nid]!.n;
    }
    await this.#collective.reduceScatterSum(staging, counts);
    nids.forEach((nid, i) => {
      const k = this.#alloc(nid);
      const from = mine + i * this.#len;
      this.#arena.set(staging.subarray(from, from + this.#len), this.#lo + k * this.#len);
      t.count[nid] = staging[mine + m * this.#len + i]!;
      // Built from rows: LightGBM's FixHistogram on this rank's features, once complete.
      this.#rules.fixHistogram?.(this.#arena, k * this.#len, t.g[nid]!, t.h[nid]!, this.#from, this.#to);
    });
  }

  #startTree(t: GrownTree): void {
    this.#tree = t;
    this.#at.length = 0;
    this.#free.length = 0;
    for (let k = this.#capacity - 1; k >= 0; k--) this.#free.push(k);
  }

  #sibling(t: GrownTree, nid: number): number {
    const l = t.left[t.parent[nid]!] ?? -1;
    return l === nid ? nid + 1 : l;
  }

  #blockOf(nid: number): number {
    return this.#at[nid] ?? -1;
  }

  #alloc(nid: number): number {
    if (this.#free.length === 0) {
      const cap = Math.max(8, 2 * this.#capacity);
      const grown = new Float64Array(this.#lo + cap * this.#len);
      grown.set(this.#arena);
      this.#arena = grown;
      for (let k = cap - 1; k >= this.#capacity; k--) this.#free.push(k);
      this.#capacity = cap;
    }
    const k = this.#free.pop()!;
    this.#at[nid] = k;
    return k;
  }

  #release(nid: number): void {
    this.#free.push(this.#at[nid]!);
    this.#at[nid] = -1;
  }
}
