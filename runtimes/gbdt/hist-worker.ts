/**
 * Worker thread of threads.ts: waits for a new batch generation, claims its tasks until none are left
 * (or the batch is over), and exits when the stop word is set.
 */
import { workerData } from 'node:worker_threads';
import type { HistContext } from './histogram.js';
import { runTaskAt } from './tasks.js';
import { batchCount, claimTasks, GEN, STOP } from './threads.js';

const { ctx, ctl, tasks } = workerData as { ctx: HistContext; ctl: Int32Array; tasks: Int32Array };
const run = (t: number) => runTaskAt(ctx, tasks, t);
let seen = 0;
for (;;) {
  Atomics.wait(ctl, GEN, seen);
  seen = Atomics.load(ctl, GEN);
  if (Atomics.load(ctl, STOP) !== 0) break;
  claimTasks(ctl, seen, batchCount(ctl, seen), run);
}
