/**
 * Row partitioning that moves the rows themselves. A node's rows are a list of segments (position
 * ranges) in one of the context's row buffers (histogram.ts): buffer 0 is the matrix in row order and
 * is never written; buffer 1 holds the tree's rows. The root's first split copies each segment of
 * buffer 0 into buffer 1 at the same positions, lefts from the segment's start and rights from its
 * end; after that every split partitions its segments in place, two cursors meeting in the middle
 * (Hoare's partition: a right row found from the front trades places with a left row found from the
 * back), so a split reads its rows once and writes only the rows on the wrong side — about half of
 * them for an even split, few for an uneven one. The left child is the list of left parts and the
 * right child the list of right parts. Every segment is partitioned by itself (tasks of whole
 * segments), so any thread count gives the same layout, and histograms sum a node's rows in the same
 * (segment) order on any thread count.
 *
 * A segment is at most `ctx.segRows` rows: the root's segments cut the rows into such blocks, and
 * children only shrink them.
 */
import { DtrainError } from '../../../configs/errors.js';
import { CAT_JOBS, type HistContext } from './hist-context.js';
import { partitionKernels } from './partition-kernels.js';
import type { TaskRunner } from './task-runner.js';
import { wasmPartitions } from '../wasm/index.js';

/**
 * Task kinds (see histogram.ts's list):
 * `[PARTITION, s0, s1, feature, bin, missingCode, defaultLeft, src | catOffset << 4]` — partitions
 * segments [s0, s1) of the segment table of buffer src (in place, or from buffer 0 into buffer 1),
 * writing each segment's left count into segLeft.
 */
export const PARTITION = 2;
/** As PARTITION, left iff catLeft[catOffset + code] is 1. */
export const CAT_PARTITION = 4;
/** As PARTITION from buffer 0 into buffer 1, left iff the row is kept (ctx.keep[row] is 1); rights dropped. */
export const KEEP = 5;

/** Where a node's rows are: a buffer and its segments `[a0, b0, a1, b1, …]`. */
export interface NodeRows {
  readonly buf: number;
  readonly segs: readonly number[];
  /** Rows in all segments. */
  readonly n: number;
}

/** One node to partition and its split: left iff code ≤ bin (missing code: defaultLeft). */
export interface PartitionJob {
  readonly rows: NodeRows;
  readonly feature: number;
  readonly bin: number;
  readonly defaultLeft: boolean;
  /** Categorical split (LightGBM flavour): the codes that go left; `bin` is then unused. */
  readonly cats?: readonly number[] | undefined;
}

/** Runs one PARTITION, CAT_PARTITION or KEEP task at `o` of `tasks`. */
export function runPartitionTask(ctx: HistContext, tasks: ArrayLike<number>, o: number): void {
  const c = partitionKernels(ctx);
  const kind = tasks[o]!;
  const s0 = tasks[o + 1]!;
  const s1 = tasks[o + 2]!;
  const f = tasks[o + 3]!;
  const bin = tasks[o + 4]!;
  const miss = tasks[o + 5]!;
  const dl = tasks[o + 6]!;
  const x = tasks[o + 7]!;
  const si = x & 3;
  // Buffer 0 (the matrix) is copied from into buffer 1; buffer 1 is partitioned in place.
  const di = 1;
  const src = ctx.bufs[si]!;
  const dst = ctx.bufs[di]!;
  const fn =
    kind === KEEP
      ? c.keep
      : kind === CAT_PARTITION
        ? si === 0
          ? c.catCopy
          : c.cat
        : si === 0
          ? c.splitCopy
          : c.split;
  const at = x >> 4;
  const { segs, segLeft } = ctx;
  if (ctx.memory) {
    const w = wasmPartitions(ctx.memory, ctx.matrix.cols, src.codes.BYTES_PER_ELEMENT);
    const wfn =
      kind === KEEP
        ? w.keep
        : kind === CAT_PARTITION
          ? si === 0
            ? w.catCopy
            : w.cat
          : si === 0
            ? w.splitCopy
            : w.split;
    const selAt = kind === CAT_PARTITION ? ctx.catLeft.byteOffset + at : ctx.keep.byteOffset;
    const sc = src.codes.byteOffset;
    const sg = src.gh.byteOffset;
    const sx = src.idx.byteOffset;
    const dc = dst.codes.byteOffset;
    const dg = dst.gh.byteOffset;
    const dx = dst.idx.byteOffset;
    const fAt = f * src.codes.BYTES_PER_ELEMENT;
    for (let s = s0; s < s1; s++)
      segLeft[s] = wfn(sc, sg, sx, dc, dg, dx, segs[2 * s]!, segs[2 * s + 1]!, fAt, bin, miss, dl, selAt);
    return;
  }
  const sel = kind === CAT_PARTITION ? ctx.catLeft.subarray(at, at + ctx.catStride) : ctx.keep;
  const sv = c.views[si]!;
  const dv = c.views[di]!;
  for (let s = s0; s < s1; s++) {
    const a = segs[2 * s]!;
    const b = segs[2 * s + 1]!;
    segLeft[s] = fn(src.codes, sv, src.gh, src.idx, dv, dst.gh, dst.idx, a, b, f, bin, miss, dl, sel);
  }
}

/** Fewest rows per partition task when a node is cut finer for the threads. */
const MIN_TASK_ROWS = 4096;

/**
 * Partitions every job's rows (batches of tasks over whole segments); returns each job's children
 * `[left, right]`.
 */
export function partitionNodes(
  ctx: HistContext,
  runner: TaskRunner,
  jobs: readonly PartitionJob[],
): [NodeRows, NodeRows][] {
  const out: [NodeRows, NodeRows][] = [];
  let first = 0;
  while (first < jobs.length) {
    // As many jobs as the segment table and categorical table hold.
    let last = first;
    let segCount = 0;
    let catJobs = 0;
    while (last < jobs.length) {
      const j = jobs[last]!;
      const ns = j.rows.segs.length / 2;
      const nc = j.cats !== undefined ? 1 : 0;
      if (last > first && (segCount + ns > ctx.segCapacity || catJobs + nc > CAT_JOBS)) break;
      if (ns > ctx.segCapacity)
        throw new DtrainError('E_INTERNAL', `a node of ${ns} segments exceeds the segment table`, {
          category: 'internal',
        });
      segCount += ns;
      catJobs += nc;
      last++;
    }
    out.push(...partitionBatch(ctx, runner, jobs.slice(first, last)));
    first = last;
  }
  return out;
}

function partitionBatch(
  ctx: HistContext,
  runner: TaskRunner,
  jobs: readonly PartitionJob[],
): [NodeRows, NodeRows][] {
  const tasks: number[] = [];
  const { segs } = ctx;
  let s = 0;
  let rows = 0;
  let catJobs = 0;
  const starts: number[] = [];
  for (const j of jobs) {
    const { buf, segs: js, n } = j.rows;
    let kind = PARTITION;
    let at = 0;
    if (j.cats !== undefined) {
      kind = CAT_PARTITION;
      at = catJobs++ * ctx.catStride;
      ctx.catLeft.fill(0, at, at + ctx.catStride);
      for (const c of j.cats) ctx.catLeft[at + c] = 1;
    }
    const x = buf | (at << 4);
    const miss = ctx.matrix.missingCode[j.feature]!;
    // Tasks of whole segments, about a quarter of the node per thread (a leaf-wise batch is one node).
    const per = runner.threads <= 1 ? n : Math.max(MIN_TASK_ROWS, Math.ceil(n / (4 * runner.threads)));
    starts.push(s);
    let t0 = s;
    let acc = 0;
    for (let i = 0; i < js.length; i += 2) {
      segs[2 * s] = js[i]!;
      segs[2 * s + 1] = js[i + 1]!;
      acc += js[i + 1]! - js[i]!;
      s++;
      if (acc >= per || i + 2 === js.length) {
        tasks.push(kind, t0, s, j.feature, j.bin, miss, j.defaultLeft ? 1 : 0, x);
        t0 = s;
        acc = 0;
      }
    }
    rows += n;
  }
  runner.run(tasks, rows);
  return jobs.map((j, ji) => childrenOf(ctx, j.rows, starts[ji]!));
}

/** The children of a node partitioned from segment-table index `s`. */
function childrenOf(ctx: HistContext, rows: NodeRows, s: number): [NodeRows, NodeRows] {
  const left: number[] = [];
  const right: number[] = [];
  let nl = 0;
  let nr = 0;
  for (let i = 0; i < rows.segs.length; i += 2, s++) {
    const a = rows.segs[i]!;
    const b = rows.segs[i + 1]!;
    const l = ctx.segLeft[s]!;
    if (l > 0) left.push(a, a + l);
    if (b - a - l > 0) right.push(a + l, b);
    nl += l;
    nr += b - a - l;
  }
  const buf = 1;
  return [
    { buf, segs: left, n: nl },
    { buf, segs: right, n: nr },
  ];
}

/** All rows of the matrix, in row order, as a root in buffer 0. */
export function allRows(ctx: HistContext): NodeRows {
  const rows = ctx.matrix.rows;
  const segs: number[] = [];
  for (let a = 0; a < rows; a += ctx.segRows) segs.push(a, Math.min(rows, a + ctx.segRows));
  return { buf: 0, segs, n: rows };
}

/**
 * Starts a tree: buffer 0's `[g, h]` ← output k of `grad`/`hess` (rows × K), and the root — all rows,
 * or with `keep` the rows with keep[row] = 1, moved into buffer 1 (KEEP tasks), in row order.
 */
export function loadRows(
  ctx: HistContext,
  runner: TaskRunner,
  keep: Uint8Array | undefined,
  grad: Float32Array,
  hess: Float32Array,
  K: number,
  k: number,
): NodeRows {
  loadGh(ctx.gh, grad, hess, K, k, 0, ctx.matrix.rows);
  return keep ? keepRows(ctx, runner, keep) : allRows(ctx);
}

/** `gh` (buffer 0's `[g, h]`) ← output k of `grad`/`hess` (rows × K), rows [from, to). */
export function loadGh(
  gh: Float32Array,
  grad: Float32Array,
  hess: Float32Array,
  K: number,
  k: number,
  from: number,
  to: number,
): void {
  for (let r = from, j = from * K + k; r < to; r++, j += K) {
    gh[2 * r] = grad[j]!;
    gh[2 * r + 1] = hess[j]!;
  }
}

/** The rows with keep[row] = 1 (their codes, `[g, h]` and ids from buffer 0) as a root in buffer 1. */
export function keepRows(ctx: HistContext, runner: TaskRunner, keep: Uint8Array): NodeRows {
  const all = allRows(ctx);
  ctx.keep.set(keep.subarray(0, ctx.matrix.rows));
  const tasks: number[] = [];
  const segs = all.segs;
  for (let i = 0; i < segs.length; i += 2) {
    ctx.segs[i] = segs[i]!;
    ctx.segs[i + 1] = segs[i + 1]!;
  }
  // One task per segment; the table holds at least the root's segments (histogram.ts).
  for (let s = 0; s < segs.length / 2; s++) tasks.push(KEEP, s, s + 1, 0, 0, 0, 0, 0);
  runner.run(tasks, all.n);
  return childrenOf(ctx, all, 0)[0];
}
