/**
 * Batches of tasks over the shared buffers: histograms by feature range (histogram.ts), partitions
 * of whole segments (partition.ts), split scans and a split's children built, subtracted and scanned
 * together (split-tasks.ts) and per-row passes (row-tasks.ts). A batch is a flat list of
 * TASK_INTS ints per task; every task writes its own output region, so a batch gives the same result
 * run serially (here) or by any number of threads in any order (threads.ts).
 */
import { HIST, type HistContext, type NodeBuild, planTasks, runHistTask, TASK_INTS } from './histogram.js';
import { runPartitionTask } from './partition.js';
import { ROWS, runRowsTask } from '../lightgbm/row-tasks.js';
import { HIST_SCAN, runHistScanTask, runScanTask, SCAN } from './split-tasks.js';

/** Runs batches of tasks. */
export interface TaskRunner {
  /** Threads that run a batch's tasks (1: the calling thread alone). */
  readonly threads: number;
  /** Runs `tasks`; `rows` (the rows they touch) decides whether waking threads pays off. */
  run(tasks: readonly number[], rows: number): void;
  close(): Promise<void>;
}

/** Runs task `t` of `tasks`. */
export function runTaskAt(ctx: HistContext, tasks: ArrayLike<number>, t: number): void {
  const o = t * TASK_INTS;
  const kind = tasks[o];
  if (kind === HIST) {
    runHistTask(
      ctx,
      tasks[o + 1]!,
      tasks[o + 2]!,
      tasks[o + 3]!,
      tasks[o + 4]!,
      tasks[o + 5]!,
      tasks[o + 6]!,
    );
  } else if (kind === SCAN) {
    runScanTask(ctx, tasks, o);
  } else if (kind === ROWS) {
    runRowsTask(ctx, tasks, o);
  } else if (kind === HIST_SCAN) {
    runHistScanTask(ctx, tasks, o, t);
  } else {
    runPartitionTask(ctx, tasks, o);
  }
}

/** The single-thread runner. */
export function serialRunner(ctx: HistContext): TaskRunner {
  return {
    threads: 1,
    run(tasks) {
      for (let t = 0; t < tasks.length / TASK_INTS; t++) runTaskAt(ctx, tasks, t);
    },
    close: async () => {},
  };
}

/** Builds the histograms of `nodes` into their pool slots (batches that fit the segment table). */
export function buildHistograms(ctx: HistContext, runner: TaskRunner, nodes: readonly NodeBuild[]): void {
  let first = 0;
  while (first < nodes.length) {
    let last = first;
    let segs = 0;
    let rows = 0;
    while (last < nodes.length) {
      const ns = nodes[last]!.segs.length / 2;
      if (last > first && segs + ns > ctx.segCapacity) break;
      segs += ns;
      rows += nodes[last]!.n;
      last++;
    }
    runner.run(planTasks(ctx, nodes.slice(first, last), runner.threads), rows);
    first = last;
  }
}
