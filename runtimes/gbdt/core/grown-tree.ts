/**
 * The narrow view of a tree being grown (tree-builder.ts's TreeBuilder) that the code around the
 * builder reads: a flavour's parallel learners, leaf refits, row passes and tree exporters. Per-node
 * arrays are indexed by node id; a node is a leaf while `left[nid]` is −1.
 */
import type { ColumnSampler } from './col-sampler.js';
import type { HistContext } from './hist-context.js';
import type { NodeRows } from './partition.js';
import type { SplitInfo } from './split.js';
import type { Tree } from './types.js';

export interface GrownTree {
  /** What the tree grows on: the histogram context and the column sampler. */
  readonly env: { readonly ctx: HistContext; readonly sampler: ColumnSampler };
  readonly left: number[];
  readonly right: number[];
  readonly parent: number[];
  /** Per node: where its rows are while it is a leaf being grown. */
  readonly rows: NodeRows[];
  /** Per leaf, after the builder's finish(): its rows are ctx.rowIndex[begin, end). */
  readonly begin: number[];
  readonly end: number[];
  readonly g: number[];
  readonly h: number[];
  readonly depth: number[];
  /** Per node: its histogram's slot in the pool (−1: none). */
  readonly slot: number[];
  /** Per node: its (shrunk) value. */
  readonly value: number[];
  /** Per node: its best split (written by a split learner). */
  readonly best: SplitInfo[];
  /** Global rows per node (kept with SplitRules only). */
  readonly count: number[];
  /** The nodes whose histograms the last build made from rows (the others by subtraction). */
  readonly built: readonly number[];
  /** Per scanned node, with SplitRules: the features its scan found splittable (scanMask). */
  readonly splittable: (Uint8Array | undefined)[];
  /**
   * A fresh copy of the features node `nid` may split on: the sampler's for its depth, and of those
   * the ones its parent's scan found splittable. The scan clears what it finds unsplittable; store
   * the copy in `splittable[nid]`.
   */
  scanMask(nid: number): Uint8Array;
  /** The node's `[Σg, Σh]` over its local rows, in row order. */
  sumGh(nid: number): [number, number];
  /** The finished tree in XGBoost's layout. */
  toTree(): Tree;
}
