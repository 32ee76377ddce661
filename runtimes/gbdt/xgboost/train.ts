/**
 * The boosting loop (XGBoost 1.7 `hist`): cuts merged across ranks, data binned once, then per round
 * gradients from the objective, one tree per output (iteration-major), margins moved by each row's
 * leaf (taken from the partition, no re-traversal), metrics on train and valid, and early stopping on
 * the last metric of the last eval set. Data parallel: each rank passes its row shard and a
 * Collective; the ranks build identical trees (see tree-builder.ts) and get the same model.
 */
import { DtrainError } from '../../../configs/errors.js';
import type { Dataset } from '../../data/index.js';
import {
  allRows,
  buildBinMatrix,
  type Collective,
  ColumnSampler,
  createHistContext,
  evalMetrics,
  type GbdtModel,
  growDepthwise,
  type GrowEnv,
  growLossguide,
  hasPredsGradients,
  keepRows,
  type KernelChoice,
  loadRows,
  logKernels,
  mergeCuts,
  type NodeRows,
  objectiveFor,
  refuseInfinities,
  type RoundReport,
  serialRunner,
  SINGLE,
  SlotPool,
  summarize,
  type TaskRunner,
  threadedRunner,
  type Tree,
  type TreeBuilder,
} from '../core/index.js';
import { Rng } from '../../random/index.js';
import { addTreeMargins } from '../predict/index.js';
import { paramsAsStrings, type XgbParams } from './params.js';

export interface TrainInput {
  readonly train: Dataset;
  readonly valid?: Dataset;
  readonly params: XgbParams;
  readonly collective?: Collective;
  readonly onRound?: (r: RoundReport) => void | Promise<void>;
  /** After each round, the model so far and how many rounds it has (for checkpoints). */
  readonly onModel?: (model: GbdtModel, rounds: number) => void | Promise<void>;
  readonly signal?: AbortSignal;
  /** Resume: boost num_boost_round more rounds on top of this model. */
  readonly startFrom?: GbdtModel;
  /** The engine's loops as WebAssembly where they fit (default) or as JavaScript (tests compare). */
  readonly kernels?: KernelChoice /** Lines for the rank's log (the engine says so when its loops cannot run as WebAssembly). */;
  readonly onLog?: (level: 'info' | 'warn', line: string) => void;
}

// Histogram memory cap for the slot pool.
const POOL_BYTES = 512 * 1024 * 1024;

/** Trains a model; every rank of `collective` must call it with its own shard. */
export async function trainGbdt(input: TrainInput): Promise<GbdtModel> {
  const { train, valid, params: p, signal } = input;
  const collective = input.collective ?? SINGLE;
  const objective = objectiveFor(p.objective, p.numClass, { scalePosWeight: p.scalePosWeight });
  const K = objective.outputs;
  const metricNames = p.evalMetric.length > 0 ? p.evalMetric : [objective.defaultMetric];
  const span = await rowSpan(collective, train.rows);
  refuseInfinities(train, 'train', span.offset);
  if (valid) refuseInfinities(valid, 'valid');
  const cuts = mergeCuts(await collective.allGather(summarize(train, p.maxBin, span)), p.maxBin);
  const matrix = buildBinMatrix(train, cuts);
  const histLen = 2 * matrix.slotOffsets[matrix.cols]!;
  const ctx = createHistContext(matrix, poolSlots(p, histLen), input.kernels);
  logKernels(ctx, input.onLog);
  const trees: Tree[] = [...(input.startFrom?.trees ?? [])];
  const treeInfo: number[] = [...(input.startFrom?.treeInfo ?? [])];
  const margins = initialMargins(train, K, objective.marginOf(p.baseScore), trees, treeInfo);
  const validMargins = valid && initialMargins(valid, K, objective.marginOf(p.baseScore), trees, treeInfo);
  const grad = new Float32Array(train.rows * K);
  const hess = new Float32Array(train.rows * K);
  const inSample = new Uint8Array(train.rows);
  const trainPreds = new Float32Array(margins.length);
  // binary:logistic (one output): gradients straight into ctx.gh from the train predictions that
  // the previous round's metrics transformed (the same margins), so no second sigmoid and no copy.
  const fromPreds = hasPredsGradients(objective) && K === 1 ? objective : undefined;
  if (fromPreds) {
    trainPreds.set(margins);
    objective.transform(trainPreds, train.rows);
  }
  const firstRound = trees.length / K;
  const higher = higherIsBetter(metricNames[metricNames.length - 1]!);
  let best = { score: Number.NaN, round: -1 };
  const snapshot = (): GbdtModel => ({
    objective: p.objective,
    numFeature: train.cols,
    numClass: p.numClass,
    baseScore: p.baseScore,
    trees: [...trees],
    treeInfo: [...treeInfo],
    featureNames: train.featureNames,
    params: paramsAsStrings(p),
    bestIteration:
      p.earlyStoppingRounds !== undefined && best.round >= 0 ? best.round : input.startFrom?.bestIteration,
  });
  // The threads start last, right before the try that joins them however training ends.
  const runner: TaskRunner = p.nthread > 1 ? threadedRunner(ctx, p.nthread) : serialRunner(ctx);
  const env: GrowEnv = {
    params: p,
    cuts,
    ctx,
    runner,
    slots: new SlotPool(ctx.pool.length / histLen),
    sampler: new ColumnSampler(train.cols, p.colsampleBytree, p.colsampleBylevel, p.colsampleBynode),
    collective,
  };
  try {
    for (let i = 0; i < p.numBoostRound; i++) {
      if (signal?.aborted) {
        throw new DtrainError('E_INTERRUPTED', 'training was aborted', {
          category: 'interrupted',
          cause: signal.reason,
        });
      }
      const round = firstRound + i;
      const started = performance.now();
      // Gradients by row into buffer 0 (partition.ts) for the next tree.
      if (fromPreds) fromPreds.gradientsFromPreds(trainPreds, train.labels, ctx.gh);
      else objective.gradients(margins, train.labels, undefined, grad, hess);
      for (let k = 0; k < K; k++) {
        const sampled = sampleRows(inSample, train.rows, p.subsample, new Rng(p.seed, round, k));
        const keep = sampled < train.rows ? inSample : undefined;
        let root: NodeRows;
        if (fromPreds) root = keep === undefined ? allRows(ctx) : keepRows(ctx, runner, keep);
        else root = loadRows(ctx, runner, keep, grad, hess, K, k);
        const n = root.n;
        env.sampler.startTree(p.seed, round, k, 1);
        const grown =
          p.growPolicy === 'lossguide' ? await growLossguide(env, root) : await growDepthwise(env, root);
        const tree = grown.toTree();
        addLeafValues(grown, ctx.rowIndex, margins, K, k);
        if (n < train.rows) addUnsampled(tree, train, inSample, margins, K, k);
        if (valid && validMargins)
          addTreeMargins(tree, valid.features, valid.cols, validMargins, K, k, valid.rows);
        trees.push(tree);
        treeInfo.push(K > 1 ? k : 0);
      }
      const metrics: Record<string, number> = {};
      const sets: [string, Dataset, Float32Array][] = [['train', train, margins]];
      if (valid && validMargins) sets.push(['valid', valid, validMargins]);
      let watched = Number.NaN;
      for (const [name, data, m] of sets) {
        const buf = name === 'train' ? trainPreds : new Float32Array(m.length);
        buf.set(m);
        const preds = objective.transform(buf, data.rows);
        const values = await evalMetrics(metricNames, preds, data.labels, K, collective);
        metricNames.forEach((metric, j) => {
          metrics[`${name}-${metric}`] = values[j]!;
        });
        watched = values[values.length - 1]!;
      }
      const seconds = (performance.now() - started) / 1000;
      await input.onRound?.({
        round,
        totalRounds: firstRound + p.numBoostRound,
        metrics,
        rowsPerSec: seconds > 0 ? train.rows / seconds : 0,
      });
      let stop = false;
      if (p.earlyStoppingRounds !== undefined) {
        if (best.round < 0 || (higher ? watched > best.score : watched < best.score)) {
          best = { score: watched, round };
        } else if (round - best.round >= p.earlyStoppingRounds) stop = true;
      }
      await input.onModel?.(snapshot(), round + 1);
      if (stop) break;
    }
  } finally {
    await runner.close();
  }
  return snapshot();
}

/** This rank's offset in the global row order (ranks hold consecutive parts) and the total rows. */
async function rowSpan(collective: Collective, rows: number): Promise<{ offset: number; total: number }> {
  const all = await collective.allGather(new Uint8Array(Float64Array.of(rows).buffer));
  const counts = all.map((b) => new Float64Array(b.slice().buffer)[0]!);
  const offset = counts.slice(0, collective.rank).reduce((a, b) => a + b, 0);
  return { offset, total: counts.reduce((a, b) => a + b, 0) };
}

function higherIsBetter(metric: string): boolean {
  return metric.startsWith('auc') || metric.startsWith('ndcg') || metric.startsWith('map');
}

function poolSlots(p: XgbParams, histLen: number): number {
  const cap = Math.max(4, Math.floor(POOL_BYTES / (8 * histLen)));
  const byDepth = p.maxDepth > 0 && p.maxDepth < 20 ? 2 ** p.maxDepth + 2 : cap;
  const byLeaves = p.maxLeaves > 0 ? 2 * p.maxLeaves + 2 : cap;
  return Math.min(cap, byDepth, byLeaves);
}

function initialMargins(
  data: Dataset,
  K: number,
  base: number,
  trees: readonly Tree[],
  info: readonly number[],
) {
  const m = new Float32Array(data.rows * K).fill(base);
  for (let i = 0; i < trees.length; i++) {
    addTreeMargins(trees[i]!, data.features, data.cols, m, K, info[i] ?? 0, data.rows);
  }
  return m;
}

/** Marks the round's sample in inSample and returns its size. */
function sampleRows(inSample: Uint8Array, rows: number, rate: number, rng: Rng): number {
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const take = rate >= 1 || rng.next() < rate;
    inSample[r] = take ? 1 : 0;
    if (take) n++;
  }
  return n;
}

function addLeafValues(t: TreeBuilder, rows: Uint32Array, margins: Float32Array, K: number, k: number): void {
  for (let nid = 0; nid < t.left.length; nid++) {
    if (t.left[nid] !== -1) continue;
    const v = t.value[nid]!;
    for (let i = t.begin[nid]!, e = t.end[nid]!; i < e; i++) {
      const j = rows[i]! * K + k;
      margins[j] = margins[j]! + v;
    }
  }
}

function addUnsampled(
  tree: Tree,
  train: Dataset,
  inSample: Uint8Array,
  margins: Float32Array,
  K: number,
  k: number,
) {
  const out: number[] = [];
  for (let r = 0; r < train.rows; r++) if (inSample[r] === 0) out.push(r);
  addTreeMargins(tree, train.features, train.cols, margins, K, k, train.rows, Uint32Array.from(out));
}
