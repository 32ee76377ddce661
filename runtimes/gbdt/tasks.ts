/**
 * Batches of tasks over the shared buffers: histogram blocks (histogram.ts) and partition / restore
 * blocks (partition.ts). A batch is a flat list of TASK_INTS ints per task; every task writes its own
 * output region (or `counts[t]`), so a batch gives the same result run serially (here) or by any
 * number of threads in any order (threads.ts).
 */
import {
  applyAdds,
  featureParts,
  HIST,
  HIST_PARTIAL,
  type HistContext,
  type NodeBuild,
  planTasks,
  runHistTask,
  TASK_INTS,
} from './histogram.js';
import { runPartitionTask } from './partition.js';
import { runScanTask, SCAN } from './split-tasks.js';

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
  if (kind === HIST || kind === HIST_PARTIAL) {
    const out = kind === HIST ? ctx.pool : ctx.partials;
    runHistTask(ctx, out, tasks[o + 1]!, tasks[o + 2]!, tasks[o + 3]!, tasks[o + 4]!, tasks[o + 5]!);
  } else if (kind === SCAN) {
    runScanTask(ctx, tasks, o);
  } else {
    ctx.counts[t] = runPartitionTask(ctx, tasks, o);
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

/** Builds the histograms of `nodes` into their pool slots. */
export function buildHistograms(ctx: HistContext, runner: TaskRunner, nodes: readonly NodeBuild[]): void {
  const parts = featureParts(nodes, ctx.matrix.cols, runner.threads, ctx.taskCapacity);
  const { tasks, adds } = planTasks(nodes, ctx.histLen, ctx.featOff, parts);
  let rows = 0;
  for (const b of nodes) rows += b.end - b.begin;
  runner.run(tasks, rows);
  applyAdds(ctx, adds);
}
