/**
 * Gradient histograms: per node, per (feature, bin) slot, the Float64 sums of float32 gradients and
 * hessians, interleaved `[g, h]`. Partitioning (partition.ts) moves a node's rows (codes, `[g, h]`
 * and row ids) into contiguous segments of a row buffer, so a node's histogram streams its
 * segments front to back. A batch's tasks cut nodes by features only: each bin sums the node's rows
 * in segment order whatever the number of threads, and the layout of the segments does not depend
 * on the thread count either, so the result is bit-identical for any thread count (tasks.ts runs
 * the plan).
 */
import type { BinMatrix } from './bin-matrix.js';
import { fixedSplitWords } from './parallel-split-record.js';

/** Rows per segment at most (fewer for wide rows, see segRowsOf). */
export const SEG_ROWS = 32768;

/** One copy of the rows: codes (row-major), `[g, h]` and row ids, by position. */
export interface RowBuffer {
  readonly codes: Uint8Array | Uint16Array;
  readonly gh: Float32Array;
  readonly idx: Uint32Array;
}

/** The shared buffers the tasks read and write (all on SharedArrayBuffers). */
export interface HistContext {
  /** The codes in row order (buffer 0's codes). */
  readonly matrix: BinMatrix;
  /**
   * Row buffers: 0 is the matrix in row order (never written; its gh is loaded per tree, its ids
   * are the identity), 1 holds the tree's rows, partitioned in place split after split
   * (partition.ts).
   */
  readonly bufs: readonly RowBuffer[];
  /** Buffer 0's `[g, h]`: per row, of the output being fitted. */
  readonly gh: Float32Array;
  /** After a tree (TreeBuilder.finish): leaf after leaf, the row ids of each (t.begin/t.end). */
  readonly rowIndex: Uint32Array;
  /** Most rows per segment. */
  readonly segRows: number;
  /** The segment table of a batch: `[a, b]` per segment. */
  readonly segs: Int32Array;
  /** Per segment of the table: its left rows after a partition task. */
  readonly segLeft: Int32Array;
  /** Segments the table holds. */
  readonly segCapacity: number;
  /** Per task of a batch: its result (when it has one). */
  readonly counts: Int32Array;
  /** Histogram slots: slot s is pool[s·histLen, (s+1)·histLen). */
  readonly pool: Float64Array;
  /** Doubles per histogram: 2 × total slots. */
  readonly histLen: number;
  /** Per feature: 2 × its first slot. */
  readonly featOff: Int32Array;
  /** Most tasks one batch can have. */
  readonly taskCapacity: number;
  /** Categorical partitions (LightGBM flavour): per job of a batch, 1 per code that goes left. */
  readonly catLeft: Uint8Array;
  /** Codes per job in catLeft (the widest feature's bins + its missing slot). */
  readonly catStride: number;
  /** Per row: 1 if the tree being started samples it (bagging, GOSS, subsample); see loadRows. */
  readonly keep: Uint8Array;
  /** Split-scan tasks (split-tasks.ts): per job `[g, h, count, histogram base]`. */
  readonly scanIn: Float64Array;
  /** Per job: the feature mask (cols bytes). */
  readonly scanMask: Uint8Array;
  /** Per task: its best split as a fixed-width record (parallel-split-record.ts, scanCatWords). */
  readonly scanOut: Float64Array;
  /** Bitset words of a record's categories (the widest feature's codes). */
  readonly scanCatWords: number;
}

/** Nodes one split-scan batch can hold, and the feature ranges each may be cut into. */
export const SCAN_JOBS = 16;
export const SCAN_PARTS = 8;

/** Categorical partition jobs one batch can hold. */
export const CAT_JOBS = 64;

/** One node to build: its rows into pool slot `slot`. */
export interface NodeBuild {
  readonly slot: number;
  readonly buf: number;
  readonly segs: readonly number[];
  readonly n: number;
}

/** Segment rows: SEG_ROWS, or fewer so that a segment's codes stay within about 1 MiB. */
function segRowsOf(rowBytes: number): number {
  return Math.max(1024, Math.min(SEG_ROWS, Math.floor(2 ** 20 / Math.max(1, rowBytes))));
}

/** Allocates the shared buffers for the matrix's rows and `slots` pooled histograms. */
export function createHistContext(matrix: BinMatrix, slots: number): HistContext {
  const { rows, cols } = matrix;
  const histLen = 2 * matrix.slotOffsets[cols]!;
  const featOff = new Int32Array(cols);
  for (let f = 0; f < cols; f++) featOff[f] = 2 * matrix.slotOffsets[f]!;
  const sab = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(Math.max(bytes, 8));
  const f64 = (n: number): Float64Array => new Float64Array(sab(8 * n));
  const cells = rows * cols;
  const width = matrix.codes.BYTES_PER_ELEMENT;
  const codes = (): Uint8Array | Uint16Array => {
    const b = sab(cells * width);
    return width === 2 ? new Uint16Array(b, 0, cells) : new Uint8Array(b, 0, cells);
  };
  const buffer = (c: Uint8Array | Uint16Array): RowBuffer => ({
    codes: c,
    gh: new Float32Array(sab(8 * rows)),
    idx: new Uint32Array(sab(4 * rows)),
  });
  const bufs = [buffer(matrix.codes), buffer(codes())];
  const identity = bufs[0]!.idx;
  for (let i = 0; i < rows; i++) identity[i] = i;
  const segRows = segRowsOf(cols * width);
  const rootSegs = Math.max(1, Math.ceil(rows / segRows));
  const segCapacity = Math.max(16 * rootSegs, 1024);
  const taskCapacity = Math.max(segCapacity, slots * Math.min(cols, 8), SCAN_JOBS * SCAN_PARTS) + 8;
  let catStride = 1;
  for (let f = 0; f < cols; f++) catStride = Math.max(catStride, matrix.missingCode[f]! + 1);
  return {
    matrix,
    bufs,
    gh: bufs[0]!.gh,
    rowIndex: new Uint32Array(sab(4 * rows)),
    segRows,
    segs: new Int32Array(sab(8 * segCapacity)),
    segLeft: new Int32Array(sab(4 * segCapacity)),
    segCapacity,
    counts: new Int32Array(sab(4 * taskCapacity)),
    pool: f64(slots * histLen),
    histLen,
    featOff,
    taskCapacity,
    catLeft: new Uint8Array(sab(CAT_JOBS * catStride)),
    catStride,
    keep: new Uint8Array(sab(rows)),
    scanIn: f64(4 * SCAN_JOBS),
    scanMask: new Uint8Array(sab(SCAN_JOBS * cols)),
    scanOut: f64(fixedSplitWords(Math.ceil(catStride / 32)) * SCAN_JOBS * SCAN_PARTS),
    scanCatWords: Math.ceil(catStride / 32),
  };
}

/** Ints per task in a batch: `[kind, a, b, c, d, e, f, g]`. */
export const TASK_INTS = 8;
/** Task kind: `[HIST, base, s0, s1, fromFeature, toFeature, buf, 0]` — segments [s0, s1) of the table. */
export const HIST = 0;

/** Rows below which a node's histogram is one task (not worth cutting by features). */
const MIN_SPLIT_ROWS = 8192;

/**
 * The task list of a batch (its nodes' segments written into the segment table from `s`): per node,
 * its features cut into contiguous ranges of about equal slots — enough that every thread gets work
 * when the batch has few nodes (leaf-wise growth builds one), none for small nodes. A bin's sum is
 * over the same rows in the same order however the features are cut. Returns the tasks.
 */
export function planTasks(ctx: HistContext, nodes: readonly NodeBuild[], threads: number): number[] {
  const { histLen, featOff, segs } = ctx;
  const cols = featOff.length;
  const tasks: number[] = [];
  const want = Math.ceil((2 * threads) / Math.max(1, nodes.length));
  let s = 0;
  for (const node of nodes) {
    const s0 = s;
    for (let i = 0; i < node.segs.length; i++) segs[2 * s0 + i] = node.segs[i]!;
    s += node.segs.length / 2;
    const parts = threads <= 1 || node.n < MIN_SPLIT_ROWS ? 1 : Math.min(cols, want);
    const ranges = featureRanges(featOff, histLen, parts);
    for (let r = 0; r < ranges.length; r += 2)
      tasks.push(HIST, node.slot * histLen, s0, s, ranges[r]!, ranges[r + 1]!, node.buf, 0);
  }
  return tasks;
}

/** `parts` contiguous feature ranges `[from, to, …]` with about equal histogram slots each. */
function featureRanges(featOff: Int32Array, histLen: number, parts: number): number[] {
  const cols = featOff.length;
  const out: number[] = [];
  let from = 0;
  for (let k = 1; k <= parts && from < cols; k++) {
    let to = from + 1;
    while (to < cols && k < parts && featOff[to]! < (k * histLen) / parts) to++;
    if (k === parts) to = cols;
    out.push(from, to);
    from = to;
  }
  return out;
}

export type Kernel = (
  codes: Uint8Array | Uint16Array,
  gh: Float32Array,
  begin: number,
  end: number,
  hist: Float64Array,
  base: number,
) => void;

let cached: { featOff: Int32Array; cols: number; kernels: Map<number, Kernel> } | undefined;

/**
 * Features per generated loop. V8 stops optimising a function past a bytecode size, so one loop
 * unrolled over hundreds of features ran ~20× slower (784-column Fashion-MNIST); blocks of this many
 * stay optimised, and a block's histogram slice stays in cache.
 */
export const KERNEL_BLOCK = 32;

/**
 * The accumulation loop specialised for this matrix: features unrolled with their slot offsets as
 * constants (3.5× faster than the generic double loop in V8), over contiguous positions. Wide
 * matrices run one such loop per block of features; each bin still sums its rows in row order, so
 * the result is the same as one loop over all features. `first`/`last` restrict it to features
 * [first, last) (a feature-split task).
 */
export function histKernel(
  featOff: Int32Array,
  cols: number,
  block = KERNEL_BLOCK,
  first = 0,
  last = cols,
): Kernel {
  const loops: Kernel[] = [];
  for (let from = first; from < last; from += block) {
    const to = Math.min(last, from + block);
    let body = '';
    for (let f = from; f < to; f++) {
      body += `s = base + ${featOff[f]} + 2 * codes[row + ${f}]; hist[s] += g; hist[s + 1] += h;\n`;
    }
    loops.push(
      new Function(
        'codes',
        'gh',
        'begin',
        'end',
        'hist',
        'base',
        `for (let i = begin; i < end; i++) {
          const g = gh[2 * i]; const h = gh[2 * i + 1]; const row = i * ${cols}; let s = 0;
          ${body}
        }`,
      ) as Kernel,
    );
  }
  if (loops.length === 1) return loops[0]!;
  return (codes, gh, begin, end, hist, base) => {
    for (const loop of loops) loop(codes, gh, begin, end, hist, base);
  };
}

function kernelFor(featOff: Int32Array, cols: number, from: number, to: number): Kernel {
  if (cached?.featOff !== featOff || cached.cols !== cols) cached = { featOff, cols, kernels: new Map() };
  const key = from * (cols + 1) + to;
  let kernel = cached.kernels.get(key);
  if (kernel === undefined) {
    kernel = histKernel(featOff, cols, KERNEL_BLOCK, from, to);
    cached.kernels.set(key, kernel);
  }
  return kernel;
}

/**
 * Runs one histogram task: zeroes the slots of features [from, to) of the histogram at
 * `pool[base…]` and accumulates the rows of segments [s0, s1) of buffer `buf` into them.
 */
export function runHistTask(
  ctx: HistContext,
  base: number,
  s0: number,
  s1: number,
  from: number,
  to: number,
  buf: number,
): void {
  const m = ctx.matrix;
  const { featOff, histLen, pool, segs } = ctx;
  const b = ctx.bufs[buf]!;
  pool.fill(0, base + featOff[from]!, base + (to < m.cols ? featOff[to]! : histLen));
  const kernel = kernelFor(featOff, m.cols, from, to);
  for (let s = s0; s < s1; s++) kernel(b.codes, b.gh, segs[2 * s]!, segs[2 * s + 1]!, pool, base);
}

/** sibling = parent − child, slot-wise. */
export function subtractHist(
  pool: Float64Array,
  histLen: number,
  parent: number,
  child: number,
  sib: number,
): void {
  const p = parent * histLen;
  const c = child * histLen;
  const s = sib * histLen;
  for (let j = 0; j < histLen; j++) pool[s + j] = pool[p + j]! - pool[c + j]!;
}

/** A free list of pool slots. `alloc` returns −1 when the pool is exhausted. */
export class SlotPool {
  readonly #free: number[] = [];
  constructor(slots: number) {
    for (let s = slots - 1; s >= 0; s--) this.#free.push(s);
  }
  alloc(): number {
    return this.#free.pop() ?? -1;
  }
  release(slot: number): void {
    if (slot >= 0) this.#free.push(slot);
  }
}
