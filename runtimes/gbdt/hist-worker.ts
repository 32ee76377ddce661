/**
 * Worker thread of threads.ts: waits for a new batch generation, claims tasks with an atomic counter
 * until none are left, reports done, and exits when the stop word is set.
 */
import { workerData } from 'node:worker_threads';
import type { HistContext } from './histogram.js';
import { type SplitIO, type SplitSpec, splitTasks } from './split-tasks.js';
import { runTaskAt } from './tasks.js';

const { ctx, ctl, tasks, split } = workerData as {
  ctx: HistContext;
  ctl: Int32Array;
  tasks: Int32Array;
  split?: { spec: SplitSpec; io: SplitIO };
};
const mine = split && splitTasks(split.spec, split.io);
let seen = 0;
for (;;) {
  Atomics.wait(ctl, 0, seen);
  seen = Atomics.load(ctl, 0);
  if (Atomics.load(ctl, 4) !== 0) break;
  const n = Atomics.load(ctl, 2);
  try {
    for (;;) {
      const t = Atomics.add(ctl, 1, 1);
      if (t >= n) break;
      runTaskAt(ctx, tasks, t, mine);
    }
  } catch {
    Atomics.store(ctl, 5, 1);
  }
  Atomics.add(ctl, 3, 1);
  Atomics.notify(ctl, 3);
}
