/**
 * `dtrain predict` for tfjs LayersModels. Loaded only when the model is one (predict-file.ts imports
 * it lazily), so scoring GBDT models never loads tfjs. Input is CSV (or LibSVM), whose values are fed
 * as they are, or IDX images, whose pixels are scaled by 1/255 as the trainer scales them (pixels.ts).
 * Each row is reshaped to the model's input shape.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { DtrainError } from '../../configs/errors.js';
import type { Dataset } from '../data/index.js';
import { readIdx, readIdxFile } from '../data/index.js';
import type { PredictFileOptions, Predictions } from '../predict/predict-contract.js';
import { initBackend } from './backend.js';
import { registerChainedOps } from './chained-ops.js';
import { loadModel } from './model-io.js';
import { scaleIdxPixels } from './pixels.js';
import type { Tf } from './tf-api.js';

/** Rows per `model.predict` call: bounds the memory of one batch. */
const BATCH = 1024;

/** How predict-layers reads the data: predict-file's CSV/LibSVM reader (given the width), or IDX. */
export type ReadTable = (path: string, numFeature: number) => Promise<Dataset>;

const dataError = (message: string) => new DtrainError('E_DATA', message, { category: 'config' });

/**
 * Scores `dataPath` with the tfjs model at `modelPath` (folder or model.json) on the cpu backend, or
 * wasm with `o.backend`. A model with k > 1 outputs gives prob_0..k-1 after a softmax, else
 * output_0..k-1; one output gives `prediction`.
 */
export async function predictLayers(
  modelPath: string,
  dataPath: string,
  o: PredictFileOptions,
  readTable: ReadTable,
): Promise<Predictions> {
  const tf = await localTf(o.backend ?? 'cpu');
  const model = await loadModel(tf, modelPath);
  const shape = model.inputs[0]?.shape.slice(1) ?? [];
  if (model.inputs.length !== 1 || shape.some((d) => d === null))
    throw new DtrainError(
      'E_MODEL',
      `${o.modelName ?? modelPath}: dtrain predicts with one fixed-shape input`,
      {
        category: 'config',
      },
    );
  const dims = shape as number[];
  const width = dims.reduce((a, b) => a * b, 1);
  const name = o.dataName ?? dataPath;
  const idx = o.format === 'idx' || (o.format === undefined && isIdxName(dataPath));
  const data = idx ? await readIdxInput(dataPath) : await readTable(dataPath, width);
  if (data.cols !== width)
    throw dataError(`${name}: ${data.cols} values per row, but the model takes ${width} (${dims.join('×')})`);
  const missing = data.features.findIndex((v) => Number.isNaN(v));
  if (missing >= 0)
    throw dataError(
      `${name}: row ${Math.floor(missing / width)} has a missing value in column ${missing % width}; a tfjs model needs every value`,
    );
  if (idx) scaleIdxPixels(data.features);
  // One row's outputs, flattened (a [n, k] output gives k; rarer shapes give their product).
  const out = (model.outputs[0]?.shape.slice(1) ?? []).reduce((a: number, b) => a * (b ?? 1), 1);
  const values = new Float32Array(data.rows * out);
  for (let start = 0; start < data.rows; start += BATCH) {
    const n = Math.min(BATCH, data.rows - start);
    const batch = tf.core.tidy(() => {
      const x = tf.core.tensor(data.features.subarray(start * width, (start + n) * width), [n, ...dims]);
      return (model.predict(x) as Tensor).dataSync();
    });
    values.set(batch, start * out);
  }
  const activation = lastActivation(model);
  model.dispose();
  return table(data, values, out, activation);
}

function table(data: Dataset, values: Float32Array, k: number, activation: string): Predictions {
  const hasLabels = data.labels.some((v) => !Number.isNaN(v));
  const prefix = activation === 'softmax' ? 'prob' : 'output';
  const outCols = k > 1 ? Array.from({ length: k }, (_, c) => `${prefix}_${c}`) : ['prediction'];
  return {
    header: ['row', ...(hasLabels ? ['label'] : []), ...outCols],
    rows: data.rows,
    line(r) {
      const cells = [String(r)];
      if (hasLabels) cells.push(String(data.labels[r]));
      for (let c = 0; c < k; c++) cells.push(String(values[r * k + c]));
      return cells.join(',');
    },
  };
}

function lastActivation(model: LayersModel): string {
  const config = model.layers.at(-1)?.getConfig() ?? {};
  return typeof config['activation'] === 'string' ? config['activation'] : '';
}

/** IDX by name: MNIST's `*-images-idx3-ubyte[.gz]`, or `.idx`. */
function isIdxName(path: string): boolean {
  return /idx\d-ubyte(\.gz)?$|\.idx(\.gz)?$/i.test(basename(path));
}

// The labels file beside an images file, by MNIST's naming (images → labels, idx3 → idx1), gzipped or not.
async function readIdxInput(path: string): Promise<Dataset> {
  const name = basename(path).replace('images', 'labels').replace(/idx\d/, 'idx1').replace(/\.gz$/, '');
  const labels = [name, `${name}.gz`]
    .map((n) => join(dirname(path), n))
    .find((p) => p !== path && existsSync(p));
  if (labels !== undefined) return readIdx(path, labels);
  const images = await readIdxFile(path);
  const rows = images.dims[0] ?? 0;
  const cols = images.dims.slice(1).reduce((a, b) => a * b, 1);
  return {
    rows,
    cols,
    features: Float32Array.from(images.data),
    labels: new Float32Array(rows).fill(Number.NaN),
    featureNames: Array.from({ length: cols }, (_, i) => `px${i}`),
  };
}

// A placeholder for the backend chooser being written elsewhere: cpu, or wasm on request.
async function localTf(backend: 'cpu' | 'wasm'): Promise<Tf> {
  const { tf } = await initBackend({ want: backend, gpus: 0 });
  registerChainedOps(tf);
  return tf;
}
