/**
 * The LightGBM flavour's boosting loop (src/boosting/gbdt.cpp `TrainOneIter`) over a training set
 * up by train-setup.ts: per iteration the gradients, bagging (rows drawn by a hash of their global
 * index, so ranks agree) or GOSS (after the first 1/learning_rate iterations), one tree per output
 * grown leaf-wise, its values added to the rows' scores (the left-out rows' by walking their codes),
 * the metrics, and early stopping on the first metric of the validation set. Training stops, like
 * LightGBM, when an iteration's trees cannot split at all.
 */
import { allRows, type GbdtModel, growLossguide, keepRows, TASK_INTS, type Tree } from '../core/index.js';
import { DtrainError } from '../../../configs/errors.js';
import type { Dataset } from '../../data/index.js';
import { addTreeMargins } from '../predict/index.js';
import { lgbEvalMetrics, lgbHigherIsBetter, rankEval } from './metrics.js';
import { K_EPSILON, type LgbStart } from './objectives.js';
import { lgbParamsAsStrings } from './params.js';
import {
  GRADIENTS,
  gossLoadsGh,
  gossTasks,
  leafValueTasks,
  LEFT_OUT,
  LOAD_GH,
  rowTasks,
  WALK_MAX_CODES,
  writeWalkTree,
} from './row-tasks.js';
import { constantTree, foldInit, toLgbTree } from './tree.js';
import type { LgbTrainInput } from './train-input.js';
import type { LgbRun } from './train-setup.js';

/** The loop's state across iterations. */
interface Boosting {
  readonly trees: Tree[];
  readonly treeInfo: number[];
  readonly start: LgbStart;
  /** The initial scores the first trees carry (boost_from_average's, or a first constant tree's). */
  readonly init: number[];
  readonly validMargins: Float64Array | undefined;
  /** Room for the rows a tree was not grown on (addUnsampled). */
  readonly unsampled: Uint32Array;
  /** Rows in the current sample, and whether the rows are sampled at all (bagging or GOSS ran). */
  sampled: number;
  bagged: boolean;
  best: { score: number; round: number };
}

/** Boosts num_iterations more iterations; returns the model (the best iteration's, when stopped early). */
export async function boost(input: LgbTrainInput, run: LgbRun): Promise<GbdtModel> {
  const { train, valid, params: p, signal } = input;
  const { K, collective, rowPasses } = run;
  const resumed = input.startFrom;
  const trees: Tree[] = [...(resumed?.trees ?? [])];
  const treeInfo: number[] = [...(resumed?.treeInfo ?? [])];
  const start = await run.objective.start(train.labels, collective, resumed === undefined);
  // What the first trees carry of the initial scores: boost_from_average's here; with it off, an
  // output whose first tree is a constant takes its score there (below, after each iteration).
  const init: number[] = resumed
    ? [...(resumed.lightgbm?.initScores ?? new Array<number>(K).fill(0))]
    : start.scores.map((v) => (p.boostFromAverage && Math.abs(v) > K_EPSILON ? v : 0));
  startMargins(rowPasses.margins, train, K, resumed ? undefined : init, trees, treeInfo);
  const validMargins =
    valid &&
    startMargins(new Float64Array(valid.rows * K), valid, K, resumed ? undefined : init, trees, treeInfo);
  const s: Boosting = {
    trees,
    treeInfo,
    start,
    init,
    validMargins,
    unsampled: new Uint32Array(train.rows),
    sampled: train.rows,
    bagged: false,
    best: { score: Number.NaN, round: -1 },
  };
  const firstRound = trees.length / K;
  const watched = p.metric[0];
  const higher = watched !== undefined && lgbHigherIsBetter(watched);
  let stoppedAt: number | undefined;
  for (let i = 0; i < p.numIterations; i++) {
    if (signal?.aborted)
      throw new DtrainError('E_INTERRUPTED', 'training was aborted', {
        category: 'interrupted',
        cause: signal.reason,
      });
    const round = firstRound + i;
    const started = performance.now();
    const gossRan = sample(input, run, s, round);
    const { grown, anySplit } = await growIteration(input, run, s, round, gossRan);
    settleConstantTrees(input, run, s, round, grown);
    // LightGBM stops when no tree of an iteration can split; the first keeps its constant trees.
    if (!anySplit && round !== 0) break;
    grown.forEach((tree, k) => {
      trees.push(tree);
      treeInfo.push(K > 1 ? k : 0);
    });
    if (!anySplit) break;
    const { metrics, watchedValue } = await evaluate(input, run, s);
    const seconds = (performance.now() - started) / 1000;
    await input.onRound?.({
      round,
      totalRounds: firstRound + p.numIterations,
      metrics,
      rowsPerSec: seconds > 0 ? train.rows / seconds : 0,
    });
    let stop = false;
    if (p.earlyStoppingRound !== undefined && valid && !Number.isNaN(watchedValue)) {
      if (s.best.round < 0 || (higher ? watchedValue > s.best.score : watchedValue < s.best.score))
        s.best = { score: watchedValue, round };
      else if (round - s.best.round >= p.earlyStoppingRound) stop = true;
    }
    await input.onModel?.(snapshot(input, run, s), round + 1);
    if (stop) {
      stoppedAt = s.best.round + 1;
      break;
    }
  }
  // LightGBM keeps the best iteration's trees when early stopping ends training.
  return snapshot(input, run, s, stoppedAt);
}

/**
 * The iteration's gradients and its sample: GOSS (whose tasks compute pointwise gradients block by
 * block) or bagging. Returns whether GOSS ran.
 */
function sample(input: LgbTrainInput, run: LgbRun, s: Boosting, round: number): boolean {
  const { train, params: p } = input;
  const { objective, rowPasses, runner, ctx } = run;
  const { grad, hess, margins, inSample } = rowPasses;
  const gossRan = p.sampleStrategy === 'goss' && round >= Math.floor(1 / p.learningRate);
  // A sampled iteration's GOSS tasks compute pointwise gradients block by block (one pass fewer).
  const fused = gossRan && rowPasses.objective !== undefined;
  if (!rowPasses.objective) objective.gradients(margins, train.labels, grad, hess);
  else if (!fused) runner.run(rowTasks(GRADIENTS, train.rows, runner.threads), train.rows);
  if (p.sampleStrategy === 'goss') {
    if (gossRan) {
      const tasks = gossTasks(train.rows, round, fused);
      runner.run(tasks, train.rows);
      s.sampled = 0;
      for (let t = 0; t < tasks.length / TASK_INTS; t++) s.sampled += ctx.counts[t]!;
      s.bagged = true;
    }
  } else if (p.baggingFreq > 0 && p.baggingFraction < 1 && round % p.baggingFreq === 0) {
    const threshold = Math.floor(p.baggingFraction * 2 ** 32);
    s.sampled = 0;
    for (let r = 0; r < train.rows; r++) {
      inSample[r] = inBag(p.seed, round, run.span.offset + r, threshold) ? 1 : 0;
      s.sampled += inSample[r]!;
    }
    s.bagged = true;
  }
  return gossRan;
}

/** One tree per output on the sample; each adds its values to every row's score. */
async function growIteration(
  input: LgbTrainInput,
  run: LgbRun,
  s: Boosting,
  round: number,
  gossRan: boolean,
): Promise<{ grown: Tree[]; anySplit: boolean }> {
  const { train, valid, params: p } = input;
  const { K, ctx, runner, rowPasses, env, efb, efbRules, objective, collective, bins } = run;
  const { margins, inSample } = rowPasses;
  const grown: Tree[] = [];
  let anySplit = false;
  for (let k = 0; k < K; k++) {
    if (!s.start.train[k]) {
      grown.push(constantTree(0, run.span.total));
      continue;
    }
    const keep = s.bagged && s.sampled < train.rows ? inSample : undefined;
    // GOSS in WebAssembly wrote buffer 0's [g, h] as it sampled (one output).
    if (!(gossRan && gossLoadsGh(ctx, rowPasses)))
      runner.run(rowTasks(LOAD_GH, train.rows, runner.threads, k), train.rows);
    const root = keep ? keepRows(ctx, runner, keep) : allRows(ctx);
    const n = root.n;
    env.sampler.startTree(p.seed, round, k, 2);
    const t = await growLossguide(env, root);
    efbRules?.restore(t);
    if (t.numLeaves > 1) await objective.renewLeaves?.(t, ctx.rowIndex, margins, train.labels, collective);
    const tree = toLgbTree(t, bins);
    if (t.numLeaves > 1) {
      anySplit = true;
      const leafTasks = leafValueTasks(rowPasses, t, k, runner.threads);
      if (n < train.rows && efb === undefined && ctx.catStride <= WALK_MAX_CODES) {
        writeWalkTree(
          rowPasses,
          t,
          ctx.catStride,
          ctx.bufs[0]!.codes.BYTES_PER_ELEMENT,
          ctx.matrix.missingCode,
        );
        // The sample's rows and the left-out ones are disjoint: one batch adds to both.
        runner.run([...leafTasks, ...rowTasks(LEFT_OUT, train.rows, runner.threads, k)], train.rows);
      } else {
        runner.run(leafTasks, n);
        if (n < train.rows) addUnsampled(tree, train, inSample, s.unsampled, margins, K, k);
      }
      if (valid && s.validMargins)
        addTreeMargins(tree, valid.features, valid.cols, s.validMargins, K, k, valid.rows);
    }
    grown.push(tree);
  }
  return { grown, anySplit };
}

/**
 * As LightGBM's TrainOneIter: a tree that did not split adds nothing (value 0), except in a new
 * model's first iteration, where it is the constant initial score.
 */
function settleConstantTrees(input: LgbTrainInput, run: LgbRun, s: Boosting, round: number, grown: Tree[]) {
  const { train, valid, params: p } = input;
  const { K } = run;
  const { init, start, validMargins } = s;
  const margins = run.rowPasses.margins;
  grown.forEach((tree, k) => {
    if (tree.leftChildren.length > 1) {
      if (round === 0) grown[k] = foldInit(tree, init[k]!);
      return;
    }
    let value = 0;
    if (round === 0) {
      if (!p.boostFromAverage) {
        init[k] = start.scores[k]!;
        for (let r = 0; r < train.rows; r++) margins[r * K + k]! += init[k]!;
        if (valid && validMargins) for (let r = 0; r < valid.rows; r++) validMargins[r * K + k]! += init[k]!;
      }
      value = init[k]!;
    }
    grown[k] = constantTree(value, tree.lgb?.counts[0] ?? run.span.total);
  });
}

/** The iteration's metrics, and the watched one's value on the validation set (NaN: none). */
async function evaluate(
  input: LgbTrainInput,
  run: LgbRun,
  s: Boosting,
): Promise<{ metrics: Record<string, number>; watchedValue: number }> {
  const { train, valid, params: p } = input;
  const metricNames = p.metric;
  const metrics: Record<string, number> = {};
  let watchedValue = Number.NaN;
  // Like LightGBM, the training set is scored only with is_provide_training_metric.
  const sets: [string, Dataset, Float32Array | Float64Array][] = p.provideTrainingMetric
    ? [['train', train, run.rowPasses.margins]]
    : [];
  if (valid && s.validMargins) sets.push(['valid', valid, s.validMargins]);
  for (const [name, data, m] of sets) {
    if (metricNames.length === 0) break;
    const preds = run.objective.transform(Float32Array.from(m));
    const values = await lgbEvalMetrics(
      metricNames,
      preds,
      data.labels,
      run.K,
      run.collective,
      p.alpha,
      rankEval(data, p.labelGain),
    );
    metricNames.forEach((metric, j) => {
      metrics[`${name}-${metric}`] = values[j]!;
    });
    if (name === 'valid') watchedValue = values[0]!;
  }
  return { metrics, watchedValue };
}

/** The model so far (its first `upTo` iterations when given). */
function snapshot(input: LgbTrainInput, run: LgbRun, s: Boosting, upTo?: number): GbdtModel {
  const { train, params: p } = input;
  const { K, objective } = run;
  return {
    objective: objective.xgbName,
    numFeature: train.cols,
    numClass: K > 1 ? K : 0,
    baseScore: objective.neutralBase,
    trees: s.trees.slice(0, upTo === undefined ? s.trees.length : upTo * K),
    treeInfo: s.treeInfo.slice(0, upTo === undefined ? s.treeInfo.length : upTo * K),
    featureNames: train.featureNames,
    params: lgbParamsAsStrings(p),
    bestIteration:
      p.earlyStoppingRound !== undefined && s.best.round >= 0 ? s.best.round : input.startFrom?.bestIteration,
    lightgbm: {
      objective: objective.line,
      featureInfos: run.bins.featureInfos,
      treesPerIteration: K,
      categorical: run.categorical,
      initScores: s.init,
    },
  };
}

/** Whether a global row is in the bag of iteration `iter` (same answer on every rank). */
function inBag(seed: number, iter: number, globalRow: number, threshold: number): boolean {
  let h = Math.imul(globalRow ^ Math.imul(iter + 1, 0x9e3779b9) ^ Math.imul(seed, 0x85ebca6b), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h ^= h >>> 16;
  return h >>> 0 < threshold;
}

/** `m` (rows × K) ← the initial scores plus the trees' values. */
function startMargins<M extends Float32Array | Float64Array>(
  m: M,
  data: Dataset,
  K: number,
  init: readonly number[] | undefined,
  trees: readonly Tree[],
  info: readonly number[],
): M {
  if (init) for (let i = 0; i < m.length; i++) m[i] = init[i % K]!;
  for (let i = 0; i < trees.length; i++)
    addTreeMargins(trees[i]!, data.features, data.cols, m, K, info[i] ?? 0, data.rows);
  return m;
}

/** Adds the tree's values to the margins of the rows it was not grown on; `out` holds ≥ rows ints. */
function addUnsampled(
  tree: Tree,
  train: Dataset,
  inSample: Uint8Array,
  out: Uint32Array,
  margins: Float64Array,
  K: number,
  k: number,
) {
  let n = 0;
  for (let r = 0; r < train.rows; r++) if (inSample[r] === 0) out[n++] = r;
  addTreeMargins(tree, train.features, train.cols, margins, K, k, train.rows, out.subarray(0, n));
}
