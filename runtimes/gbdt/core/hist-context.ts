/**
 * The shared buffers every GBDT task reads and writes (HistContext): the binned rows in two buffers
 * of segments, the histogram pool, the segment and task tables, the split-scan records and, where
 * they fit, one WebAssembly memory holding them all so the wasm kernels read them in place.
 */
import type { BinMatrix } from './bin-matrix.js';
import { fixedSplitWords } from './split-record.js';

/** Rows per segment at most (fewer for wide rows, see segRowsOf). */
export const SEG_ROWS = 32768;

/** One copy of the rows: codes (row-major), `[g, h]` and row ids, by position. */
export interface RowBuffer {
  readonly codes: Uint8Array | Uint16Array;
  readonly gh: Float32Array;
  readonly idx: Uint32Array;
}

/** The shared buffers the tasks read and write (all on shared memory: see `memory`). */
export interface HistContext {
  /** The binned matrix (buffer 0 holds its codes, or with wasm kernels a copy of them). */
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
  /** Per task: its best split as a fixed-width record (core/split-record.ts, scanCatWords). */
  readonly scanOut: Float64Array;
  /** Bitset words of a record's categories (the widest feature's codes). */
  readonly scanCatWords: number;
  /**
   * The shared wasm memory every buffer above lives in, when the kernels run as WebAssembly
   * (wasm/kernels.ts); undefined where they run as JavaScript (each buffer its own
   * SharedArrayBuffer): a context too large for one wasm memory, or `kernels: 'js'`.
   */
  readonly memory: WebAssembly.Memory | undefined;
  /**
   * Why the kernels run as JavaScript though WebAssembly was asked for (the buffers do not fit one
   * wasm memory), for the trainer to log; undefined otherwise.
   */
  readonly jsBecause?: string;
}

/** Which kernels a context runs: WebAssembly where the buffers fit one wasm memory, else JavaScript. */
export type KernelChoice = 'auto' | 'js';

/** Most pages of one wasm memory (64 KiB each): 4 GiB, wasm32's whole address space, less one page. */
const MAX_PAGES = 65535;

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

/**
 * Allocates the shared buffers for the matrix's rows and `slots` pooled histograms: carved out of
 * one shared wasm memory (the matrix's codes copied into it) so the wasm kernels reach them all, or
 * with `kernels: 'js'` (or when they do not fit) as separate SharedArrayBuffers. `spareBytes` more
 * are set aside in the memory for `carve`.
 */
export function createHistContext(
  matrix: BinMatrix,
  slots: number,
  kernels: KernelChoice = 'auto',
  spareBytes = 0,
  maxPages = MAX_PAGES,
): HistContext {
  const { rows, cols } = matrix;
  const histLen = 2 * matrix.slotOffsets[cols]!;
  const featOff = new Int32Array(cols);
  for (let f = 0; f < cols; f++) featOff[f] = 2 * matrix.slotOffsets[f]!;
  const cells = rows * cols;
  const width = matrix.codes.BYTES_PER_ELEMENT;
  const segRows = segRowsOf(cols * width);
  const rootSegs = Math.max(1, Math.ceil(rows / segRows));
  const segCapacity = Math.max(16 * rootSegs, 1024);
  const taskCapacity = Math.max(segCapacity, slots * Math.min(cols, 8), SCAN_JOBS * SCAN_PARTS) + 8;
  const catStride = catStrideOf(matrix);
  const scanCatWords = Math.ceil(catStride / 32);
  // Every buffer in bytes, in the order they are carved (16-byte aligned each).
  const sizes = {
    codes0: cells * width,
    codes1: cells * width,
    gh0: 8 * rows,
    gh1: 8 * rows,
    idx0: 4 * rows,
    idx1: 4 * rows,
    rowIndex: 4 * rows,
    segs: 8 * segCapacity,
    segLeft: 4 * segCapacity,
    counts: 4 * taskCapacity,
    pool: 8 * slots * histLen,
    catLeft: CAT_JOBS * catStride,
    keep: rows,
    scanIn: 8 * 4 * SCAN_JOBS,
    scanMask: SCAN_JOBS * cols,
    scanOut: 8 * fixedSplitWords(scanCatWords) * SCAN_JOBS * SCAN_PARTS,
    spare: spareBytes,
  };
  const align = (n: number) => Math.ceil(Math.max(n, 8) / 16) * 16;
  const total = Object.values(sizes).reduce((t, n) => t + align(n), 0);
  const pages = Math.ceil(total / 65536);
  const memory =
    kernels === 'auto' && pages <= maxPages && typeof WebAssembly === 'object'
      ? new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true })
      : undefined;
  let at = 0;
  const take = (bytes: number): [SharedArrayBuffer, number] => {
    if (!memory) return [new SharedArrayBuffer(Math.max(bytes, 8)), 0];
    const o = at;
    at += align(bytes);
    return [memory.buffer as unknown as SharedArrayBuffer, o];
  };
  const u8 = (bytes: number) => new Uint8Array(...take(bytes), bytes);
  const i32 = (bytes: number) => new Int32Array(...take(bytes), bytes / 4);
  const u32 = (bytes: number) => new Uint32Array(...take(bytes), bytes / 4);
  const f32 = (bytes: number) => new Float32Array(...take(bytes), bytes / 4);
  const f64 = (bytes: number) => new Float64Array(...take(bytes), bytes / 8);
  const codes = (bytes: number): Uint8Array | Uint16Array =>
    width === 2 ? new Uint16Array(...take(bytes), cells) : new Uint8Array(...take(bytes), cells);
  // Buffer 0 is the matrix's own codes, or their copy in the wasm memory.
  let codes0: Uint8Array | Uint16Array = matrix.codes;
  if (memory) {
    codes0 = codes(sizes.codes0);
    codes0.set(matrix.codes.subarray(0, cells) as never);
  }
  const codes1 = codes(sizes.codes1);
  const gh0 = f32(sizes.gh0);
  const gh1 = f32(sizes.gh1);
  const idx0 = u32(sizes.idx0);
  const idx1 = u32(sizes.idx1);
  const bufs: RowBuffer[] = [
    { codes: codes0, gh: gh0, idx: idx0 },
    { codes: codes1, gh: gh1, idx: idx1 },
  ];
  for (let i = 0; i < rows; i++) idx0[i] = i;
  if (memory) {
    const [, at] = take(spareBytes);
    spares.set(memory, { at, end: at + spareBytes });
  }
  return {
    matrix,
    bufs,
    gh: gh0,
    rowIndex: u32(sizes.rowIndex),
    segRows,
    segs: i32(sizes.segs),
    segLeft: i32(sizes.segLeft),
    segCapacity,
    counts: i32(sizes.counts),
    pool: f64(sizes.pool),
    histLen,
    featOff,
    taskCapacity,
    catLeft: u8(sizes.catLeft),
    catStride,
    keep: u8(sizes.keep),
    scanIn: f64(sizes.scanIn),
    scanMask: u8(sizes.scanMask),
    scanOut: f64(sizes.scanOut),
    scanCatWords,
    memory,
    jsBecause:
      kernels === 'auto' && !memory
        ? `its buffers take ${(total / 2 ** 30).toFixed(1)} GiB, past the ` +
          `${((maxPages * 65536) / 2 ** 30).toFixed(1)} GiB one WebAssembly memory holds`
        : undefined,
  };
}

/** Tells the rank's log when a context that could have run WebAssembly runs its loops as JavaScript. */
export function logKernels(ctx: HistContext, log?: (level: 'warn', line: string) => void): void {
  if (ctx.jsBecause)
    log?.('warn', `gbdt: the engine's loops run as JavaScript (the same results, slower): ${ctx.jsBecause}`);
}

/** Codes per feature at most, plus one (its missing code): the width of a category table. */
export function catStrideOf(matrix: BinMatrix): number {
  let catStride = 1;
  for (let f = 0; f < matrix.cols; f++) catStride = Math.max(catStride, matrix.missingCode[f]! + 1);
  return catStride;
}

/** The unused part of each context memory that createHistContext set aside (`spareBytes`). */
const spares = new WeakMap<WebAssembly.Memory, { at: number; end: number }>();

/**
 * `bytes` of shared memory for arrays the wasm kernels read beside the context's (row-tasks.ts):
 * carved from the spare part of its memory, or a SharedArrayBuffer of their own without one.
 * Returns the buffer and the byte offset in it.
 */
export function carve(ctx: HistContext, bytes: number): [SharedArrayBuffer, number] {
  const spare = ctx.memory && spares.get(ctx.memory);
  const size = Math.ceil(Math.max(bytes, 8) / 16) * 16;
  if (!ctx.memory || !spare || spare.at + size > spare.end)
    return [new SharedArrayBuffer(Math.max(8, bytes)), 0];
  const at = spare.at;
  spare.at += size;
  return [ctx.memory.buffer as unknown as SharedArrayBuffer, at];
}
