/**
 * The body of a task thread (threads.ts): installs what its tasks need, then waits for a new batch
 * generation, claims its tasks until none are left (or the batch is over), and exits when the stop
 * word is set. A thread entry (core's hist-worker.ts, a flavour's own) calls `serveTasks` once.
 */
import { workerData } from 'node:worker_threads';
import type { HistContext } from './hist-context.js';
import { runTaskAt } from './tasks.js';
import { batchCount, claimTasks, GEN, STOP, spinWhile } from './threads.js';

/** Runs this worker thread's tasks until stopped; `setUp` first gets the context and the script's data. */
export function serveTasks(setUp?: (ctx: HistContext, data: unknown) => void): void {
  const { ctx, ctl, tasks, data } = workerData as {
    ctx: HistContext;
    ctl: Int32Array;
    tasks: Int32Array;
    data: unknown;
  };
  setUp?.(ctx, data);
  const run = (t: number) => runTaskAt(ctx, tasks, t);
  let seen = 0;
  for (;;) {
    spinWhile(ctl, GEN, seen);
    Atomics.wait(ctl, GEN, seen);
    seen = Atomics.load(ctl, GEN);
    if (Atomics.load(ctl, STOP) !== 0) break;
    claimTasks(ctl, seen, batchCount(ctl, seen), run);
  }
}
