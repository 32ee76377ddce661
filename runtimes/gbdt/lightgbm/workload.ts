/**
 * The `lightgbm` framework on one rank: read the training (and validation) rows, train with the GBDT
 * engine's LightGBM flavour in the job's `parallelism` (LightGBM's `tree_learner`: `data` and `voting`
 * on this rank's shard, with ranking queries kept whole (whole-queries.ts), `feature` on all rows),
 * report every iteration, checkpoint, and on rank 0 write the model in LightGBM's text format.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DtrainError } from '../../../configs/errors.js';
import { collectiveFrom, type GbdtModel } from '../core/index.js';
import { fromLightgbmText, toLightgbmText } from './model.js';
import { parseLgbParams } from './params.js';
import { trainLightgbm } from './train.js';
import type { Workload, WorkloadContext } from '../../workload.js';
import { writeAtomic } from '../workload/index.js';
import { readShard, threadsFor, widen } from '../workload/index.js';
import { gatherRows, readAllRows } from './read-all-rows.js';
import { wholeQueries } from './whole-queries.js';
import { latestLgbCheckpoint, lgbCheckpointDir, saveLgbCheckpoint } from './checkpoints.js';

export const lightgbmWorkload: Workload = async (ctx) => {
  const spec = ctx.spec;
  const parallelism = spec.parallelism;
  if (parallelism !== 'data' && parallelism !== 'feature' && parallelism !== 'voting')
    throw new DtrainError(
      'E_NOT_IMPLEMENTED',
      `lightgbm parallelism "${parallelism}" is not implemented yet`,
      {
        category: 'config',
        detail: 'use parallelism: data, feature or voting (LightGBM tree_learner)',
      },
    );
  const allRows = parallelism === 'feature';
  const read = allRows ? readAllRows : readShard;
  const given = Object.keys(spec.params).some((k) =>
    ['num_threads', 'num_thread', 'nthread', 'nthreads', 'n_jobs'].includes(k),
  );
  const params = parseLgbParams(given ? spec.params : { ...spec.params, num_threads: threadsFor(spec) });
  let train = await read(ctx, 'train', params.groupColumn);
  let valid = spec.data?.valid ? await read(ctx, 'valid', params.groupColumn) : undefined;
  const width = new Float64Array([train.cols, valid?.cols ?? 0]);
  await ctx.comm.allReduce(width, 'max');
  const cols = Math.max(width[0]!, width[1]!);
  train = widen(train, cols);
  if (valid) valid = widen(valid, cols);
  if (allRows && ctx.data.train) train = await gatherRows(ctx.comm, train);
  if (allRows && valid && ctx.data.valid) valid = await gatherRows(ctx.comm, valid);
  // Row shards cut queries at byte boundaries; ranking needs each query on one rank.
  if (!allRows) train = await wholeQueries(ctx.comm, train);
  if (!allRows && valid) valid = await wholeQueries(ctx.comm, valid);

  const resumed = resumeModel(ctx);
  const perIter = (m: GbdtModel) => m.lightgbm?.treesPerIteration ?? 1;
  const done = resumed ? resumed.model.trees.length / perIter(resumed.model) : 0;
  // num_iterations is the job's total: a resumed run trains only the iterations still missing.
  const total = Math.max(done, params.numIterations);
  if (resumed) ctx.log('info', `resuming from ${resumed.path} after ${done} of ${total} iterations`);
  const every = spec.checkpoint?.every ?? 0;
  const keep = spec.checkpoint?.keep ?? 3;
  const model = await trainLightgbm({
    train,
    ...(valid ? { valid } : {}),
    params: { ...params, numIterations: total - done },
    collective: collectiveFrom(ctx.comm),
    parallelism,
    signal: ctx.signal,
    onLog: (level, line) => ctx.log(level, line),
    ...(resumed ? { startFrom: resumed.model } : {}),
    onRound: (r) =>
      ctx.progress({
        step: r.round + 1,
        total,
        unit: 'iteration',
        samplesPerSec: r.rowsPerSec,
        metrics: { ...r.metrics },
      }),
    onModel: (m, rounds) => {
      if (ctx.rank === 0 && every > 0 && rounds % every === 0)
        saveLgbCheckpoint(lgbCheckpointDir(ctx.outputDir), rounds, toLightgbmText(m), keep);
    },
  });
  if (ctx.rank !== 0) return;
  const modelPath = join(ctx.outputDir, 'model.txt');
  writeAtomic(modelPath, toLightgbmText(model));
  ctx.result({
    kind: 'lightgbm',
    model: modelPath,
    rounds: model.trees.length / perIter(model),
    bestIteration: model.bestIteration,
    rows: train.rows,
  });
};

function resumeModel(ctx: WorkloadContext): { model: GbdtModel; path: string } | undefined {
  if (!ctx.resumeFrom) return undefined;
  const last = latestLgbCheckpoint(lgbCheckpointDir(ctx.resumeFrom));
  if (!last)
    throw new DtrainError(
      'E_NO_CHECKPOINT',
      `no checkpoint to resume from in ${lgbCheckpointDir(ctx.resumeFrom)}`,
      {
        category: 'config',
        detail: 'set checkpoint: {every: N} in the job file so that runs leave checkpoints',
      },
    );
  return { model: fromLightgbmText(readFileSync(last.path, 'utf8')), path: last.path };
}
