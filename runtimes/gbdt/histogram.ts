/**
 * Gradient histograms: per node, per (feature, bin) slot, the Float64 sums of float32 gradients and
 * hessians, interleaved `[g, h]`. Partitioning (partition.ts) keeps every node's rows contiguous in the
 * matrix and in `gh`, in ascending row order, so a node is a position range read front to back. A
 * node is built in fixed blocks of BLOCK_ROWS rows whose partial histograms are added in block order,
 * so the result is bit-identical whatever the number of threads (tasks.ts runs the plan).
 */
import type { BinMatrix } from './bin-matrix.js';

/** Rows per histogram task; partials of a node's blocks are summed in block order. */
export const BLOCK_ROWS = 32768;
/** Rows per partition task (any size gives the same stable partition). */
export const PART_ROWS = 32768;

/** Where partitioning moves a node's right-hand rows before they are stitched back. */
export interface Spare {
  readonly codes: Uint8Array | Uint16Array;
  readonly gh: Float32Array;
  readonly rowIndex: Uint32Array;
}

/** The shared buffers the tasks read and write (all on SharedArrayBuffers). */
export interface HistContext {
  /** Its codes are in the current row order (position i holds row rowIndex[i]). */
  readonly matrix: BinMatrix;
  /** Per position `[g, h]` of the output being fitted. */
  readonly gh: Float32Array;
  /** Position → row; every node owns a range of positions. */
  readonly rowIndex: Uint32Array;
  readonly spare: Spare;
  /** Per task of a batch: its result (rows sent left by a partition task). */
  readonly counts: Int32Array;
  /** Histogram slots: slot s is pool[s·histLen, (s+1)·histLen). */
  readonly pool: Float64Array;
  /** Scratch for the partial histograms of blocks after the first. */
  readonly partials: Float64Array;
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
  /** Per task: its best split record (SCAN_RECORD doubles). */
  readonly scanOut: Float64Array;
  /** Per task: a categorical best split's left bins (catStride ints). */
  readonly scanCats: Int32Array;
}

/** Nodes one split-scan batch can hold, and the feature ranges each may be cut into. */
export const SCAN_JOBS = 16;
export const SCAN_PARTS = 8;
/** Doubles per split record (split-tasks.ts). */
export const SCAN_RECORD = 12;

/** Categorical partition jobs one batch can hold. */
export const CAT_JOBS = 64;

/** One node to build: its rows [begin, end) into pool slot `slot`. */
export interface NodeBuild {
  readonly slot: number;
  readonly begin: number;
  readonly end: number;
}

/** Allocates the shared buffers for the matrix's rows and `slots` pooled histograms. */
export function createHistContext(matrix: BinMatrix, slots: number): HistContext {
  const rows = matrix.rows;
  const histLen = 2 * matrix.slotOffsets[matrix.cols]!;
  const featOff = new Int32Array(matrix.cols);
  for (let f = 0; f < matrix.cols; f++) featOff[f] = 2 * matrix.slotOffsets[f]!;
  const sab = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(Math.max(bytes, 8));
  const f64 = (n: number): Float64Array => new Float64Array(sab(8 * n));
  const cells = rows * matrix.cols;
  const codeSab = sab(cells * matrix.codes.BYTES_PER_ELEMENT);
  const rowIndex = new Uint32Array(sab(4 * rows));
  for (let i = 0; i < rows; i++) rowIndex[i] = i;
  const blocks = Math.ceil(rows / BLOCK_ROWS);
  const taskCapacity = Math.max(slots + blocks + Math.ceil(rows / PART_ROWS) + 8, SCAN_JOBS * SCAN_PARTS);
  let catStride = 1;
  for (let f = 0; f < matrix.cols; f++) catStride = Math.max(catStride, matrix.missingCode[f]! + 1);
  return {
    matrix,
    gh: new Float32Array(sab(8 * rows)),
    rowIndex,
    spare: {
      codes:
        matrix.codes instanceof Uint16Array
          ? new Uint16Array(codeSab, 0, cells)
          : new Uint8Array(codeSab, 0, cells),
      gh: new Float32Array(sab(8 * rows)),
      rowIndex: new Uint32Array(sab(4 * rows)),
    },
    counts: new Int32Array(sab(4 * taskCapacity)),
    pool: f64(slots * histLen),
    partials: f64(blocks * histLen),
    histLen,
    featOff,
    taskCapacity,
    catLeft: new Uint8Array(sab(CAT_JOBS * catStride)),
    catStride,
    keep: new Uint8Array(sab(rows)),
    scanIn: f64(4 * SCAN_JOBS),
    scanMask: new Uint8Array(sab(SCAN_JOBS * matrix.cols)),
    scanOut: f64(SCAN_RECORD * SCAN_JOBS * SCAN_PARTS),
    scanCats: new Int32Array(sab(4 * SCAN_JOBS * SCAN_PARTS * catStride)),
  };
}

/** Ints per task in a batch: `[kind, a, b, c, d, e, f, g]`. */
export const TASK_INTS = 8;
/** Task kinds: histogram into the pool / into partials, partition block, restore block. */
export const HIST = 0;
export const HIST_PARTIAL = 1;

/** Below this many rows a batch's histograms are not worth splitting by features. */
const MIN_SPLIT_ROWS = 8192;

/**
 * Feature ranges per row block for a batch: 1, or — when its row blocks are too few to keep
 * `threads` busy (leaf-wise growth builds one node at a time) — up to `threads`, within `capacity`.
 */
export function featureParts(
  nodes: readonly NodeBuild[],
  cols: number,
  threads: number,
  capacity: number,
): number {
  let blocks = 0;
  let rows = 0;
  for (const { begin, end } of nodes) {
    blocks += Math.ceil((end - begin) / BLOCK_ROWS);
    rows += end - begin;
  }
  if (threads <= 1 || blocks >= 2 * threads || rows < MIN_SPLIT_ROWS) return 1;
  return Math.max(1, Math.min(threads, cols, Math.floor(capacity / blocks)));
}

/**
 * The task list of a batch: `[HIST | HIST_PARTIAL, base, begin, end, fromFeature, toFeature, 0, 0]`
 * per task, plus the reductions `[nodeBase, partialBase]` to apply, in order, after all tasks ran.
 * Each row block is split into `parts` feature ranges of about equal slots (see featureParts): a
 * bin's sum is over the same rows in the same order either way, so the histograms are the same.
 */
export function planTasks(
  nodes: readonly NodeBuild[],
  histLen: number,
  featOff: Int32Array,
  parts = 1,
): { tasks: number[]; adds: number[] } {
  const ranges = featureRanges(featOff, histLen, parts);
  const tasks: number[] = [];
  const adds: number[] = [];
  let partial = 0;
  for (const { slot, begin, end } of nodes) {
    const base = slot * histLen;
    for (let r = 0; r < ranges.length; r += 2)
      tasks.push(HIST, base, begin, Math.min(end, begin + BLOCK_ROWS), ranges[r]!, ranges[r + 1]!, 0, 0);
    for (let b = begin + BLOCK_ROWS; b < end; b += BLOCK_ROWS) {
      for (let r = 0; r < ranges.length; r += 2)
        tasks.push(HIST_PARTIAL, partial, b, Math.min(end, b + BLOCK_ROWS), ranges[r]!, ranges[r + 1]!, 0, 0);
      adds.push(base, partial);
      partial += histLen;
    }
  }
  return { tasks, adds };
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
 * Runs one histogram task: zeroes the slots of features [from, to) of the histogram at `out[base…]`
 * and accumulates positions [begin, end) into them.
 */
export function runHistTask(
  ctx: HistContext,
  out: Float64Array,
  base: number,
  begin: number,
  end: number,
  from: number,
  to: number,
): void {
  const m = ctx.matrix;
  const { featOff, histLen } = ctx;
  out.fill(0, base + featOff[from]!, base + (to < m.cols ? featOff[to]! : histLen));
  kernelFor(featOff, m.cols, from, to)(m.codes, ctx.gh, begin, end, out, base);
}

/** Adds the partials into their nodes, in plan order. */
export function applyAdds(ctx: HistContext, adds: readonly number[]): void {
  const { pool, partials, histLen } = ctx;
  for (let i = 0; i < adds.length; i += 2) {
    const dst = adds[i]!;
    const src = adds[i + 1]!;
    for (let j = 0; j < histLen; j++) pool[dst + j] = pool[dst + j]! + partials[src + j]!;
  }
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
