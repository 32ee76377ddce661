/**
 * Worker thread of threads.ts: waits for a new batch generation, claims its tasks until none are left
 * (or the batch is over), and exits when the stop word is set.
 */
import { workerData } from 'node:worker_threads';
import type { HistContext } from './histogram.js';
import { installRows, type RowConfig } from '../lightgbm/row-tasks.js';
import { installScan, type ScanConfig } from './split-tasks.js';
import { runTaskAt } from './tasks.js';
import { batchCount, claimTasks, GEN, STOP, spinWhile } from './threads.js';

const { ctx, ctl, tasks, scan, rows } = workerData as {
  ctx: HistContext;
  ctl: Int32Array;
  tasks: Int32Array;
  scan?: ScanConfig;
  rows?: RowConfig;
};
if (scan) installScan(ctx, scan);
if (rows) installRows(ctx, rows);
const run = (t: number) => runTaskAt(ctx, tasks, t);
let seen = 0;
for (;;) {
  spinWhile(ctl, GEN, seen);
  Atomics.wait(ctl, GEN, seen);
  seen = Atomics.load(ctl, GEN);
  if (Atomics.load(ctl, STOP) !== 0) break;
  claimTasks(ctl, seen, batchCount(ctl, seen), run);
}
