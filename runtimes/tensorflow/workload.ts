/**
 * The `tensorflow` framework on one rank: choose the compute backend (and say which and why), load
 * the data, build the model from the job's `model:` block, start the collectives thread, train —
 * synchronous all-reduce (`data`) or parameter server (`async`) — evaluate, checkpoint every epoch
 * and, on rank 0, write the model in tfjs LayersModel format. `model.script` hands the rank to the
 * user's own program instead (script-mode.ts).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { DtrainError } from '../../configs/errors.js';
import type { Workload, WorkloadContext } from '../workload.js';
import { trainAsync } from './async-trainer.js';
import { type BackendName, initBackend } from './backend.js';
import { latestTfCheckpoint, saveTfCheckpoint } from './checkpoints.js';
import { evaluate } from './evaluate.js';
import { readWeights, writeWeights } from './flat-weights.js';
import { loadModel, loadOptimizerState, saveModel } from './model-io.js';
import { registerChainedOps } from './chained-ops.js';
import { compileOptions } from './compile-options.js';
import { buildModel } from './model-spec.js';
import { runScript } from './script-mode.js';
import { trainPipeline } from './pipeline-trainer.js';
import { type LossFn, trainSync } from './sync-trainer.js';
import type { Tf } from './tf-api.js';
import { classCount, type LabelMode, readTable, type TfTable } from './tf-data.js';
import { ThreadComm } from './thread-comm.js';

export const tensorflowWorkload: Workload = async (ctx) => {
  const params = ctx.spec.params;
  const backend = await initBackend({
    want: (params['backend'] as BackendName | 'auto' | undefined) ?? 'auto',
    // The plan gives a rank on a GPU host its device in CUDA_VISIBLE_DEVICES.
    gpus: (process.env['CUDA_VISIBLE_DEVICES'] ?? '') === '' ? 0 : 1,
    searchDirs: [process.cwd()],
    ...wasmBeside(),
  });
  ctx.backend(backend.name, backend.reason);
  ctx.log('info', `rank ${ctx.rank}: backend ${backend.reason}`);
  const tf = backend.tf;
  registerChainedOps(tf);
  const comm = await ThreadComm.start(ctx);
  try {
    if (typeof ctx.spec.model?.['script'] === 'string') await runScript(ctx, tf, comm);
    else await trainBuiltIn(ctx, tf, comm);
  } finally {
    await comm.close();
  }
};

/** In a worker bundle the wasm binaries travel beside the bundle; in the source tree tfjs finds its own. */
function wasmBeside(): { wasmDir?: string } {
  const here = dirname(fileURLToPath(import.meta.url));
  return existsSync(join(here, 'tfjs-backend-wasm-simd.wasm')) ? { wasmDir: `${here}/` } : {};
}

const LABEL_MODE: Readonly<Record<string, LabelMode>> = {
  categoricalCrossentropy: 'onehot',
  categorical_crossentropy: 'onehot',
  sparseCategoricalCrossentropy: 'sparse',
  sparse_categorical_crossentropy: 'sparse',
  binaryCrossentropy: 'binary',
  binary_crossentropy: 'binary',
};

async function loadTable(
  ctx: WorkloadContext,
  role: 'train' | 'valid' | 'test',
): Promise<TfTable | undefined> {
  const data = ctx.spec.data;
  const path = data?.[role];
  if (!path) return undefined;
  const shipped = role === 'test' ? undefined : ctx.data[role];
  return readTable(shipped ?? resolve(ctx.data.dir, path), {
    format: data?.format,
    label: data?.label,
    displayName: path,
  });
}

async function trainBuiltIn(ctx: WorkloadContext, tf: Tf, comm: ThreadComm): Promise<void> {
  const { spec, rank, worldSize: world } = ctx;
  const params = spec.params;
  let train = await loadTable(ctx, 'train');
  if (!train)
    throw new DtrainError('E_DATA', 'data.train is required for tensorflow training', { category: 'config' });
  const test = await loadTable(ctx, 'test');
  let valid = await loadTable(ctx, 'valid');
  const split = Number(params['validation_split'] ?? 0);
  if (!valid && split > 0) [train, valid] = splitTail(train, split);
  // Images come with class ids; a table's label is a value unless the job names a class loss.
  const images = train.inputShape.length === 3;
  const compiled = compileOptions(tf, params, images ? 'categoricalCrossentropy' : 'meanSquaredError');
  const labelMode = LABEL_MODE[compiled.loss] ?? 'value';
  const classes =
    labelMode === 'onehot' || labelMode === 'sparse' ? classCount(train, spec.data?.train ?? '') : 1;
  const epochs = Number(params['epochs'] ?? 10);
  const batch = Number(params['batch_size'] ?? 32);
  const seed = Number(params['seed'] ?? 42);

  const resumed = ctx.resumeFrom ? latestTfCheckpoint(join(ctx.resumeFrom, 'checkpoints')) : undefined;
  const model: LayersModel = resumed
    ? await loadModel(tf, resumed.dir)
    : await buildModel(
        tf,
        spec.model ?? {},
        { inputShape: [...train.inputShape], outputs: labelMode === 'binary' ? 1 : classes, seed },
        spec.source.dir,
      );
  model.compile(compiled);
  if (resumed) {
    await loadOptimizerState(tf, compiled.optimizer, resumed.dir);
    ctx.log('info', `resuming from ${resumed.dir} after epoch ${resumed.epoch + 1} of ${epochs}`);
  }
  // Every replica starts from rank 0's weights (random init differs per process).
  const weights = readWeights(model);
  await comm.broadcast(weights, 0);
  writeWeights(tf, model, weights);
  ctx.log(
    'info',
    `rank ${rank}: ${train.rows} training samples, ${model.countParams()} parameters, batch ${batch} per rank`,
  );

  const loss = compiledLoss(model);
  const sum = (b: Float64Array) => comm.allReduce(b, 'sum');
  const metrics: Record<string, number> = {};
  const reporter = progressReporter(ctx, epochs);
  const run = {
    tf,
    model,
    loss,
    table: train,
    labelMode,
    classes,
    batch,
    epochs,
    startEpoch: resumed ? resumed.epoch + 1 : 0,
    seed,
    shuffle: params['shuffle'] !== false,
    fp16: params['fp16_allreduce'] === true,
    rank,
    world,
    comm,
    signal: ctx.signal,
    onStep: reporter.step,
    onEpoch: async (epoch: number) => {
      Object.assign(metrics, reporter.epochMetrics());
      if (valid) {
        const v = await evaluate({ tf, model, loss, table: valid, labelMode, classes, rank, world, sum });
        metrics['valid-loss'] = v.loss;
        if (v.accuracy !== undefined) metrics['valid-accuracy'] = v.accuracy;
      }
      reporter.epoch(epoch, metrics);
      const every = spec.checkpoint?.every ?? 0;
      if (rank === 0 && every > 0 && (epoch + 1) % every === 0) {
        const dir = await saveTfCheckpoint(
          tf,
          model,
          join(ctx.outputDir, 'checkpoints'),
          epoch,
          spec.checkpoint?.keep ?? 3,
        );
        ctx.log('info', `checkpoint ${dir}`);
      }
    },
  };
  const parallelism = spec.parallelism;
  if (parallelism === 'async')
    await trainAsync({ ...run, ctx, maxStaleness: Number(params['max_staleness'] ?? 4) });
  else if (parallelism === 'data') await trainSync(run);
  else if (parallelism === 'model')
    await trainPipeline({
      ...run,
      ctx,
      stages: spec.pipeline?.stages ?? world,
      microBatches: spec.pipeline?.micro_batches ?? 4,
    });
  else
    throw new DtrainError('E_NOT_IMPLEMENTED', `tensorflow parallelism ${parallelism} is not built yet`, {
      category: 'config',
    });
  if (test) {
    const t = await evaluate({ tf, model, loss, table: test, labelMode, classes, rank, world, sum });
    metrics['test-loss'] = t.loss;
    if (t.accuracy !== undefined) metrics['test-accuracy'] = t.accuracy;
    ctx.log('info', `test: ${metricText(metrics, 'test-')}`);
  }
  if (rank === 0) {
    const dir = join(ctx.outputDir, 'model');
    await saveModel(tf, model, dir);
    ctx.result({
      model: join(dir, 'model.json'),
      modelFiles: [join(dir, 'model.json'), join(dir, 'weights.bin')],
      epochs,
      metrics,
    });
  }
}

/** Keras' validation_split: the last `fraction` of the rows (before any shuffling) are held out. */
function splitTail(t: TfTable, fraction: number): [TfTable, TfTable] {
  const keep = t.rows - Math.round(t.rows * fraction);
  const part = (lo: number, hi: number): TfTable => ({
    ...t,
    rows: hi - lo,
    features: t.features.subarray(lo * t.width, hi * t.width),
    labels: t.labels.subarray(lo, hi),
  });
  return [part(0, keep), part(keep, t.rows)];
}

/** The compiled loss function (a Sequential keeps its compiled state on the inner model). */
function compiledLoss(model: LayersModel): LossFn {
  type Compiled = { lossFunctions?: LossFn[]; model?: Compiled };
  const m = model as unknown as Compiled;
  const fn = m.lossFunctions?.[0] ?? m.model?.lossFunctions?.[0];
  if (!fn)
    throw new DtrainError('E_INTERNAL', 'the model has no compiled loss function', { category: 'internal' });
  return fn;
}

function metricText(m: Readonly<Record<string, number>>, prefix = ''): string {
  return Object.entries(m)
    .filter(([k]) => k.startsWith(prefix))
    .map(([k, v]) => `${k}=${v.toFixed(4)}`)
    .join(' ');
}

/** Step and epoch reports for the renderers: at most ~4 progress messages a second. */
function progressReporter(ctx: WorkloadContext, epochs: number) {
  let sent = 0;
  let windowStart = performance.now();
  let windowSamples = 0;
  let rate = 0;
  let lossSum = 0;
  let accSum = 0;
  let count = 0;
  let last: Record<string, number> = {};
  return {
    step(s: {
      epoch: number;
      step: number;
      steps: number;
      loss: number;
      accuracy: number | undefined;
      samples: number;
    }) {
      windowSamples += s.samples;
      lossSum += s.loss * s.samples;
      accSum += (s.accuracy ?? 0) * s.samples;
      count += s.samples;
      const now = performance.now();
      if (now - windowStart > 1000) {
        rate = (windowSamples * 1000) / (now - windowStart);
        windowStart = now;
        windowSamples = 0;
      }
      const lastStep = s.step + 1 === s.steps;
      if (now - sent < 250 && !lastStep) return;
      sent = now;
      last = { loss: s.loss, ...(s.accuracy === undefined ? {} : { accuracy: s.accuracy }) };
      ctx.progress({
        step: s.epoch * s.steps + s.step + 1,
        total: epochs * s.steps,
        unit: 'step',
        ...(rate > 0 ? { samplesPerSec: rate } : {}),
        metrics: last,
      });
    },
    epochMetrics(): Record<string, number> {
      const out: Record<string, number> = { 'train-loss': lossSum / Math.max(1, count) };
      if (accSum > 0) out['train-accuracy'] = accSum / Math.max(1, count);
      lossSum = 0;
      accSum = 0;
      count = 0;
      return out;
    },
    epoch(epoch: number, metrics: Readonly<Record<string, number>>) {
      if (ctx.rank === 0) ctx.log('info', `epoch ${epoch + 1}/${epochs}: ${metricText(metrics)}`);
    },
  };
}
