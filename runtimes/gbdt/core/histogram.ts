/**
 * Gradient histograms: per node, per (feature, bin) slot, the Float64 sums of float32 gradients and
 * hessians, interleaved `[g, h]`. Partitioning (partition.ts) moves a node's rows (codes, `[g, h]`
 * and row ids) into contiguous segments of a row buffer, so a node's histogram streams its
 * segments front to back. A batch's tasks cut nodes by features only: each bin sums the node's rows
 * in segment order whatever the number of threads, and the layout of the segments does not depend
 * on the thread count either, so the result is bit-identical for any thread count (tasks.ts runs
 * the plan).
 */
import type { HistContext, NodeBuild } from './hist-context.js';
import { wasmHistKernel } from '../wasm/index.js';

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
        }
        //# sourceURL=gbdt-hist-kernel.js`,
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
  if (ctx.memory) {
    const width = b.codes.BYTES_PER_ELEMENT;
    const k = wasmHistKernel(ctx.memory, featOff, m.cols, width, from, to, KERNEL_BLOCK);
    const stride = m.cols * width;
    const codesAt = b.codes.byteOffset;
    const ghAt = b.gh.byteOffset;
    const histAt = pool.byteOffset + 8 * base;
    for (let s = s0; s < s1; s++) {
      const a = segs[2 * s]!;
      k(codesAt + a * stride, ghAt + 8 * a, segs[2 * s + 1]! - a, histAt);
    }
    return;
  }
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
