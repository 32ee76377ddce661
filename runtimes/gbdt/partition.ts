/**
 * Row partitioning that moves the rows themselves: a split node's position range is split stably
 * (rows keep ascending order on both sides, like XGBoost's partition builder) and its codes, `[g, h]`
 * and row ids move with it, so every node's rows stay contiguous and the histogram kernel streams
 * them. Each task partitions one block of a node: left rows compacted in place, right rows into the
 * spare buffers; the blocks are then stitched in block order, so any block split and any thread count
 * give the same layout. After each tree the rows are put back in row order, so every tree starts
 * from ascending rows and sums its histograms in XGBoost's order.
 */
import { DtrainError } from '../../configs/errors.js';
import { CAT_JOBS, type HistContext, PART_ROWS } from './histogram.js';
import type { TaskRunner } from './tasks.js';

/** Task kinds (see histogram.ts's list): `[PARTITION, a, b, feature, bin, missingCode, defaultLeft, 0]`. */
export const PARTITION = 2;
/** `[RESTORE, a, b, 0...]`: copies positions [a, b) to their rows' places in the spare codes. */
export const RESTORE = 3;
/** `[CAT_PARTITION, a, b, feature, 0, 0, 0, catOffset]`: left iff catLeft[catOffset + code] is 1. */
export const CAT_PARTITION = 4;
/** `[KEEP, a, b, 0...]`: left iff the row is kept (ctx.keep[row] is 1); see loadRows. */
export const KEEP = 5;

/** One node to partition: positions [begin, end), left iff code ≤ bin (missing code: defaultLeft). */
export interface PartitionJob {
  readonly begin: number;
  readonly end: number;
  readonly feature: number;
  readonly bin: number;
  readonly defaultLeft: boolean;
  /** Categorical split (LightGBM flavour): the codes that go left; `bin` is then unused. */
  readonly cats?: readonly number[] | undefined;
}

type Views = { words: Uint32Array | Uint16Array | Uint8Array; spare: Uint32Array | Uint16Array | Uint8Array };
type BlockFn = (
  codes: Uint8Array | Uint16Array,
  v: Views,
  gh: Float32Array,
  idx: Uint32Array,
  sgh: Float32Array,
  sidx: Uint32Array,
  a: number,
  b: number,
  f: number,
  bin: number,
  miss: number,
  dl: number,
  keep: Uint8Array | undefined,
) => number;

interface Compiled {
  codes: Uint8Array | Uint16Array;
  views: Views;
  split: BlockFn;
  keep: BlockFn;
  cat: BlockFn;
  restore: (v: Views, idx: Uint32Array, a: number, b: number) => void;
}
let compiled: Compiled | undefined;

/** Widest word (4, 2 or 1 bytes) that divides a row of codes, as views over both code buffers. */
function viewsOf(ctx: HistContext): { views: Views; perRow: number } {
  const bytes = ctx.matrix.cols * ctx.matrix.codes.BYTES_PER_ELEMENT;
  const unit = bytes % 4 === 0 ? 4 : bytes % 2 === 0 ? 2 : 1;
  const n = (ctx.matrix.rows * bytes) / unit;
  const view = (c: Uint8Array | Uint16Array) =>
    unit === 4
      ? new Uint32Array(c.buffer, c.byteOffset, n)
      : unit === 2
        ? new Uint16Array(c.buffer, c.byteOffset, n)
        : new Uint8Array(c.buffer, c.byteOffset, n);
  return { views: { words: view(ctx.matrix.codes), spare: view(ctx.spare.codes) }, perRow: bytes / unit };
}

/** `dst` row `d` = `src` row `s`, unrolled over the words of a row. */
function copyRow(dst: string, d: string, src: string, s: string, perRow: number): string {
  let out = `{ const D = ${d} * ${perRow}; const S = ${s} * ${perRow};`;
  // Wide rows as a loop: unrolled, they would push the function past what V8 optimises.
  if (perRow > UNROLL_WORDS)
    return `${out} for (let j = 0; j < ${perRow}; j++) ${dst}[D + j] = ${src}[S + j]; }`;
  for (let j = 0; j < perRow; j++) out += ` ${dst}[D + ${j}] = ${src}[S + ${j}];`;
  return `${out} }`;
}

const UNROLL_WORDS = 16;

/** The block loops specialised for this matrix's row width (generated like the histogram kernel). */
function compile(ctx: HistContext): Compiled {
  if (compiled?.codes === ctx.matrix.codes) return compiled;
  const { views, perRow } = viewsOf(ctx);
  const cols = ctx.matrix.cols;
  const block = (pred: string): BlockFn =>
    new Function(
      'codes',
      'v',
      'gh',
      'idx',
      'sgh',
      'sidx',
      'a',
      'b',
      'f',
      'bin',
      'miss',
      'dl',
      'keep',
      `const W = v.words; const SW = v.spare; let w = a; let k = 0;
      for (let i = a; i < b; i++) {
        ${pred}
        if (left) {
          if (w !== i) { ${copyRow('W', 'w', 'W', 'i', perRow)} gh[2 * w] = gh[2 * i]; gh[2 * w + 1] = gh[2 * i + 1]; idx[w] = idx[i]; }
          w++;
        } else {
          const p = a + k; ${copyRow('SW', 'p', 'W', 'i', perRow)}
          sgh[2 * p] = gh[2 * i]; sgh[2 * p + 1] = gh[2 * i + 1]; sidx[p] = idx[i]; k++;
        }
      }
      return w - a;`,
    ) as BlockFn;
  compiled = {
    codes: ctx.matrix.codes,
    views,
    split: block(`const c = codes[i * ${cols} + f]; const left = c === miss ? dl === 1 : c <= bin;`),
    keep: block('const left = keep[idx[i]] === 1;'),
    cat: block(`const left = keep[codes[i * ${cols} + f]] === 1;`),
    restore: new Function(
      'v',
      'idx',
      'a',
      'b',
      `const W = v.words; const SW = v.spare;
      for (let i = a; i < b; i++) { const r = idx[i]; ${copyRow('SW', 'r', 'W', 'i', perRow)} }`,
    ) as Compiled['restore'],
  };
  return compiled;
}

function runBlock(ctx: HistContext, fn: BlockFn, a: number, b: number, args: number[], keep?: Uint8Array) {
  const c = compile(ctx);
  const { gh, rowIndex, spare } = ctx;
  return fn(
    ctx.matrix.codes,
    c.views,
    gh,
    rowIndex,
    spare.gh,
    spare.rowIndex,
    a,
    b,
    args[0]!,
    args[1]!,
    args[2]!,
    args[3]!,
    keep,
  );
}

/** Runs one PARTITION or RESTORE task at `o` of `tasks`; a partition returns its left count. */
export function runPartitionTask(ctx: HistContext, tasks: ArrayLike<number>, o: number): number {
  const a = tasks[o + 1]!;
  const b = tasks[o + 2]!;
  if (tasks[o] === RESTORE) {
    const c = compile(ctx);
    c.restore(c.views, ctx.rowIndex, a, b);
    return 0;
  }
  const args = [tasks[o + 3]!, tasks[o + 4]!, tasks[o + 5]!, tasks[o + 6]!];
  if (tasks[o] === KEEP) return runBlock(ctx, compile(ctx).keep, a, b, args, ctx.keep);
  if (tasks[o] === CAT_PARTITION) {
    const at = tasks[o + 7]!;
    return runBlock(ctx, compile(ctx).cat, a, b, args, ctx.catLeft.subarray(at, at + ctx.catStride));
  }
  return runBlock(ctx, compile(ctx).split, a, b, args);
}

/**
 * Moves each block's right rows (spare, at the block's start) behind all left rows of the node, in
 * block order. `blocks` is `[a, b, leftCount]` per block of one node; returns the first right position.
 */
function stitch(ctx: HistContext, begin: number, blocks: readonly number[]): number {
  const { matrix, gh, rowIndex, spare } = ctx;
  const cols = matrix.cols;
  let dst = begin;
  for (let i = 0; i < blocks.length; i += 3) {
    const a = blocks[i]!;
    const left = blocks[i + 2]!;
    if (dst !== a && left > 0) {
      matrix.codes.copyWithin(dst * cols, a * cols, (a + left) * cols);
      gh.copyWithin(2 * dst, 2 * a, 2 * (a + left));
      rowIndex.copyWithin(dst, a, a + left);
    }
    dst += left;
  }
  const mid = dst;
  for (let i = 0; i < blocks.length; i += 3) {
    const a = blocks[i]!;
    const right = blocks[i + 1]! - a - blocks[i + 2]!;
    if (right === 0) continue;
    matrix.codes.set(spare.codes.subarray(a * cols, (a + right) * cols), dst * cols);
    gh.set(spare.gh.subarray(2 * a, 2 * (a + right)), 2 * dst);
    rowIndex.set(spare.rowIndex.subarray(a, a + right), dst);
    dst += right;
  }
  return mid;
}

/** Fewest rows per partition block when a node is cut finer than PART_ROWS. */
const MIN_PART_ROWS = 4096;

/**
 * Rows per partition task: PART_ROWS, or, for a batch of one node (leaf-wise growth), about a
 * quarter of the node per thread, so that every thread gets blocks; any block size gives the same
 * partition.
 */
function partRows(ctx: HistContext, runner: TaskRunner, jobs: readonly PartitionJob[]): number {
  if (runner.threads <= 1 || jobs.length !== 1) return PART_ROWS;
  const n = jobs[0]!.end - jobs[0]!.begin;
  const size = Math.min(PART_ROWS, Math.max(MIN_PART_ROWS, Math.ceil(n / (4 * runner.threads))));
  return Math.ceil(n / size) <= ctx.taskCapacity ? size : PART_ROWS;
}

/** Partitions every job's range (one batch of tasks); returns each job's first right position. */
export function partitionNodes(
  ctx: HistContext,
  runner: TaskRunner,
  jobs: readonly PartitionJob[],
): number[] {
  const size = partRows(ctx, runner, jobs);
  const tasks: number[] = [];
  let rows = 0;
  let catJobs = 0;
  for (const j of jobs) {
    const miss = ctx.matrix.missingCode[j.feature]!;
    let kind = PARTITION;
    let at = 0;
    if (j.cats !== undefined) {
      if (catJobs === CAT_JOBS)
        throw new DtrainError('E_INTERNAL', `more than ${CAT_JOBS} categorical splits in one batch`, {
          category: 'internal',
        });
      kind = CAT_PARTITION;
      at = catJobs++ * ctx.catStride;
      ctx.catLeft.fill(0, at, at + ctx.catStride);
      for (const c of j.cats) ctx.catLeft[at + c] = 1;
    }
    for (let a = j.begin; a < j.end; a += size) {
      tasks.push(kind, a, Math.min(j.end, a + size), j.feature, j.bin, miss, j.defaultLeft ? 1 : 0, at);
    }
    rows += j.end - j.begin;
  }
  runner.run(tasks, rows);
  const mids: number[] = [];
  let t = 0;
  for (const j of jobs) {
    const blocks: number[] = [];
    for (let a = j.begin; a < j.end; a += size, t++)
      blocks.push(a, Math.min(j.end, a + size), ctx.counts[t]!);
    mids.push(stitch(ctx, j.begin, blocks));
  }
  return mids;
}

/**
 * Starts a tree: the rows with keep[row] = 1 (all when `keep` is undefined) first, in row order, and
 * their `[g, h]` for output k of `grad`/`hess` (rows × K). Returns how many rows the tree sees. The
 * kept rows are moved in parallel blocks (KEEP tasks) stitched in block order: a stable partition.
 */
export function loadRows(
  ctx: HistContext,
  runner: TaskRunner,
  keep: Uint8Array | undefined,
  grad: Float32Array,
  hess: Float32Array,
  K: number,
  k: number,
): number {
  const rows = ctx.matrix.rows;
  let n = rows;
  if (keep) {
    ctx.keep.set(keep.subarray(0, rows));
    const tasks: number[] = [];
    for (let a = 0; a < rows; a += PART_ROWS)
      tasks.push(KEEP, a, Math.min(rows, a + PART_ROWS), 0, 0, 0, 0, 0);
    runner.run(tasks, rows);
    const blocks: number[] = [];
    for (let a = 0, t = 0; a < rows; a += PART_ROWS, t++)
      blocks.push(a, Math.min(rows, a + PART_ROWS), ctx.counts[t]!);
    n = stitch(ctx, 0, blocks);
  }
  const { gh, rowIndex } = ctx;
  for (let i = 0; i < n; i++) {
    const j = rowIndex[i]! * K + k;
    gh[2 * i] = grad[j]!;
    gh[2 * i + 1] = hess[j]!;
  }
  return n;
}

/** Ends a tree: codes and row ids back in row order (the next tree's starting point). */
export function restoreRows(ctx: HistContext, runner: TaskRunner): void {
  const rows = ctx.matrix.rows;
  const tasks: number[] = [];
  for (let a = 0; a < rows; a += PART_ROWS)
    tasks.push(RESTORE, a, Math.min(rows, a + PART_ROWS), 0, 0, 0, 0, 0);
  runner.run(tasks, rows);
  ctx.matrix.codes.set(ctx.spare.codes);
  for (let i = 0; i < rows; i++) ctx.rowIndex[i] = i;
}
