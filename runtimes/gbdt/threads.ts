/**
 * Multithreaded histogram building: `nthread − 1` worker threads plus the calling thread share the
 * bin matrix, gradients, row index and histogram pool through SharedArrayBuffers. A batch is the same
 * task plan as the serial builder (histogram.ts): tasks are claimed with an atomic counter, each
 * writes its own output region, and the block partials are added in plan order afterwards, so the
 * histograms are bit-identical for any thread count and any timing. One wake-up and one join per
 * batch (a tree level in depth-wise growth); tiny batches run on the calling thread alone.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { DtrainError } from '../../configs/errors.js';
import { applyAdds, type HistBuilder, type HistContext, planTasks, runTask } from './histogram.js';

// Control words: generation, next task, task count, workers done, stop, failed.
const GEN = 0;
const NEXT = 1;
const COUNT = 2;
const DONE = 3;
const STOP = 4;
const FAILED = 5;
// Below this many rows in a batch, waking workers costs more than it saves.
const MIN_PARALLEL_ROWS = 8192;

/** Starts `threads − 1` workers and returns a builder that uses them; `close` joins them. */
export function threadedBuilder(ctx: HistContext, threads: number): HistBuilder {
  const ctl = new Int32Array(new SharedArrayBuffer(8 * 4));
  // A batch has at most one task per pooled slot plus one per extra block of rows.
  const capacity = ctx.pool.length / ctx.histLen + ctx.partials.length / ctx.histLen + 1;
  const taskBuf = new Int32Array(new SharedArrayBuffer(4 * 4 * capacity));
  const workers: Worker[] = [];
  const url = new URL('./hist-worker.js', import.meta.url);
  for (let i = 1; i < threads; i++) {
    workers.push(new Worker(url, { workerData: { ctx, ctl, tasks: taskBuf } }));
  }
  const nw = workers.length;

  function claim(tasks: Int32Array, n: number): void {
    for (;;) {
      const t = Atomics.add(ctl, NEXT, 1);
      if (t >= n) return;
      const o = 4 * t;
      runTask(ctx, tasks[o] === 1 ? ctx.partials : ctx.pool, tasks[o + 1]!, tasks[o + 2]!, tasks[o + 3]!);
    }
  }

  return {
    build(nodes) {
      const { tasks, adds } = planTasks(nodes, ctx.histLen);
      const n = tasks.length / 4;
      let rows = 0;
      for (const b of nodes) rows += b.end - b.begin;
      if (nw === 0 || n <= 1 || rows < MIN_PARALLEL_ROWS) {
        for (let t = 0; t < tasks.length; t += 4) {
          runTask(ctx, tasks[t] === 1 ? ctx.partials : ctx.pool, tasks[t + 1]!, tasks[t + 2]!, tasks[t + 3]!);
        }
        applyAdds(ctx, adds);
        return;
      }
      taskBuf.set(tasks);
      Atomics.store(ctl, NEXT, 0);
      Atomics.store(ctl, COUNT, n);
      Atomics.store(ctl, DONE, 0);
      Atomics.add(ctl, GEN, 1);
      Atomics.notify(ctl, GEN);
      claim(taskBuf, n);
      for (let d = Atomics.load(ctl, DONE); d < nw; d = Atomics.load(ctl, DONE)) Atomics.wait(ctl, DONE, d);
      if (Atomics.load(ctl, FAILED) !== 0) {
        throw new DtrainError('E_INTERNAL', 'a histogram worker thread failed', { category: 'internal' });
      }
      applyAdds(ctx, adds);
    },
    async close() {
      Atomics.store(ctl, STOP, 1);
      Atomics.add(ctl, GEN, 1);
      Atomics.notify(ctl, GEN);
      await Promise.all(workers.map((w) => once(w, 'exit')));
    },
  };
}
