/**
 * Per-row passes of an iteration as tasks on the training threads (tasks.ts): the gradients of a
 * pointwise LightGBM objective, loading one output's `[g, h]` into buffer 0 (partition.ts
 * loadRows), GOSS's sample (by blocks of GOSS_BLOCK rows, as LightGBM samples by blocks), and adding
 * a grown tree's values to the rows it was not grown on (walking the tree over their bin codes, with
 * the partition's own rule). Each task owns a row range and writes only its rows, so any thread count
 * gives the same bits. Every thread installs the same RowConfig (its arrays on shared memory) once.
 */
import { carve, defineTaskKind, type GrownTree, type HistContext, loadGh, ROWS } from '../core/index.js';
import { gossSample } from './goss.js';
import { type PointObjective, pointGradients } from './point-gradients.js';
import { Rng, rngState } from '../../random/index.js';
import { GOSS_COUNT_BYTES, wasmGoss, wasmLeftOut } from '../wasm/index.js';

/**
 * Task kind: `[ROWS, pass, from, to, arg, out, 0, 0]` over rows [from, to): GRADIENTS; LOAD_GH of
 * output `arg`; GOSS of iteration `arg` (one block; its sample size into ctx.counts[out]; with 1 in
 * the seventh int it computes the block's GRADIENTS first); LEFT_OUT adds the walk tree's values to
 * output `arg` of the rows not in the sample.
 */
export { ROWS };
export const GRADIENTS = 0;
export const LOAD_GH = 1;
export const GOSS = 2;
export const LEFT_OUT = 3;
/** `[ROWS, LEAF_VALUES, leafFrom, leafTo, k]`: the leaves' values added to output k of their rows. */
export const LEAF_VALUES = 4;

/** Rows per GOSS block: each block keeps its own top rows and draws its own others (own generator). */
export const GOSS_BLOCK = 65536;

/**
 * The walk tree: per node 4 ints (16 bytes) — [0] on an inner node, the byte address of its left
 * child (the right child is the next node, 16 bytes on); on a leaf, 1; [1] the byte offset of its
 * feature's code in a row (feature × code width); [2] the byte address of the node's direction bits
 * in walkCats: one bit per code (bit c of byte c >> 3), 1 = right. The bits hold the partition's rule
 * for every code: a category set, the default direction for the missing code, else code ≤ bin going
 * left. As bits, a 255-leaf tree's tables fit a core's first-level cache. Addresses are byte offsets
 * in the arrays' buffer (the wasm memory, where the walk runs in wasm). Leaf values are in walkValues.
 */
const NODE = 4;

/** Most codes per feature the table walk takes; wider matrices walk floats. */
export const WALK_MAX_CODES = 1024;

/** Bytes of one node's direction bits for `codes` codes (whole 32-bit words). */
export function walkTableBytes(codes: number): number {
  return 4 * Math.ceil(codes / 32);
}

export interface RowConfig {
  /** The pointwise objective whose gradients the GRADIENTS pass computes (none: not used). */
  readonly objective: PointObjective | undefined;
  /** Huber's delta. */
  readonly alpha: number;
  /** Outputs per row. */
  readonly K: number;
  /**
   * rows × K margins (double, as LightGBM's scores), labels, and the gradients and hessians written
   * (all on shared memory).
   */
  readonly margins: Float64Array;
  readonly labels: Float32Array;
  readonly grad: Float32Array;
  readonly hess: Float32Array;
  /** Per row: 1 if the current sample holds it. */
  readonly inSample: Uint8Array;
  /** Per row: GOSS's scores. */
  readonly scratch: Float32Array;
  /** Per GOSS block: GOSS_COUNT_BYTES of room for the wasm kernel's counts. */
  readonly gossCounts: Int32Array;
  readonly goss: { readonly topRate: number; readonly otherRate: number; readonly seed: number };
  /** The tree LEFT_OUT walks (writeWalkTree): NODE ints per node, values, the category tables. */
  readonly walkNodes: Int32Array;
  /** Per leaf of the tree just grown (writeLeafSpans): `[begin, end, value]`, its rows ctx.rowIndex[begin, end). */
  readonly leafSpans: Float64Array;
  readonly walkValues: Float64Array;
  readonly walkCats: Uint8Array;
}

/** The byte sizes of rowArrays' arrays (each rounded up to 16, as carve takes them). */
function rowArraySizes(rows: number, K: number, leaves: number, catBytes: number): number[] {
  const nodes = 2 * leaves + 1;
  return [
    8 * rows * K,
    4 * rows * K,
    4 * rows * K,
    rows,
    4 * rows,
    4 * NODE * nodes,
    8 * nodes,
    catBytes,
    Math.ceil(rows / GOSS_BLOCK) * GOSS_COUNT_BYTES,
  ].map((b) => Math.ceil(Math.max(b, 8) / 16) * 16);
}

/** Bytes to set aside in the context's memory for rowArrays (createHistContext's spareBytes). */
export function rowArraysBytes(rows: number, K: number, leaves: number, catBytes: number): number {
  return rowArraySizes(rows, K, leaves, catBytes).reduce((a, b) => a + b, 0);
}

/**
 * Shared arrays for a RowConfig of `rows` rows, `K` outputs, trees of up to `leaves` leaves, in the
 * context's wasm memory where it set room aside (the walk runs in wasm there), else on their own.
 */
export function rowArrays(
  ctx: HistContext,
  rows: number,
  K: number,
  leaves: number,
  catBytes: number,
): Pick<
  RowConfig,
  | 'margins'
  | 'grad'
  | 'hess'
  | 'inSample'
  | 'scratch'
  | 'walkNodes'
  | 'walkValues'
  | 'walkCats'
  | 'leafSpans'
  | 'gossCounts'
> {
  const nodes = 2 * leaves + 1;
  const f32 = (n: number) => new Float32Array(...carve(ctx, 4 * n), n);
  return {
    margins: new Float64Array(...carve(ctx, 8 * rows * K), rows * K),
    grad: f32(rows * K),
    hess: f32(rows * K),
    inSample: new Uint8Array(...carve(ctx, rows), rows),
    scratch: f32(rows),
    walkNodes: new Int32Array(...carve(ctx, 4 * NODE * nodes), NODE * nodes),
    walkValues: new Float64Array(...carve(ctx, 8 * nodes), nodes),
    walkCats: new Uint8Array(...carve(ctx, catBytes), catBytes),
    gossCounts: new Int32Array(
      ...carve(ctx, Math.ceil(rows / GOSS_BLOCK) * GOSS_COUNT_BYTES),
      Math.ceil(rows / GOSS_BLOCK) * 512,
    ),
    leafSpans: new Float64Array(new SharedArrayBuffer(8 * 3 * nodes)),
  };
}

/**
 * Writes `t` (as grown, in the matrix's own columns: not under EFB) for LEFT_OUT; features have up to
 * `catStride` codes of `width` bytes, each node's bits take walkTableBytes(catStride) bytes of walkCats.
 */
export function writeWalkTree(
  c: RowConfig,
  t: GrownTree,
  catStride: number,
  width: number,
  missingCode: Uint16Array,
): void {
  const nodes = c.walkNodes;
  const bits = c.walkCats;
  const stride = walkTableBytes(catStride);
  if (t.left.length * stride > bits.length) throw new Error('the walk tree outgrows its tables');
  const setBit = (at: number, code: number, on: boolean) => {
    const i = at + (code >> 3);
    bits[i] = on ? bits[i]! | (1 << (code & 7)) : bits[i]! & ~(1 << (code & 7));
  };
  for (let nid = 0; nid < t.left.length; nid++) {
    const o = NODE * nid;
    const l = t.left[nid]!;
    c.walkValues[nid] = t.value[nid]!;
    if (l === -1) {
      nodes[o] = 1;
      nodes[o + 1] = 0;
      nodes[o + 2] = 0;
      continue;
    }
    const at = nid * stride;
    const s = t.best[nid]!;
    nodes[o] = nodes.byteOffset + 4 * NODE * l;
    nodes[o + 1] = s.feature * width;
    nodes[o + 2] = bits.byteOffset + at;
    if (s.cats !== undefined) {
      bits.fill(0xff, at, at + stride);
      for (const code of s.cats) setBit(at, code, false);
    } else {
      // Codes 0..bin left, the rest right; then the missing code by the default direction.
      const left = Math.max(0, Math.min(catStride, s.bin + 1));
      bits.fill(0, at, at + (left >> 3));
      bits.fill(0xff, at + (left >> 3), at + stride);
      for (let code = left & ~7; code < left; code++) setBit(at, code, false);
      const miss = missingCode[s.feature]!;
      if (miss < catStride) setBit(at, miss, !s.defaultLeft);
    }
  }
}

/** Output k of the rows in [from, to) that the sample left out += their leaf's value (walkNodes' format). */
function addLeftOut(ctx: HistContext, c: RowConfig, from: number, to: number, k: number): void {
  const { walkNodes: nodes, walkValues: values, walkCats: bits, inSample, margins, K } = c;
  const codes = ctx.bufs[0]!.codes;
  const width = codes.BYTES_PER_ELEMENT;
  const cols = ctx.matrix.cols;
  const nodesAt = nodes.byteOffset;
  const bitsAt = bits.byteOffset;
  for (let r = from; r < to; r++) {
    if (inSample[r] !== 0) continue;
    let o = 0;
    for (let w = nodes[0]!; (w & 1) === 0; w = nodes[o]!) {
      const code = codes[r * cols + nodes[o + 1]! / width]!;
      const right = (bits[nodes[o + 2]! - bitsAt + (code >> 3)]! >> (code & 7)) & 1;
      o = (w - nodesAt) / 4 + NODE * right;
    }
    const j = r * K + k;
    margins[j] = margins[j]! + values[o / NODE]!;
  }
}

const installed = new WeakMap<HistContext, RowConfig>();

/** Makes `config` the row passes' arrays for `ctx` on this thread. */
export function installRows(ctx: HistContext, config: RowConfig): void {
  installed.set(ctx, config);
}

/**
 * Writes the leaves of `t` (after finish) for LEAF_VALUES; returns the tasks that add their values
 * to output k: runs of whole leaves of about equal rows, about four per thread.
 */
export function leafValueTasks(c: RowConfig, t: GrownTree, k: number, threads: number): number[] {
  const spans = c.leafSpans;
  let n = 0;
  let rows = 0;
  for (let nid = 0; nid < t.left.length; nid++) {
    if (t.left[nid] !== -1) continue;
    spans[3 * n] = t.begin[nid]!;
    spans[3 * n + 1] = t.end[nid]!;
    spans[3 * n + 2] = t.value[nid]!;
    rows += t.end[nid]! - t.begin[nid]!;
    n++;
  }
  const per = Math.max(MIN_TASK_ROWS, Math.ceil(rows / (4 * Math.max(1, threads))));
  const tasks: number[] = [];
  let first = 0;
  let acc = 0;
  for (let j = 0; j < n; j++) {
    acc += spans[3 * j + 1]! - spans[3 * j]!;
    if (acc >= per || j === n - 1) {
      tasks.push(ROWS, LEAF_VALUES, first, j + 1, k, 0, 0, 0);
      first = j + 1;
      acc = 0;
    }
  }
  return tasks;
}

/** Output k of each leaf's rows in [leafFrom, leafTo) of leafSpans += the leaf's value. */
function addLeafValues(ctx: HistContext, c: RowConfig, leafFrom: number, leafTo: number, k: number): void {
  const { leafSpans: spans, margins, K } = c;
  const rows = ctx.rowIndex;
  for (let j = leafFrom; j < leafTo; j++) {
    const v = spans[3 * j + 2]!;
    for (let i = spans[3 * j]!, e = spans[3 * j + 1]!; i < e; i++) {
      const at = rows[i]! * K + k;
      margins[at] = margins[at]! + v;
    }
  }
}

/** Runs the ROWS task at `o` of `tasks`. */
export function runRowsTask(ctx: HistContext, tasks: ArrayLike<number>, o: number): void {
  const c = installed.get(ctx);
  if (!c) throw new Error('row passes are not installed on this thread');
  const pass = tasks[o + 1]!;
  const from = tasks[o + 2]!;
  const to = tasks[o + 3]!;
  const arg = tasks[o + 4]!;
  if (pass === GRADIENTS) pointGradients(c, from, to);
  else if (pass === LOAD_GH) loadGh(ctx.gh, c.grad, c.hess, c.K, arg, from, to);
  else if (pass === LEAF_VALUES) addLeafValues(ctx, c, from, to, arg);
  else if (pass === LEFT_OUT) {
    const m = ctx.memory;
    if (m && c.margins.buffer === m.buffer && c.walkCats.buffer === m.buffer) {
      const codes = ctx.bufs[0]!.codes;
      const nodes = c.walkNodes;
      // Idle lanes park on a leaf: the root's leftmost one.
      let leaf = 0;
      while ((nodes[leaf]! & 1) === 0) leaf = (nodes[leaf]! - nodes.byteOffset) / 4;
      wasmLeftOut(m, ctx.matrix.cols, codes.BYTES_PER_ELEMENT)(
        codes.byteOffset,
        c.inSample.byteOffset,
        c.margins.byteOffset,
        nodes.byteOffset,
        c.walkValues.byteOffset,
        c.K,
        arg,
        from,
        to,
        nodes.byteOffset + 4 * leaf,
      );
    } else addLeftOut(ctx, c, from, to, arg);
  } else {
    // The block's gradients right before its sample: they are still in cache when it reads them.
    if (tasks[o + 6] === 1) pointGradients(c, from, to);
    const { K, goss } = c;
    const m = ctx.memory;
    const rows = to - from;
    const block = from / GOSS_BLOCK;
    if (m && gossInWasm(ctx, c)) {
      const topK = Math.max(1, Math.floor(rows * goss.topRate));
      const otherK = Math.floor(rows * goss.otherRate);
      ctx.counts[tasks[o + 5]!] = wasmGoss(m)(
        c.grad.byteOffset + 4 * from * K,
        c.hess.byteOffset + 4 * from * K,
        K,
        rows,
        c.scratch.byteOffset + 4 * from,
        c.inSample.byteOffset + from,
        c.gossCounts.byteOffset + block * GOSS_COUNT_BYTES,
        topK,
        otherK,
        rngState(goss.seed, arg, 7, block),
        Math.fround((rows - topK) / otherK),
        gossLoadsGh(ctx, c) ? ctx.gh.byteOffset + 8 * from : 0,
      );
      return;
    }
    ctx.counts[tasks[o + 5]!] = gossSample(
      c.grad.subarray(from * K, to * K),
      c.hess.subarray(from * K, to * K),
      K,
      to - from,
      goss.topRate,
      goss.otherRate,
      new Rng(goss.seed, arg, 7, block),
      c.inSample.subarray(from, to),
      c.scratch.subarray(from, to),
    );
  }
}

/** Whether GOSS tasks sample in WebAssembly (wasm/goss.ts): their arrays live in the context's memory. */
export function gossInWasm(ctx: HistContext, c: RowConfig): boolean {
  const m = ctx.memory;
  return m !== undefined && c.grad.buffer === m.buffer && c.gossCounts.buffer === m.buffer;
}

/**
 * Whether GOSS tasks also write buffer 0's `[g, h]` (one output, sampled in WebAssembly): then an
 * iteration that sampled needs no LOAD_GH pass.
 */
export function gossLoadsGh(ctx: HistContext, c: RowConfig): boolean {
  return c.K === 1 && gossInWasm(ctx, c) && ctx.gh.buffer === ctx.memory?.buffer;
}

/**
 * GOSS for iteration `round` over `rows` rows: one task per block; with `gradients`, each computes
 * its block's pointwise gradients first (no GRADIENTS pass before). Returns how many tasks.
 */
export function gossTasks(rows: number, round: number, gradients = false): number[] {
  const tasks: number[] = [];
  for (let a = 0, t = 0; a < rows; a += GOSS_BLOCK, t++)
    tasks.push(ROWS, GOSS, a, Math.min(rows, a + GOSS_BLOCK), round, t, gradients ? 1 : 0, 0);
  return tasks;
}

/** Rows per task at least: below this, waking a thread costs more than the pass. */
const MIN_TASK_ROWS = 16384;

/** The tasks of one pass over `rows` rows: about four per thread, none under MIN_TASK_ROWS. */
export function rowTasks(pass: number, rows: number, threads: number, k = 0): number[] {
  const per = Math.max(MIN_TASK_ROWS, Math.ceil(rows / (4 * Math.max(1, threads))));
  const tasks: number[] = [];
  for (let a = 0; a < rows; a += per) tasks.push(ROWS, pass, a, Math.min(rows, a + per), k, 0, 0, 0);
  return tasks;
}

defineTaskKind(ROWS, runRowsTask);
