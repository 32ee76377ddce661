/**
 * A model's variables as one flat Float32Array, as Horovod's tensor fusion does: one buffer per
 * step travels through the collective instead of one message per tensor. Per-tensor `dataSync()`
 * into a preallocated buffer and `tensor(subarray)` back are the fastest ways measured here
 * (notes/tensorflow.md §2: about 0.4 ms per step for 235k parameters).
 */
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Tf } from './tf-api.js';

/** Where each trainable variable lives in the flat buffer. */
export interface FlatLayout {
  readonly vars: readonly Variable[];
  readonly offsets: readonly number[];
  /** Total number of values. */
  readonly size: number;
}

/** The model's trainable tf.Variables (a LayerVariable keeps its Variable in `val`). */
export function trainableVariables(model: LayersModel): Variable[] {
  return model.trainableWeights.map((w) => (w as unknown as { val: Variable }).val);
}

export function flatLayout(vars: readonly Variable[]): FlatLayout {
  const offsets: number[] = [];
  let size = 0;
  for (const v of vars) {
    offsets.push(size);
    size += v.size;
  }
  return { vars, offsets, size };
}

/** Writes `grads` (by variable name) × `scale` into `flat` at the layout's offsets. */
export function packGrads(
  layout: FlatLayout,
  grads: Readonly<Record<string, Tensor>>,
  scale: number,
  flat: Float32Array,
): void {
  layout.vars.forEach((v, i) => {
    const g = grads[v.name];
    const at = layout.offsets[i]!;
    if (!g) {
      flat.fill(0, at, at + v.size);
      return;
    }
    const data = g.dataSync() as Float32Array;
    if (scale === 1) flat.set(data, at);
    else for (let k = 0; k < data.length; k++) flat[at + k] = data[k]! * scale;
  });
}

/** Gradient tensors (by variable name) from `flat` × `scale`; the caller disposes them. */
export function unpackGrads(
  tf: Tf,
  layout: FlatLayout,
  flat: Float32Array,
  scale: number,
): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  layout.vars.forEach((v, i) => {
    const at = layout.offsets[i]!;
    // A copy: on the cpu backend a tensor keeps a reference to the array it was made from.
    const values = flat.slice(at, at + v.size);
    if (scale !== 1) for (let k = 0; k < values.length; k++) values[k] = values[k]! * scale;
    out[v.name] = tf.core.tensor(values, v.shape, 'float32');
  });
  return out;
}

/** Every weight of the model (trainable or not, e.g. batch-norm statistics) into one new array. */
export function readWeights(model: LayersModel): Float32Array {
  const ws = model.getWeights();
  const out = new Float32Array(ws.reduce((n, w) => n + w.size, 0));
  let at = 0;
  for (const w of ws) {
    out.set(w.dataSync() as Float32Array, at);
    at += w.size;
  }
  return out;
}

/** Sets every weight of the model from `flat` (the layout readWeights wrote). */
export function writeWeights(tf: Tf, model: LayersModel, flat: Float32Array): void {
  const ws = model.getWeights();
  let at = 0;
  const next = ws.map((w) => {
    const t = tf.core.tensor(flat.slice(at, at + w.size), w.shape, 'float32');
    at += w.size;
    return t;
  });
  model.setWeights(next);
  for (const t of next) t.dispose();
}
