/**
 * Script mode (`model: {script: ./train.js}`): the user's own tfjs program runs on every rank. Its
 * default export is called with a context that carries what a distributed program needs, so an
 * existing `model.fit` script moves over with a few changed lines (configs/examples/tfjs-script/):
 *
 *   tf                       the tfjs API (core + layers) on the backend this rank chose
 *   rank, worldSize          this rank's place
 *   data.train / valid / test  this rank's shard of the job's data as {x, y, classes, inputShape}
 *   distributedOptimizer(o)  o, whose applyGradients first averages the gradients over all ranks
 *   broadcastWeights(model)  rank 0's weights to every rank (call once before training)
 *   allReduce(array, op)     element-wise 'sum' | 'mean' | 'max' over the ranks, a new Float32Array
 *   callbacks()              model.fit callbacks that report loss and metrics to dtrain
 *   report(metrics)          a progress report of the program's own
 *   saveModel(model)         rank 0 writes the LayersModel as the job's model
 *   log(line)                a line in this rank's log
 *
 * Every rank gets exactly floor(rows / worldSize) training samples, so `fit` runs the same number of
 * steps everywhere (a rank with one step more would wait forever for its peers).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NamedTensorMap, Optimizer, Tensor } from '@tensorflow/tfjs-core';

type NamedTensor = { name: string; tensor: Tensor };
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { DtrainError } from '../../configs/errors.js';
import type { WorkloadContext } from '../workload.js';
import { readWeights, writeWeights } from './flat-weights.js';
import { saveModel } from './model-io.js';
import type { Tf } from './tf-api.js';
import { classCount, readTable, type TfTable } from './tf-data.js';
import type { ThreadComm } from './thread-comm.js';

/** One rank's part of a data set, as tensors. */
export interface Shard {
  readonly x: Tensor;
  /** Labels as float32, one per sample. */
  readonly y: Tensor;
  readonly rows: number;
  readonly inputShape: readonly number[];
  /** Largest integer label + 1 (0 when the labels are not class ids). */
  readonly classes: number;
}

export async function runScript(ctx: WorkloadContext, tf: Tf, comm: ThreadComm): Promise<void> {
  const { spec, rank, worldSize } = ctx;
  const path = resolve(spec.source.dir, String(spec.model?.['script']));
  let mod: { default?: unknown; main?: unknown };
  try {
    mod = await import(pathToFileURL(path).href);
  } catch (error) {
    throw new DtrainError('E_SCRIPT', `cannot load the training script ${path}: ${firstLine(error)}`, {
      category: 'config',
      cause: error,
    });
  }
  const main = (mod.default ?? mod.main) as ((c: unknown) => unknown) | undefined;
  if (typeof main !== 'function') {
    throw new DtrainError(
      'E_SCRIPT',
      `${path} must export a default function (it receives the dtrain context)`,
      {
        category: 'config',
      },
    );
  }
  const data: Record<string, Shard> = {};
  for (const role of ['train', 'valid', 'test'] as const) {
    const file = spec.data?.[role];
    if (!file) continue;
    const table = await readTable(resolve(ctx.data.dir, file), {
      format: spec.data?.format,
      label: spec.data?.label,
      displayName: file,
    });
    data[role] = shardOf(tf, table, role === 'train' ? rank : 0, role === 'train' ? worldSize : 1);
  }
  let saved = false;
  const api = {
    tf: { ...tf.core, ...tf.layers },
    rank,
    worldSize,
    params: spec.params,
    data,
    distributedOptimizer: (o: Optimizer) => distributed(tf, comm, worldSize, o),
    broadcastWeights: async (model: LayersModel) => {
      const w = readWeights(model);
      await comm.broadcast(w, 0);
      writeWeights(tf, model, w);
    },
    allReduce: async (values: ArrayLike<number>, op: 'sum' | 'mean' | 'max' = 'sum') => {
      const buf = Float32Array.from(values);
      await comm.allReduce(buf, op === 'max' ? 'max' : 'sum');
      if (op === 'mean') for (let i = 0; i < buf.length; i++) buf[i] = buf[i]! / worldSize;
      return buf;
    },
    callbacks: () => fitCallbacks(ctx),
    report: (metrics: Record<string, number>, step = 0, total = 0) =>
      ctx.progress({ step, total, unit: 'step', metrics }),
    saveModel: async (model: LayersModel) => {
      if (rank !== 0) return;
      const dir = resolve(ctx.outputDir, 'model');
      await saveModel(tf, model, dir);
      saved = true;
      ctx.result({
        model: resolve(dir, 'model.json'),
        modelFiles: [resolve(dir, 'model.json'), resolve(dir, 'weights.bin')],
      });
    },
    log: (line: string) => ctx.log('info', line),
    signal: ctx.signal,
  };
  await main(api);
  if (rank === 0 && !saved) ctx.result({ script: path });
}

function shardOf(tf: Tf, table: TfTable, rank: number, world: number): Shard {
  const per = Math.floor(table.rows / world);
  const lo = rank * per;
  const w = table.width;
  const x = tf.core.tensor(
    table.features.slice(lo * w, (lo + per) * w),
    [per, ...table.inputShape],
    'float32',
  );
  const y = tf.core.tensor(table.labels.slice(lo, lo + per), [per], 'float32');
  let classes = 0;
  try {
    classes = classCount(table, '');
  } catch {
    classes = 0;
  }
  return { x, y, rows: per, inputShape: table.inputShape, classes };
}

/** Wraps `o.applyGradients` so the gradients are averaged over all ranks first (blocking: fit is synchronous there). */
function distributed(tf: Tf, comm: ThreadComm, world: number, o: Optimizer): Optimizer {
  if (world === 1) return o;
  const original = o.applyGradients.bind(o);
  let flat: Float32Array<ArrayBufferLike> = new Float32Array(0);
  o.applyGradients = (grads: NamedTensorMap | NamedTensor[]) => {
    const list: NamedTensor[] = Array.isArray(grads)
      ? grads
      : Object.entries(grads).map(([name, tensor]) => ({ name, tensor }));
    const size = list.reduce((n, g) => n + g.tensor.size, 0);
    if (flat.length !== size) flat = new Float32Array(new SharedArrayBuffer(size * 4));
    let at = 0;
    for (const g of list) {
      flat.set(g.tensor.dataSync() as Float32Array, at);
      at += g.tensor.size;
    }
    comm.allReduceSync(flat, 'sum');
    at = 0;
    const mean: NamedTensorMap = {};
    for (const g of list) {
      const values = flat.slice(at, at + g.tensor.size);
      for (let i = 0; i < values.length; i++) values[i] = values[i]! / world;
      mean[g.name] = tf.core.tensor(values, g.tensor.shape, 'float32');
      at += g.tensor.size;
    }
    original(mean);
    for (const t of Object.values(mean)) t.dispose();
  };
  return o;
}

/** model.fit callbacks that send dtrain progress (rate-limited) and a log line per epoch. */
function fitCallbacks(ctx: WorkloadContext) {
  let sent = 0;
  let step = 0;
  return {
    onBatchEnd: async (_batch: number, logs?: Record<string, number>) => {
      step++;
      const now = performance.now();
      if (now - sent < 250) return;
      sent = now;
      ctx.progress({ step, total: 0, unit: 'step', metrics: { ...(logs ?? {}) } });
    },
    onEpochEnd: async (epoch: number, logs?: Record<string, number>) => {
      const text = Object.entries(logs ?? {})
        .map(([k, v]) => `${k}=${v.toFixed(4)}`)
        .join(' ');
      ctx.log('info', `epoch ${epoch + 1}: ${text}`);
    },
  };
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}
