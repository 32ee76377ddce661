/**
 * A multithreaded task runner (tasks.ts): `nthread − 1` worker threads plus the calling thread share
 * the row buffers, segment table, histogram pool and split records through SharedArrayBuffers.
 * Tasks are claimed with an atomic counter and each writes its own output region, so results are
 * bit-identical for any thread count and any timing. One wake-up and one join per batch (a tree
 * level's histograms, its partition, its split scans); tiny batches run on the calling thread alone.
 *
 * The join waits for the batch's tasks, not for the workers: the claim counter carries the batch's
 * generation, so a worker that the OS has not scheduled yet (a busy shared host) is simply not waited
 * for — the calling thread claims what is left, and a late worker finds the batch closed.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { DtrainError } from '../../../configs/errors.js';
import { TASK_INTS } from './histogram.js';
import type { HistContext } from './hist-context.js';
import type { TaskRunner } from './task-runner.js';
import { runTaskAt } from './tasks.js';

// Control words: generation, next claim (generation << GEN_SHIFT | task), tasks finished, stop,
// failed, and the task count of even / odd generations (two slots, so a worker that read an old
// generation never pairs it with the next batch's count).
export const GEN = 0;
const NEXT = 1;
const FINISHED = 3;
export const STOP = 4;
const FAILED = 5;
const COUNTS = 6;
const GEN_SHIFT = 20;
const TASK_MASK = (1 << GEN_SHIFT) - 1;
const GEN_MASK = 0x7ff;
// Below this many rows in a batch, waking workers costs more than it saves.
const MIN_PARALLEL_ROWS = 8192;

/**
 * How long a thread spins on a control word before it sleeps. A tree's batches follow each other
 * within microseconds, and a sleeping thread takes tens of them to wake (longer on a busy host), in
 * which the calling thread claims the small batches alone; spinning this briefly keeps both busy and
 * costs nothing once training ends or pauses (metrics, a rank's all-reduce), where they sleep.
 */
const SPIN_MS = 0.2;

/** Spins while ctl[at] is `value`, up to SPIN_MS. */
export function spinWhile(ctl: Int32Array, at: number, value: number): void {
  if (Atomics.load(ctl, at) !== value) return;
  const until = performance.now() + SPIN_MS;
  for (let i = 1; Atomics.load(ctl, at) === value; i++) {
    if ((i & 63) === 0 && performance.now() > until) return;
  }
}

/** The task count of batch `gen`. */
export function batchCount(ctl: Int32Array, gen: number): number {
  return Atomics.load(ctl, COUNTS + (gen & 1));
}

/**
 * Claims and runs tasks of batch `gen` (n tasks) until none is left or the batch is no longer the
 * current one; counts each finished task (a failed one too, after marking the batch failed).
 */
export function claimTasks(ctl: Int32Array, gen: number, n: number, run: (t: number) => void): void {
  for (;;) {
    const v = Atomics.load(ctl, NEXT);
    const t = v & TASK_MASK;
    if (v >>> GEN_SHIFT !== gen || t >= n) return;
    if (Atomics.compareExchange(ctl, NEXT, v, v + 1) !== v) continue;
    try {
      run(t);
    } catch {
      Atomics.store(ctl, FAILED, 1);
    }
    Atomics.add(ctl, FINISHED, 1);
    Atomics.notify(ctl, FINISHED);
  }
}

/** What the worker threads of a runner start from. */
export interface ThreadScript {
  /**
   * The thread entry: a module that calls serveTasks (thread-loop.ts) with its set-up. It must sit
   * beside the file that names it (`new URL('./x.js', import.meta.url)`), under a name unique in the
   * runtime: the worker bundle carries thread scripts by name, beside its one entry.
   */
  readonly url: URL;
  /** Plain (structured-cloneable) data the entry's set-up receives, e.g. a flavour's split rules. */
  readonly data?: unknown;
}

/** Core's thread entry (hist-worker.ts): the core task kinds with XGBoost's defaults. */
export const HIST_WORKER: ThreadScript = { url: new URL('./hist-worker.js', import.meta.url) };

/**
 * Starts `threads − 1` workers running `script` and returns a runner that uses them; `close` joins
 * them. The script's set-up installs what its tasks need beyond the context (split-scan rules,
 * per-row passes).
 */
export function threadedRunner(
  ctx: HistContext,
  threads: number,
  script: ThreadScript = HIST_WORKER,
): TaskRunner {
  const ctl = new Int32Array(new SharedArrayBuffer(8 * 4));
  const taskBuf = new Int32Array(new SharedArrayBuffer(4 * TASK_INTS * ctx.taskCapacity));
  const workers: Worker[] = [];
  for (let i = 1; i < threads; i++) {
    workers.push(new Worker(script.url, { workerData: { ctx, ctl, tasks: taskBuf, data: script.data } }));
  }
  const nw = workers.length;

  let gen = 0;
  const run = (t: number) => runTaskAt(ctx, taskBuf, t);

  return {
    threads,
    run(tasks, rows) {
      const n = tasks.length / TASK_INTS;
      if (n > ctx.taskCapacity || n > TASK_MASK) {
        throw new DtrainError('E_INTERNAL', `a batch of ${n} tasks exceeds ${ctx.taskCapacity}`, {
          category: 'internal',
        });
      }
      if (nw === 0 || n <= 1 || rows < MIN_PARALLEL_ROWS) {
        for (let t = 0; t < n; t++) runTaskAt(ctx, tasks, t);
        return;
      }
      taskBuf.set(tasks);
      gen = (gen + 1) & GEN_MASK;
      Atomics.store(ctl, COUNTS + (gen & 1), n);
      Atomics.store(ctl, FINISHED, 0);
      Atomics.store(ctl, FAILED, 0);
      // Opens the batch: claims of an older generation fail from here on.
      Atomics.store(ctl, NEXT, gen << GEN_SHIFT);
      Atomics.store(ctl, GEN, gen);
      Atomics.notify(ctl, GEN);
      claimTasks(ctl, gen, n, run);
      for (let f = Atomics.load(ctl, FINISHED); f < n; f = Atomics.load(ctl, FINISHED)) {
        spinWhile(ctl, FINISHED, f);
        if (Atomics.load(ctl, FINISHED) === f) Atomics.wait(ctl, FINISHED, f);
      }
      if (Atomics.load(ctl, FAILED) !== 0) {
        throw new DtrainError('E_INTERNAL', 'a gbdt worker thread failed', { category: 'internal' });
      }
    },
    async close() {
      Atomics.store(ctl, STOP, 1);
      Atomics.store(ctl, GEN, (gen + 1) & GEN_MASK);
      Atomics.notify(ctl, GEN);
      await Promise.all(workers.map((w) => once(w, 'exit')));
    },
  };
}
