/**
 * The `xgboost` framework on one rank: read this rank's shard of the training (and validation) file,
 * train with the GBDT engine — data parallel over the communicator when there are several ranks —
 * report every round, checkpoint, and on rank 0 write the model in XGBoost's JSON format.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { DtrainError } from '../../configs/errors.js';
import type { JobSpec } from '../../configs/job-spec.js';
import { type Dataset, fileRanges, floatsOnly, formatOf, readDataset } from '../data/index.js';
import { collectiveFrom, type GbdtModel, parseXgbParams, trainGbdt } from '../gbdt/index.js';
import { fromXgboostJson, toXgboostJson } from '../gbdt/model-json.js';
import type { Workload, WorkloadContext } from '../workload.js';
import { checkpointDir, latestCheckpoint, saveCheckpoint, writeAtomic } from './checkpoints.js';

export const xgboostWorkload: Workload = async (ctx) => {
  const spec = ctx.spec;
  const params = parseXgbParams({ ...spec.params, nthread: threadsFor(spec) });
  let train = await readShard(ctx, 'train');
  let valid = spec.data?.valid ? await readShard(ctx, 'valid') : undefined;
  // LibSVM shards only see their own feature indices; every rank must use the widest.
  const width = new Float64Array([train.cols, valid?.cols ?? 0]);
  await ctx.comm.allReduce(width, 'max');
  const cols = Math.max(width[0]!, width[1]!);
  train = widen(train, cols);
  if (valid) valid = widen(valid, cols);

  ctx.log(
    'info',
    `rank ${ctx.rank}: ${train.rows} training rows, ${train.cols} features, ${params.nthread} thread(s)`,
  );
  const resumed = resumeModel(ctx);
  const outputs = (m: GbdtModel) => (m.objective.startsWith('multi:') ? m.numClass : 1);
  const done = resumed ? resumed.model.trees.length / outputs(resumed.model) : 0;
  // num_boost_round is the job's total: a resumed run boosts only the rounds still missing.
  const total = Math.max(done, params.numBoostRound);
  if (resumed) ctx.log('info', `resuming from ${resumed.path} after ${done} of ${total} rounds`);
  const every = spec.checkpoint?.every ?? 0;
  const keep = spec.checkpoint?.keep ?? 3;
  const model = await trainGbdt({
    train,
    ...(valid ? { valid } : {}),
    params: { ...params, numBoostRound: total - done },
    collective: collectiveFrom(ctx.comm),
    signal: ctx.signal,
    onLog: (level, line) => ctx.log(level, line),
    ...(resumed ? { startFrom: resumed.model } : {}),
    onRound: (r) => {
      ctx.progress({
        step: r.round + 1,
        total,
        unit: 'round',
        samplesPerSec: r.rowsPerSec,
        metrics: { ...r.metrics },
      });
      // A line in the rank's log now and then, for `dtrain logs` and the TUI's log pane.
      if (ctx.rank === 0 && ((r.round + 1) % 10 === 0 || r.round + 1 === total))
        ctx.log('info', `round ${r.round + 1}: ${metricText(r.metrics)}`);
    },
    onModel: (m, rounds) => {
      if (ctx.rank === 0 && every > 0 && rounds % every === 0)
        saveCheckpoint(checkpointDir(ctx.outputDir), rounds, toXgboostJson(m), keep);
    },
  });
  if (ctx.rank !== 0) return;
  const modelPath = join(ctx.outputDir, 'model.json');
  writeAtomic(modelPath, toXgboostJson(model));
  ctx.result({
    kind: 'xgboost',
    model: modelPath,
    rounds: model.trees.length / outputs(model),
    bestIteration: model.bestIteration,
    rows: train.rows,
  });
};

/** One rank per machine uses all its cores; ranks sharing a machine split them, unless nthread is set. */
export function threadsFor(spec: JobSpec): number {
  const given = spec.params['nthread'];
  if (typeof given === 'number' && given > 0) return given;
  const sharing = Number(process.env['DTRAIN_LOCAL_WORLD_SIZE'] ?? 1) || 1;
  return Math.max(1, Math.floor(availableParallelism() / sharing));
}

/** The threads that parse a job's CSV: its engine's thread setting (LightGBM's aliases too), else threadsFor's. */
export function readerThreads(spec: JobSpec): number {
  const keys =
    spec.framework === 'lightgbm'
      ? ['num_threads', 'num_thread', 'nthread', 'nthreads', 'n_jobs']
      : ['nthread'];
  for (const k of keys) {
    const v = spec.params[k];
    if (typeof v === 'number' && v > 0) return v;
  }
  return threadsFor(spec);
}

/** This rank's part of a data file: the lines that start in its byte range (`group`: csv query column). */
export async function readShard(
  ctx: WorkloadContext,
  role: 'train' | 'valid',
  group?: string | number,
): Promise<Dataset> {
  const data = ctx.spec.data!;
  const file = role === 'train' ? data.train! : data.valid!;
  const format = data.format === 'csv' || data.format === 'libsvm' ? data.format : formatOf(file);
  const options = {
    ...(format ? { format } : {}),
    ...(format === 'csv' && data.label !== undefined ? { label: data.label } : {}),
    ...(group !== undefined ? { group } : {}),
    // LightGBM places bin bounds between the parsed doubles (lightgbm-summary.ts).
    ...(format === 'csv' && ctx.spec.framework === 'lightgbm' ? { keepDoubles: true } : {}),
    ...(format === 'csv' ? { threads: readerThreads(ctx.spec) } : {}),
    displayName: file,
  };
  // A shipped part is this rank's rows already; a shared file is read by byte range.
  const shipped = ctx.data[role];
  if (shipped) return readDataset(shipped, { ...options, displayName: `${file} (part ${ctx.rank + 1})` });
  const path = resolve(ctx.data.dir, file);
  const ranges = await fileRanges(path, ctx.worldSize);
  return readDataset(path, { ...options, range: ranges[ctx.rank]! });
}

/** Pads a dataset with missing columns up to `cols` (LibSVM shards that never saw the last features). */
export function widen(d: Dataset, cols: number): Dataset {
  if (d.cols === cols) return d;
  const features = new Float32Array(d.rows * cols).fill(Number.NaN);
  for (let r = 0; r < d.rows; r++) features.set(d.features.subarray(r * d.cols, (r + 1) * d.cols), r * cols);
  const names = [...d.featureNames];
  for (let c = d.cols; c < cols; c++) names.push(`f${c}`);
  return { ...floatsOnly(d), cols, features, featureNames: names };
}

function resumeModel(ctx: WorkloadContext): { model: GbdtModel; path: string } | undefined {
  if (!ctx.resumeFrom) return undefined;
  const last = latestCheckpoint(checkpointDir(ctx.resumeFrom));
  if (!last)
    throw new DtrainError(
      'E_NO_CHECKPOINT',
      `no checkpoint to resume from in ${checkpointDir(ctx.resumeFrom)}`,
      {
        category: 'config',
        detail: 'set checkpoint: {every: N} in the job file so that runs leave checkpoints',
      },
    );
  return { model: fromXgboostJson(readFileSync(last.path, 'utf8')), path: last.path };
}

function metricText(metrics: Readonly<Record<string, number>>): string {
  return Object.entries(metrics)
    .map(([k, v]) => `${k} ${v.toFixed(4)}`)
    .join(', ');
}
