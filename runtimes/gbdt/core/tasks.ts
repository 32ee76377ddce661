/**
 * Batches of tasks over the shared buffers: histograms by feature range (histogram.ts), partitions
 * of whole segments (partition.ts), split scans and a split's children built, subtracted and scanned
 * together (split-tasks.ts), and a flavour's own kinds (the LightGBM flavour's per-row passes). A
 * batch is a flat list of TASK_INTS ints per task, the first its kind; every task writes its own
 * output region, so a batch gives the same result run serially (here) or by any number of threads in
 * any order (threads.ts).
 */
import { HIST, planTasks, runHistTask, TASK_INTS } from './histogram.js';
import type { HistContext, NodeBuild } from './hist-context.js';
import { CAT_PARTITION, KEEP, PARTITION, runPartitionTask } from './partition.js';
import { HIST_SCAN, runHistScanTask, runScanTask, SCAN } from './split-tasks.js';
import type { TaskRunner } from './task-runner.js';

/** Runs the task at `o` of `tasks` (its index in the batch: `t`). */
export type TaskFn = (ctx: HistContext, tasks: ArrayLike<number>, o: number, t: number) => void;

/** The kind a flavour's per-row passes use (the LightGBM flavour's row-tasks.ts). */
export const ROWS = 7;

/** The task-kind table: kind → how to run it. Core's kinds here; ROWS is defined by its flavour. */
const KINDS: (TaskFn | undefined)[] = [];
KINDS[HIST] = (ctx, tasks, o) =>
  runHistTask(ctx, tasks[o + 1]!, tasks[o + 2]!, tasks[o + 3]!, tasks[o + 4]!, tasks[o + 5]!, tasks[o + 6]!);
KINDS[PARTITION] = runPartitionTask;
KINDS[CAT_PARTITION] = runPartitionTask;
KINDS[KEEP] = runPartitionTask;
KINDS[SCAN] = runScanTask;
KINDS[HIST_SCAN] = runHistScanTask;

/**
 * Defines how tasks of a flavour's `kind` (ROWS) run on this thread; a thread that runs them (the
 * flavour's thread entry) imports the module that defines them. Throws for a kind already defined.
 */
export function defineTaskKind(kind: number, run: TaskFn): void {
  const had = KINDS[kind];
  if (had !== undefined && had !== run) throw new Error(`task kind ${kind} is already defined`);
  KINDS[kind] = run;
}

/** Runs task `t` of `tasks`; throws on a kind the table does not hold. */
export function runTaskAt(ctx: HistContext, tasks: ArrayLike<number>, t: number): void {
  const o = t * TASK_INTS;
  const kind = tasks[o]!;
  const run = KINDS[kind];
  if (run === undefined) throw new Error(`unknown gbdt task kind ${kind}`);
  run(ctx, tasks, o, t);
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
