/**
 * A multithreaded task runner (tasks.ts): `nthread − 1` worker threads plus the calling thread share
 * the bin matrix, gradients, row index, spare buffers and histogram pool through SharedArrayBuffers.
 * Tasks are claimed with an atomic counter and each writes its own output region, so results are
 * bit-identical for any thread count and any timing. One wake-up and one join per batch (a tree
 * level's histograms, or its partition); tiny batches run on the calling thread alone.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { DtrainError } from '../../configs/errors.js';
import { type HistContext, TASK_INTS } from './histogram.js';
import type { SplitTasks } from './split-tasks.js';
import { runTaskAt, type TaskRunner } from './tasks.js';

// Control words: generation, next task, task count, workers done, stop, failed.
const GEN = 0;
const NEXT = 1;
const COUNT = 2;
const DONE = 3;
const STOP = 4;
const FAILED = 5;
// Below this many rows in a batch, waking workers costs more than it saves.
const MIN_PARALLEL_ROWS = 8192;

/** Starts `threads − 1` workers and returns a runner that uses them; `close` joins them. */
export function threadedRunner(ctx: HistContext, threads: number, split?: SplitTasks): TaskRunner {
  const ctl = new Int32Array(new SharedArrayBuffer(8 * 4));
  const taskBuf = new Int32Array(new SharedArrayBuffer(4 * TASK_INTS * ctx.taskCapacity));
  const workers: Worker[] = [];
  const url = new URL('./hist-worker.js', import.meta.url);
  for (let i = 1; i < threads; i++) {
    const splitData = split && { spec: split.spec, io: split.io };
    workers.push(new Worker(url, { workerData: { ctx, ctl, tasks: taskBuf, split: splitData } }));
  }
  const nw = workers.length;

  function claim(n: number): void {
    for (;;) {
      const t = Atomics.add(ctl, NEXT, 1);
      if (t >= n) return;
      runTaskAt(ctx, taskBuf, t, split);
    }
  }

  return {
    threads,
    run(tasks, rows) {
      const n = tasks.length / TASK_INTS;
      if (n > ctx.taskCapacity) {
        throw new DtrainError('E_INTERNAL', `a batch of ${n} tasks exceeds ${ctx.taskCapacity}`, {
          category: 'internal',
        });
      }
      if (nw === 0 || n <= 1 || rows < MIN_PARALLEL_ROWS) {
        for (let t = 0; t < n; t++) runTaskAt(ctx, tasks, t, split);
        return;
      }
      taskBuf.set(tasks);
      Atomics.store(ctl, NEXT, 0);
      Atomics.store(ctl, COUNT, n);
      Atomics.store(ctl, DONE, 0);
      Atomics.add(ctl, GEN, 1);
      Atomics.notify(ctl, GEN);
      claim(n);
      for (let d = Atomics.load(ctl, DONE); d < nw; d = Atomics.load(ctl, DONE)) Atomics.wait(ctl, DONE, d);
      if (Atomics.load(ctl, FAILED) !== 0) {
        throw new DtrainError('E_INTERNAL', 'a gbdt worker thread failed', { category: 'internal' });
      }
    },
    async close() {
      Atomics.store(ctl, STOP, 1);
      Atomics.add(ctl, GEN, 1);
      Atomics.notify(ctl, GEN);
      await Promise.all(workers.map((w) => once(w, 'exit')));
    },
  };
}
