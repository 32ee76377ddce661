/**
 * Evaluation of a data set split across the ranks: each rank scores a contiguous slice in batches
 * (inference mode: no dropout, batch-norm running statistics) and one all-reduce sums loss and
 * correct counts, so a 10,000-image test set costs each of 2 ranks half the time.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { batchTensors, correctCount, type LossFn } from './sync-trainer.js';
import type { LabelMode, TfTable } from './tf-data.js';
import type { Tf } from './tf-api.js';

/** Mean loss, and accuracy when the labels are classes. */
export interface EvalResult {
  readonly loss: number;
  readonly accuracy: number | undefined;
  readonly samples: number;
}

export async function evaluate(args: {
  readonly tf: Tf;
  readonly model: LayersModel;
  readonly loss: LossFn;
  readonly table: TfTable;
  readonly labelMode: LabelMode;
  readonly classes: number;
  readonly rank: number;
  readonly world: number;
  /** Sums three floats over the ranks in place. */
  readonly sum: (buf: Float64Array) => Promise<void>;
  readonly batch?: number;
}): Promise<EvalResult> {
  const { tf, model, table, rank, world } = args;
  const lo = Math.floor((table.rows * rank) / world);
  const hi = Math.floor((table.rows * (rank + 1)) / world);
  const batch = args.batch ?? 1000;
  const sums = new Float64Array(3);
  const classify = args.labelMode !== 'value';
  for (let start = lo; start < hi; start += batch) {
    const end = Math.min(hi, start + batch);
    const idx = Uint32Array.from({ length: end - start }, (_, i) => start + i);
    tf.core.tidy(() => {
      const { xs, ys } = batchTensors(args, idx);
      const pred = model.predict(xs) as Tensor;
      sums[0]! += tf.core.sum(args.loss(ys, pred)).dataSync()[0] ?? 0;
      if (classify) sums[1]! += correctCount(tf, args.labelMode, ys, pred).dataSync()[0] ?? 0;
    });
    sums[2]! += end - start;
    // Let heartbeats out between batches of a long evaluation.
    await new Promise((r) => setImmediate(r));
  }
  await args.sum(sums);
  const n = sums[2]!;
  return { loss: sums[0]! / n, accuracy: classify ? sums[1]! / n : undefined, samples: n };
}
