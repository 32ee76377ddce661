/**
 * Prediction on several threads: the rows are split into contiguous parts, each scored by
 * predict-worker.ts over a shared copy of the features. Each row is scored exactly as
 * `predictMargins` scores it, so the output does not depend on the thread count.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { objectiveFor } from './objectives.js';
import { type FeatureMatrix, outputsOf, type PredictOptions, predictMargins } from './predict.js';
import type { GbdtModel } from './types.js';

/** Below this many rows a thread costs more to start than it saves. */
const MIN_ROWS_PER_THREAD = 20_000;

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
  const outputs = outputsOf(model);
  const features = new SharedArrayBuffer(rows * cols * 4);
  new Float32Array(features).set(data.features.subarray(0, rows * cols));
  const margins = new SharedArrayBuffer(rows * outputs * 4);
  const parts = Array.from({ length: threads }, (_, i) => [
    Math.floor((i * rows) / threads),
    Math.floor(((i + 1) * rows) / threads),
  ]);
  await Promise.all(
    parts.map(
      ([from, to]) =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(new URL('./predict-worker.js', import.meta.url), {
            workerData: { model, features, margins, cols, outputs, from, to, ...range },
          });
          worker.once('message', () => resolve());
          worker.once('error', reject);
          worker.once('exit', (code) =>
            code === 0 ? resolve() : reject(new Error(`prediction thread exited ${code}`)),
          );
        }),
    ),
  );
  return new Float32Array(margins).slice();
}

/** Transformed predictions (probabilities, class probabilities, means) on several threads. */
export async function predictParallel(
  model: GbdtModel,
  data: FeatureMatrix,
  options: PredictOptions & { readonly nthread?: number } = {},
): Promise<Float32Array> {
  const margins = await predictMarginsParallel(model, data, options);
  return objectiveFor(model.objective, model.numClass).transform(margins, data.rows);
}
