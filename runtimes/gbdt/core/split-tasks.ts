/**
 * Split scans as tasks: the best split of each freshly built node is searched by
 * the task threads, each node's features cut into contiguous ranges of about equal histogram slots.
 * Every task writes the best split of its range into its own record; the ranges are merged in feature
 * order, a later range winning only with a strictly larger gain — exactly what one scan over all
 * features in order picks (its candidate pruning only skips what cannot win), so the trees are the
 * same for any thread count.
 *
 * A flavour hands the core its rules as a RangeScan (the LightGBM flavour's LgbSplitRules; on the
 * worker threads too, from its thread entry); `installScan` registers a thread's rules for a context.
 * XGBoost's findBestSplit (whose strictly-greater replacement merges the same way) as a RangeScan is
 * `xgboostRangeScan`.
 */
import type { Cuts } from './cuts.js';
import type { HistContext, NodeBuild } from './hist-context.js';
import { runHistTask } from './histogram.js';
import { SCAN_JOBS, SCAN_PARTS } from './hist-context.js';
import { fixedSplitWords, readFixedSplit, writeFixedSplit } from './split-record.js';
import { emptySplit, findBestSplit, type GainParams, type SplitInfo } from './split.js';
import type { TaskRunner } from './task-runner.js';

/** Task kind (see histogram.ts's list): `[SCAN, job, fromFeature, toFeature, record, 0, 0, 0]`. */
export const SCAN = 6;
/**
 * Task kind: `[HIST_SCAN, pair, s0, s1, fromFeature, toFeature, buf, parentSlot]` — features
 * [from, to) of a split's two children: the smaller child's histogram from its rows (segments
 * [s0, s1) of buffer `buf`), the larger's as the parent's minus it, then both scanned (jobs 2·pair
 * and 2·pair + 1); the best splits go to records 2t and 2t + 1 (t: the task's index in its batch).
 */
export const HIST_SCAN = 8;

/** A node's best split over features [from, to) (the mask's other features are ignored). */
export type RangeScan = (
  hist: Float64Array,
  base: number,
  g: number,
  h: number,
  count: number,
  allowed: Uint8Array,
  out: SplitInfo,
  from: number,
  to: number,
) => void;

/** SplitRules.fixHistogram over features [from, to) of a node histogram just built. */
export type HistFix = (
  hist: Float64Array,
  base: number,
  g: number,
  h: number,
  from: number,
  to: number,
) => void;

const installed = new WeakMap<HistContext, RangeScan>();
const fixes = new WeakMap<HistContext, HistFix>();

/**
 * Makes `scan` this thread's rules for the SCAN and HIST_SCAN tasks of `ctx`, and `fix` what a
 * HIST_SCAN task does to the smaller child's histogram once built, before the sibling's subtraction.
 */
export function installScan(ctx: HistContext, scan: RangeScan, fix?: HistFix): void {
  installed.set(ctx, scan);
  if (fix) fixes.set(ctx, fix);
  else fixes.delete(ctx);
}

/** XGBoost 1.7's rules (split.ts findBestSplit) as a RangeScan. */
export function xgboostRangeScan(params: GainParams, cuts: Cuts, slotOffsets: Uint32Array): RangeScan {
  const mask = new Uint8Array(cuts.numFeature);
  return (hist, base, g, h, _count, allowed, out, from, to) => {
    mask.fill(0);
    mask.set(allowed.subarray(from, to), from);
    findBestSplit(params, cuts, slotOffsets, hist, base, g, h, mask, out);
  };
}

const scratch = emptySplit();

/** Runs one SCAN task at `o` of `tasks` (task index `t`): its range's best split into its record. */
export function runScanTask(ctx: HistContext, tasks: ArrayLike<number>, o: number): void {
  const rules = installed.get(ctx);
  if (rules === undefined) throw new Error('split scan task without installed rules');
  const job = tasks[o + 1]!;
  const rec = tasks[o + 4]!;
  const cols = ctx.matrix.cols;
  const mask = ctx.scanMask.subarray(job * cols, (job + 1) * cols);
  const i = 4 * job;
  const { scanIn: inp } = ctx;
  rules(
    ctx.pool,
    inp[i + 3]!,
    inp[i]!,
    inp[i + 1]!,
    inp[i + 2]!,
    mask,
    scratch,
    tasks[o + 2]!,
    tasks[o + 3]!,
  );
  const words = fixedSplitWords(ctx.scanCatWords);
  writeFixedSplit(scratch, ctx.scanCatWords, ctx.scanOut, rec * words);
}

/** Runs the HIST_SCAN task `t` at `o` of `tasks`. */
export function runHistScanTask(ctx: HistContext, tasks: ArrayLike<number>, o: number, t: number): void {
  const rules = installed.get(ctx);
  if (rules === undefined) throw new Error('split scan task without installed rules');
  const pair = tasks[o + 1]!;
  const from = tasks[o + 4]!;
  const to = tasks[o + 5]!;
  const { scanIn: inp, pool, featOff, histLen } = ctx;
  const cols = ctx.matrix.cols;
  const smallBase = inp[8 * pair + 3]!;
  const largeBase = inp[8 * pair + 7]!;
  runHistTask(ctx, smallBase, tasks[o + 2]!, tasks[o + 3]!, from, to, tasks[o + 6]!);
  fixes.get(ctx)?.(pool, smallBase, inp[8 * pair]!, inp[8 * pair + 1]!, from, to);
  const parentBase = tasks[o + 7]! * histLen;
  for (let j = featOff[from]!, e = to < cols ? featOff[to]! : histLen; j < e; j++) {
    pool[largeBase + j] = pool[parentBase + j]! - pool[smallBase + j]!;
  }
  const words = fixedSplitWords(ctx.scanCatWords);
  for (let c = 0; c < 2; c++) {
    const job = 2 * pair + c;
    const i = 4 * job;
    const mask = ctx.scanMask.subarray(job * cols, (job + 1) * cols);
    rules(pool, inp[i + 3]!, inp[i]!, inp[i + 1]!, inp[i + 2]!, mask, scratch, from, to);
    writeFixedSplit(scratch, ctx.scanCatWords, ctx.scanOut, (2 * t + c) * words);
  }
}

/** A split whose children are built together: the smaller from its rows, the larger by subtraction. */
export interface HistScanPair {
  /** The smaller child's rows and slot. */
  readonly small: NodeBuild;
  readonly parentSlot: number;
  /** The children's scans (their histograms at the bases of their slots). */
  readonly smallJob: ScanJob;
  readonly largeJob: ScanJob;
}

/**
 * Builds and scans the children of `pairs` in one batch of HIST_SCAN tasks (each pair's features
 * cut into ranges of about equal slots, enough for every thread), writing each child's best split
 * into its job's `out`. Merged in feature order as scanSplits merges: the trees are the ones that
 * building, subtracting and scanning one after another gives. Rules must be installed for `ctx` on
 * every thread.
 */
export function histScanSplits(
  ctx: HistContext,
  runner: TaskRunner,
  slotOffsets: Uint32Array,
  pairs: readonly HistScanPair[],
): void {
  const cols = ctx.matrix.cols;
  const words = fixedSplitWords(ctx.scanCatWords);
  const most = SCAN_JOBS / 2;
  for (let first = 0; first < pairs.length; ) {
    // A batch: up to SCAN_JOBS / 2 pairs whose segments fit the table.
    let last = first;
    let segs = 0;
    while (last < pairs.length && last - first < most) {
      const ns = pairs[last]!.small.segs.length / 2;
      if (last > first && segs + ns > ctx.segCapacity) break;
      segs += ns;
      last++;
    }
    const batch = pairs.slice(first, last);
    const parts = Math.min(SCAN_PARTS, Math.max(1, Math.ceil((2 * runner.threads) / batch.length)));
    const rs = ranges(slotOffsets, parts);
    const nr = rs.length / 2;
    const tasks: number[] = [];
    let s = 0;
    batch.forEach((p, n) => {
      ctx.scanIn.set([p.smallJob.g, p.smallJob.h, p.smallJob.count, p.smallJob.base], 8 * n);
      ctx.scanIn.set([p.largeJob.g, p.largeJob.h, p.largeJob.count, p.largeJob.base], 8 * n + 4);
      ctx.scanMask.set(p.smallJob.mask.subarray(0, cols), 2 * n * cols);
      ctx.scanMask.set(p.largeJob.mask.subarray(0, cols), (2 * n + 1) * cols);
      const s0 = s;
      for (let i = 0; i < p.small.segs.length; i++) ctx.segs[2 * s0 + i] = p.small.segs[i]!;
      s += p.small.segs.length / 2;
      for (let r = 0; r < rs.length; r += 2)
        tasks.push(HIST_SCAN, n, s0, s, rs[r]!, rs[r + 1]!, p.small.buf, p.parentSlot);
    });
    // Scans are short and many: always worth both threads.
    runner.run(tasks, Number.MAX_SAFE_INTEGER);
    batch.forEach((p, n) => {
      p.smallJob.mask.set(ctx.scanMask.subarray(2 * n * cols, (2 * n + 1) * cols));
      p.largeJob.mask.set(ctx.scanMask.subarray((2 * n + 1) * cols, (2 * n + 2) * cols));
      for (let c = 0; c < 2; c++) {
        const out = c === 0 ? p.smallJob.out : p.largeJob.out;
        Object.assign(out, emptySplit());
        for (let k = 0; k < nr; k++) {
          const rec = readFixedSplit(ctx.scanOut, (2 * (n * nr + k) + c) * words, ctx.scanCatWords);
          if (rec.feature >= 0 && rec.gain > out.gain) Object.assign(out, rec);
        }
      }
    });
    first = last;
  }
}

/**
 * One node to scan: its histogram at pool[base…], sums, global row count and feature mask (the
 * LightGBM rules' scan gives back in it the features it found splittable, findSplit).
 */
export interface ScanJob {
  readonly base: number;
  readonly g: number;
  readonly h: number;
  readonly count: number;
  readonly mask: Uint8Array;
  readonly out: SplitInfo;
}

/** `parts` contiguous feature ranges `[from, to, …]` of about equal slots (at least one feature each). */
function ranges(slotOffsets: Uint32Array, parts: number): number[] {
  const cols = slotOffsets.length - 1;
  const total = slotOffsets[cols]!;
  const out: number[] = [];
  let from = 0;
  for (let k = 1; k <= parts && from < cols; k++) {
    let to = from + 1;
    while (to < cols && k < parts && slotOffsets[to]! < (k * total) / parts) to++;
    if (k === parts) to = cols;
    out.push(from, to);
    from = to;
  }
  return out;
}

/**
 * Finds the best split of every job with the runner's threads (`parts` feature ranges per node),
 * writing each into its `out`. Rules must be installed for `ctx` on every thread.
 */
export function scanSplits(
  ctx: HistContext,
  runner: TaskRunner,
  slotOffsets: Uint32Array,
  jobs: readonly ScanJob[],
): void {
  const cols = ctx.matrix.cols;
  const parts = Math.min(SCAN_PARTS, Math.max(1, Math.ceil((2 * runner.threads) / Math.max(1, jobs.length))));
  const rs = ranges(slotOffsets, parts);
  for (let first = 0; first < jobs.length; first += SCAN_JOBS) {
    const batch = jobs.slice(first, first + SCAN_JOBS);
    const tasks: number[] = [];
    batch.forEach((j, n) => {
      ctx.scanIn.set([j.g, j.h, j.count, j.base], 4 * n);
      ctx.scanMask.set(j.mask.subarray(0, cols), n * cols);
      for (let r = 0; r < rs.length; r += 2)
        tasks.push(SCAN, n, rs[r]!, rs[r + 1]!, tasks.length / 8, 0, 0, 0);
    });
    // Split scans are short and many: always worth both threads (rows only gates waking them).
    runner.run(tasks, Number.MAX_SAFE_INTEGER);
    const words = fixedSplitWords(ctx.scanCatWords);
    batch.forEach((j, n) => {
      j.mask.set(ctx.scanMask.subarray(n * cols, (n + 1) * cols));
      Object.assign(j.out, emptySplit());
      for (let k = 0; k < rs.length / 2; k++) {
        const rec = readFixedSplit(ctx.scanOut, (n * (rs.length / 2) + k) * words, ctx.scanCatWords);
        if (rec.feature >= 0 && rec.gain > j.out.gain) Object.assign(j.out, rec);
      }
    });
  }
}
