/**
 * Prediction on several threads: the calling thread and `nthread − 1` workers (predict-worker.ts)
 * claim chunks of rows with an atomic counter and score them into one shared margin buffer. The
 * calling thread starts at once, so a worker still starting up simply claims fewer chunks, and one
 * that has claimed none when the rows are done is not waited for. Each row is scored exactly as
 * `predictMargins` scores it, so the output does not depend on the thread count or the timing.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  type FeatureMatrix,
  outputsOf,
  type PredictOptions,
  predictMargins,
  scoreRows,
  transformMargins,
  treesToScore,
} from './predict.js';
import type { GbdtModel } from '../core/index.js';

/** Below this many rows a thread costs more to start than it saves. */
const MIN_ROWS_PER_THREAD = 20_000;
/** Rows per claim: small enough that threads finish together, large enough that claims are rare. */
const CHUNK_ROWS = 4096;

/** Control words shared with the workers (predict-worker.ts). */
export const READY = 0;
export const NEXT_CHUNK = 1;
export const CHUNKS_DONE = 2;

/** What a prediction thread is given. */
export interface PredictJob {
  readonly model: GbdtModel;
  readonly first: number;
  readonly last: number;
  /** Shared rows × cols features. */
  readonly features: Float32Array;
  readonly cols: number;
  readonly rows: number;
  /** Shared rows × outputs margins. */
  readonly margins: Float32Array;
  /** Shared: READY (0 until `features` holds the rows), NEXT_CHUNK, CHUNKS_DONE. */
  readonly control: Int32Array;
}

/** Scores chunks until none is left; returns how many this thread scored. */
export function scoreChunks(job: PredictJob, features: Float32Array): number {
  const { model, first, last, cols, rows, margins, control } = job;
  let scored = 0;
  for (;;) {
    const from = Atomics.add(control, NEXT_CHUNK, 1) * CHUNK_ROWS;
    if (from >= rows) return scored;
    scoreRows(model, first, last, features, cols, margins, from, Math.min(rows, from + CHUNK_ROWS));
    Atomics.add(control, CHUNKS_DONE, 1);
    scored++;
  }
}

export async function predictMarginsParallel(
  model: GbdtModel,
  data: FeatureMatrix,
  options: PredictOptions & { readonly nthread?: number } = {},
): Promise<Float32Array> {
  const { rows, cols } = data;
  const wanted = options.nthread ?? availableParallelism();
  const threads = Math.max(1, Math.min(wanted, Math.floor(rows / MIN_ROWS_PER_THREAD)));
  const range = options.iterationRange ? { iterationRange: options.iterationRange } : {};
  if (threads <= 1) return predictMargins(model, data.features, rows, cols, range);
  const [first, last] = treesToScore(model, data.features, rows, cols, range);
  const chunks = Math.ceil(rows / CHUNK_ROWS);
  const job: PredictJob = {
    model,
    first,
    last,
    features: new Float32Array(new SharedArrayBuffer(rows * cols * 4)),
    cols,
    rows,
    margins: new Float32Array(new SharedArrayBuffer(rows * outputsOf(model) * 4)),
    control: new Int32Array(new SharedArrayBuffer(3 * 4)),
  };
  const workers = Array.from(
    { length: threads - 1 },
    () => new Worker(new URL('./predict-worker.js', import.meta.url), { workerData: job }),
  );
  try {
    // The workers wait for READY; they take a while to start, in which the copy is made.
    job.features.set(data.features.subarray(0, rows * cols));
    Atomics.store(job.control, READY, 1);
    Atomics.notify(job.control, READY);
    scoreChunks(job, data.features);
    await allScored(workers, job.control, chunks);
  } finally {
    for (const w of workers) void w.terminate();
  }
  return job.margins.slice();
}

/** Resolves once every chunk is scored; rejects when a worker fails or all exit before that. */
function allScored(workers: readonly Worker[], control: Int32Array, chunks: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const check = () => {
      if (Atomics.load(control, CHUNKS_DONE) === chunks) resolve();
    };
    let exited = 0;
    for (const w of workers) {
      // A worker posts once it has no more chunks to claim, so the last chunk's scorer posts after it.
      w.on('message', check);
      w.once('error', reject);
      w.once('exit', (code) => {
        if (code !== 0) reject(new Error(`prediction thread exited ${code}`));
        else if (++exited === workers.length && Atomics.load(control, CHUNKS_DONE) !== chunks)
          reject(new Error('prediction threads exited with rows left unscored'));
      });
    }
    check();
  });
}

/** Transformed predictions (probabilities, class probabilities, means) on several threads. */
export async function predictParallel(
  model: GbdtModel,
  data: FeatureMatrix,
  options: PredictOptions & { readonly nthread?: number } = {},
): Promise<Float32Array> {
  const margins = await predictMarginsParallel(model, data, options);
  return transformMargins(model, margins, data.rows);
}
