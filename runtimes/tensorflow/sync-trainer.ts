/**
 * Synchronous data parallel training (`parallelism: data`): every step each rank computes the
 * gradients of its slice of the global batch, the ranks sum them — weighted by their sample counts,
 * so an uneven last step is still the mean over the whole global batch — and each applies the same
 * mean with its own copy of the optimizer. Same start (rank 0's weights are broadcast), same
 * gradients, same updates: the replicas stay identical without sending weights again.
 */
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { type FlatLayout, flatLayout, packGrads, trainableVariables, unpackGrads } from './flat-weights.js';
import { epochOrder, gatherRows, type LabelMode, rankSlice, stepsPerEpoch, type TfTable } from './tf-data.js';
import type { Tf } from './tf-api.js';
import { addHalves, encodeHalves } from './fp16.js';
import { ThreadComm } from './thread-comm.js';

/** Loss of one batch: per-sample losses (the compiled model's loss function). */
export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** Everything one training run needs; the model is compiled (its optimizer and loss are used). */
export interface TrainRun {
  readonly tf: Tf;
  readonly model: LayersModel;
  readonly loss: LossFn;
  readonly table: TfTable;
  readonly labelMode: LabelMode;
  readonly classes: number;
  /** Samples per rank per step. */
  readonly batch: number;
  readonly epochs: number;
  /** The first epoch to run (0, or where a checkpoint left off). */
  readonly startEpoch: number;
  readonly seed: number;
  /** Gradients travel as float16 (half the bytes), summed in rank order after an all-gather. */
  readonly fp16: boolean;
  /** False: every epoch takes the rows in file order. */
  readonly shuffle: boolean;
  readonly rank: number;
  readonly world: number;
  readonly comm: ThreadComm;
  readonly signal: AbortSignal;
  /** After every step: the global batch's mean loss (and accuracy when classifying). */
  readonly onStep: (s: StepReport) => void;
  /** After every epoch (checkpoints, validation); awaited before the next epoch starts. */
  readonly onEpoch: (epoch: number) => Promise<void>;
}

export interface StepReport {
  readonly epoch: number;
  readonly step: number;
  readonly steps: number;
  readonly loss: number;
  readonly accuracy: number | undefined;
  /** Samples of the global batch. */
  readonly samples: number;
}

/** Tensors for the rows `idx`: inputs shaped as the model wants, targets as the loss wants. */
export function batchTensors(
  run: Pick<TrainRun, 'tf' | 'table' | 'labelMode' | 'classes'>,
  idx: ArrayLike<number>,
) {
  const { x, y } = gatherRows(run.table, idx, run.labelMode, run.classes);
  const n = idx.length;
  const xs = run.tf.core.tensor(x, [n, ...run.table.inputShape], 'float32');
  const yShape = run.labelMode === 'onehot' ? [n, run.classes] : [n, 1];
  const ys = run.tf.core.tensor(y, yShape, 'float32');
  return { xs, ys };
}

/** Number of correct predictions in a batch (argmax, or a 0.5 threshold for one sigmoid output). */
export function correctCount(tf: Tf, mode: LabelMode, ys: Tensor, pred: Tensor): Tensor {
  const c = tf.core;
  if (mode === 'onehot') return c.sum(c.cast(c.equal(c.argMax(pred, -1), c.argMax(ys, -1)), 'float32'));
  if (mode === 'sparse')
    return c.sum(c.cast(c.equal(c.argMax(pred, -1), c.cast(c.reshape(ys, [-1]), 'int32')), 'float32'));
  return c.sum(c.cast(c.equal(c.greater(pred, 0.5), c.greater(ys, 0.5)), 'float32'));
}

/** Runs epochs startEpoch..epochs-1 of synchronous data parallel training. */
export async function trainSync(run: TrainRun): Promise<void> {
  const { tf, model, rank, world } = run;
  const optimizer = model.optimizer;
  const layout: FlatLayout = flatLayout(trainableVariables(model));
  // [gradients × n, loss × n, correct, n]: one all-reduce per step carries everything.
  const flat = ThreadComm.shared(layout.size + 3);
  const classify = run.labelMode !== 'value';
  const reduce =
    world === 1
      ? // Nothing to sum, but the event loop must turn: progress and heartbeats go out from it.
        () => new Promise<void>((r) => setImmediate(r))
      : run.fp16
        ? halfSum(run.comm, flat, rank, world)
        : () => run.comm.allReduce(flat, 'sum');
  for (let epoch = run.startEpoch; epoch < run.epochs; epoch++) {
    const order = epochOrder(run.table.rows, run.seed, epoch, run.shuffle);
    const steps = stepsPerEpoch(run.table.rows, run.batch * world);
    for (let step = 0; step < steps; step++) {
      if (run.signal.aborted) return;
      const idx = rankSlice(order, step, run.batch, rank, world);
      flat.fill(0);
      if (idx.length > 0) {
        // Mean × n/batch (1 on full steps: a plain copy), loss sum, correct count and n.
        const n = idx.length;
        const { loss, correct } = batchGradients(run, layout, idx, flat, n / run.batch);
        flat[layout.size] = loss * n;
        flat[layout.size + 1] = correct;
        flat[layout.size + 2] = n;
      }
      await reduce();
      const n = flat[layout.size + 2]!;
      // Each rank sent mean × n/batch, so the sum × batch/n is the mean over the global batch
      // (exactly 1/world on full steps, and no scaling at all for one rank).
      const grads = unpackGrads(tf, layout, flat, run.batch / n);
      optimizer.applyGradients(grads);
      for (const g of Object.values(grads)) g.dispose();
      run.onStep({
        epoch,
        step,
        steps,
        loss: flat[layout.size]! / n,
        accuracy: classify ? flat[layout.size + 1]! / n : undefined,
        samples: n,
      });
    }
    await run.onEpoch(epoch);
  }
}

/**
 * A sum over the ranks with float16 on the wire: each rank's block of an all-gather holds its three
 * counters as float32 and its values as halves; every rank then adds the blocks in rank order, so
 * all get the same bits. Bytes per rank: (ranks − 1) × (size/2) × 4 — half of the ring all-reduce's
 * for 2 ranks, the same at 4, more beyond (the option is for 2–3 ranks on slow links).
 */
function halfSum(comm: ThreadComm, flat: Float32Array, rank: number, world: number): () => Promise<void> {
  const meta = 3;
  const size = flat.length - meta;
  const slots = meta + Math.ceil(size / 2);
  const wire = ThreadComm.shared(slots * world);
  const halves = new Uint16Array(wire.buffer);
  return async () => {
    const at = rank * slots;
    wire.set(flat.subarray(size), at);
    encodeHalves(flat.subarray(0, size), halves.subarray(2 * (at + meta), 2 * (at + meta) + size));
    await comm.allGather(wire);
    flat.fill(0);
    for (let r = 0; r < world; r++) {
      const o = r * slots;
      addHalves(halves.subarray(2 * (o + meta), 2 * (o + meta) + size), flat.subarray(0, size));
      for (let k = 0; k < meta; k++) flat[size + k]! += wire[o + k]!;
    }
  };
}

/**
 * The gradients of the rows `idx` (the mean loss's, × `scale`) into `flat` at the layout's offsets;
 * returns the batch's mean loss and its count of correct predictions (0 when not classifying).
 */
export function batchGradients(
  run: TrainRun,
  layout: FlatLayout,
  idx: Uint32Array,
  flat: Float32Array,
  scale: number,
): { loss: number; correct: number } {
  const { tf, model } = run;
  const classify = run.labelMode !== 'value';
  let loss = 0;
  let correct = 0;
  tf.core.tidy(() => {
    const { xs, ys } = batchTensors(run, idx);
    let c: Tensor | undefined;
    const { value, grads } = tf.core.variableGrads(() => {
      const pred = model.apply(xs, { training: true }) as Tensor;
      if (classify) c = tf.core.keep(correctCount(tf, run.labelMode, ys, pred));
      return tf.core.mean(run.loss(ys, pred)) as Scalar;
    }, layout.vars as never);
    packGrads(layout, grads, scale, flat);
    loss = value.dataSync()[0] ?? 0;
    correct = c ? (c.dataSync()[0] ?? 0) : 0;
    c?.dispose();
  });
  return { loss, correct };
}
