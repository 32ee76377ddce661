/**
 * Row partitioning that moves the rows themselves, each row once per split. A node's rows are a list
 * of segments (position ranges) in one of the context's row buffers (histogram.ts): buffer 0 is the
 * matrix in row order and is never written; a split node's segments are partitioned into the other
 * of buffers 1 and 2 at the same positions — each segment's left rows first, then its right rows,
 * both in ascending row order (a stable partition, like XGBoost's partition builder) — so the left
 * child is the list of left parts and the right child the list of right parts. Those positions in
 * the target buffer belonged to the split node's ancestors only, which are split already, so no live
 * node is overwritten. Every segment is partitioned by itself (tasks of whole segments), so any
 * thread count gives the same layout, and no serial pass stitches blocks together. A node's rows in
 * segment order are ascending, so histograms sum rows in row order as before.
 *
 * A segment is at most `ctx.segRows` rows: the root's segments cut the rows into such blocks, and
 * children only shrink them.
 */
import { DtrainError } from '../../configs/errors.js';
import { CAT_JOBS, type HistContext } from './histogram.js';
import type { TaskRunner } from './tasks.js';

/**
 * Task kinds (see histogram.ts's list):
 * `[PARTITION, s0, s1, feature, bin, missingCode, defaultLeft, src | dst << 2 | catOffset << 4]` —
 * partitions segments [s0, s1) of the segment table from buffer src into buffer dst, writing each
 * segment's left count into segLeft.
 */
export const PARTITION = 2;
/** As PARTITION, left iff catLeft[catOffset + code] is 1. */
export const CAT_PARTITION = 4;
/** As PARTITION from buffer 0 into `dst`, left iff the row is kept (ctx.keep[row] is 1); rights dropped. */
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

type Views = readonly (Uint32Array | Uint16Array | Uint8Array)[];
/** One segment [a, b): lefts to dst at a…, rights to `tmp` at a… (then copied); returns the left count. */
type SegFn = (
  src: Uint8Array | Uint16Array,
  sv: Uint32Array | Uint16Array | Uint8Array,
  sgh: Float32Array,
  sidx: Uint32Array,
  dv: Uint32Array | Uint16Array | Uint8Array,
  dgh: Float32Array,
  didx: Uint32Array,
  tv: Uint32Array | Uint16Array | Uint8Array,
  tgh: Float32Array,
  tidx: Uint32Array,
  a: number,
  b: number,
  f: number,
  bin: number,
  miss: number,
  dl: number,
  sel: Uint8Array,
) => number;

interface Compiled {
  /** The context's own buffer 1 codes (the cache key). */
  codes: Uint8Array | Uint16Array;
  views: Views;
  perRow: number;
  split: SegFn;
  cat: SegFn;
  keep: SegFn;
}
let compiled: Compiled | undefined;

/** Widest word (4, 2 or 1 bytes) that divides a row of codes, as views over every buffer's codes. */
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
  return { views: ctx.bufs.map((b) => view(b.codes)), perRow: bytes / unit };
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

/** The segment loops specialised for this matrix's row width (generated like the histogram kernel). */
function compile(ctx: HistContext): Compiled {
  if (compiled?.codes === ctx.bufs[1]!.codes) return compiled;
  const { views, perRow } = viewsOf(ctx);
  const cols = ctx.matrix.cols;
  const seg = (pred: string, keepRights: boolean): SegFn =>
    new Function(
      'src',
      'sv',
      'sgh',
      'sidx',
      'dv',
      'dgh',
      'didx',
      'tv',
      'tgh',
      'tidx',
      'a',
      'b',
      'f',
      'bin',
      'miss',
      'dl',
      'sel',
      `let w = a; let k = a;
      for (let i = a; i < b; i++) {
        ${pred}
        if (left) {
          ${copyRow('dv', 'w', 'sv', 'i', perRow)} dgh[2 * w] = sgh[2 * i]; dgh[2 * w + 1] = sgh[2 * i + 1]; didx[w] = sidx[i]; w++;
        } ${
          keepRights
            ? `else { ${copyRow('tv', 'k', 'sv', 'i', perRow)} tgh[2 * k] = sgh[2 * i]; tgh[2 * k + 1] = sgh[2 * i + 1]; tidx[k] = sidx[i]; k++; }`
            : ''
        }
      }
      ${
        keepRights
          ? `const n = k - a; const at = w - a;
      if (n > 0) {
        dv.set(tv.subarray(a * ${perRow}, k * ${perRow}), w * ${perRow});
        dgh.set(tgh.subarray(2 * a, 2 * k), 2 * w);
        didx.set(tidx.subarray(a, k), w);
      }
      return at;`
          : 'return w - a;'
      }`,
    ) as SegFn;
  compiled = {
    codes: ctx.bufs[1]!.codes,
    views,
    perRow,
    split: seg(`const c = src[i * ${cols} + f]; const left = c === miss ? dl === 1 : c <= bin;`, true),
    cat: seg(`const left = sel[src[i * ${cols} + f]] === 1;`, true),
    keep: seg('const left = sel[sidx[i]] === 1;', false),
  };
  return compiled;
}

/** Runs one PARTITION, CAT_PARTITION or KEEP task at `o` of `tasks`. */
export function runPartitionTask(ctx: HistContext, tasks: ArrayLike<number>, o: number): void {
  const c = compile(ctx);
  const kind = tasks[o]!;
  const s0 = tasks[o + 1]!;
  const s1 = tasks[o + 2]!;
  const f = tasks[o + 3]!;
  const bin = tasks[o + 4]!;
  const miss = tasks[o + 5]!;
  const dl = tasks[o + 6]!;
  const x = tasks[o + 7]!;
  const si = x & 3;
  const di = (x >> 2) & 3;
  // Right rows wait in the source buffer (its rows of this segment are read before they are
  // overwritten) — except in buffer 0, the matrix itself, where they wait in the third buffer.
  const ti = si === 0 ? 3 - di : si;
  const src = ctx.bufs[si]!;
  const dst = ctx.bufs[di]!;
  const tmp = ctx.bufs[ti]!;
  const fn = kind === KEEP ? c.keep : kind === CAT_PARTITION ? c.cat : c.split;
  const at = x >> 4;
  const sel =
    kind === KEEP
      ? ctx.keep
      : kind === CAT_PARTITION
        ? ctx.catLeft.subarray(at, at + ctx.catStride)
        : ctx.keep;
  const { segs, segLeft } = ctx;
  for (let s = s0; s < s1; s++) {
    const a = segs[2 * s]!;
    const b = segs[2 * s + 1]!;
    segLeft[s] = fn(
      src.codes,
      c.views[si]!,
      src.gh,
      src.idx,
      c.views[di]!,
      dst.gh,
      dst.idx,
      c.views[ti]!,
      tmp.gh,
      tmp.idx,
      a,
      b,
      f,
      bin,
      miss,
      dl,
      sel,
    );
  }
}

/** Fewest rows per partition task when a node is cut finer for the threads. */
const MIN_TASK_ROWS = 4096;

/** The buffer a node's children go to. */
function targetOf(buf: number): number {
  return buf === 1 ? 2 : 1;
}

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
    const x = buf | (targetOf(buf) << 2) | (at << 4);
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
  const buf = targetOf(rows.buf);
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
  const gh = ctx.gh;
  const rows = ctx.matrix.rows;
  for (let r = 0, j = k; r < rows; r++, j += K) {
    gh[2 * r] = grad[j]!;
    gh[2 * r + 1] = hess[j]!;
  }
  return keep ? keepRows(ctx, runner, keep) : allRows(ctx);
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
  for (let s = 0; s < segs.length / 2; s++) tasks.push(KEEP, s, s + 1, 0, 0, 0, 0, 0 | (1 << 2));
  runner.run(tasks, all.n);
  return childrenOf(ctx, all, 0)[0];
}
