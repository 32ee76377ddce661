/**
 * The LightGBM flavour's boosting loop (src/boosting/gbdt.cpp `TrainOneIter`) on the shared engine:
 * LightGBM bins (lightgbm-bins.ts) from a hashed global row sample, the engine's histograms,
 * partitioning and loss-guided growth with LightGBM's split rules (lightgbm-split.ts), num_leaves /
 * max_depth limits, boost_from_average folded into the first trees, feature_fraction per tree,
 * bagging (rows drawn by a hash of their global index, so ranks agree) or GOSS (after the first
 * 1/learning_rate iterations), and early stopping on the first metric of the validation set. Training
 * stops, like LightGBM, when an iteration's trees cannot split at all. Data parallel: each rank passes
 * its row shard and a Collective; node counts are all-reduced and histograms reduce-scattered by
 * feature block (parallel-data.ts; bundled ones all-reduced whole), so without GOSS 1, 2 or N ranks
 * grow the same trees. Feature parallel (parallel-feature.ts): every rank passes all rows and
 * trains as one process would, exchanging only split records. Voting (parallel-voting.ts): row shards,
 * histograms reduced only for the features the ranks vote for. EFB (lightgbm-efb.ts; data mode, one
 * plan from all ranks' rows, enable_bundle) bundles sparse features into shared histogram columns.
 */
import {
  allRows,
  type BinMatrix,
  catStrideOf,
  type Collective,
  ColumnSampler,
  createHistContext,
  type GbdtModel,
  type GrowEnv,
  growLossguide,
  installScan,
  keepRows,
  type KernelChoice,
  logKernels,
  type RoundReport,
  SINGLE,
  SlotPool,
  type SplitLearner,
  TASK_INTS,
  type TaskRunner,
  type Tree,
} from '../core/index.js';
import { DtrainError } from '../../../configs/errors.js';
import type { Dataset } from '../../data/index.js';
import { buildLgbMatrix, type LgbBins, lgbBinsFromSummaries } from './bins.js';
import { bundlesFromPlan, type EfbLayout, type EfbOptions } from './efb.js';
import { planSharedBundles } from './efb-plan.js';
import { EfbSplitRules } from './efb-split.js';
import { lgbEvalMetrics, lgbHigherIsBetter, rankEval } from './metrics.js';
import { K_EPSILON, lgbObjective } from './objectives.js';
import { type LgbParams, lgbParamsAsStrings } from './params.js';
import { LgbSplitRules } from './split.js';
import { summarizeLgb } from './summary.js';
import { constantTree, foldInit, toLgbTree } from './tree.js';
import { DataParallelLearner } from './parallel-data.js';
import { FeatureParallelLearner } from './parallel-feature.js';
import { VotingParallelLearner } from './parallel-voting.js';
import {
  GRADIENTS,
  gossLoadsGh,
  gossTasks,
  installRows,
  leafValueTasks,
  LEFT_OUT,
  LOAD_GH,
  type RowConfig,
  rowArrays,
  rowArraysBytes,
  WALK_MAX_CODES,
  walkTableBytes,
  rowTasks,
  writeWalkTree,
} from './row-tasks.js';
import { lgbRangeScan, lgbRunner } from './task-threads.js';
import { addTreeMargins } from '../predict/index.js';

export interface LgbTrainInput {
  readonly train: Dataset;
  readonly valid?: Dataset;
  readonly params: LgbParams;
  readonly collective?: Collective;
  readonly onRound?: (r: RoundReport) => void | Promise<void>;
  /** After each iteration, the model so far and how many iterations it has (for checkpoints). */
  readonly onModel?: (model: GbdtModel, rounds: number) => void | Promise<void>;
  readonly signal?: AbortSignal;
  /** Resume: train num_iterations more on top of this model (a LightGBM-flavoured one). */
  readonly startFrom?: GbdtModel;
  /** LightGBM's tree_learner: `data` (default), `feature` (every rank has all rows) or `voting`. */
  readonly parallelism?: LgbParallelism;
  /**
   * Data parallel on several ranks: histograms reduce-scattered by feature block (default; bundled
   * ones are always all-reduced) or all-reduced whole (the baseline tests and bench:lgb-traffic use).
   */
  readonly histograms?: 'reduce-scatter' | 'all-reduce';
  /** The engine's loops as WebAssembly where they fit (default) or as JavaScript (tests compare). */
  readonly kernels?: KernelChoice;
  /** Lines for the rank's log (the engine says so when its loops cannot run as WebAssembly). */
  readonly onLog?: (level: 'info' | 'warn', line: string) => void;
}

export type LgbParallelism = 'data' | 'feature' | 'voting';

const POOL_BYTES = 512 * 1024 * 1024;

/** Feature indices of `categorical_feature` (indices or names). */
export function categoricalIndices(
  spec: readonly (number | string)[],
  names: readonly string[],
  cols: number,
): number[] {
  return spec.map((c) => {
    const i = typeof c === 'number' ? c : names.indexOf(c);
    if (!(i >= 0 && i < cols))
      throw new DtrainError(
        'E_PARAM',
        `params.categorical_feature: ${JSON.stringify(c)} is not one of the ${cols} feature columns`,
        {
          category: 'config',
          detail: `features: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''}`,
        },
      );
    return i;
  });
}

/** Whether a global row is in the bag of iteration `iter` (same answer on every rank). */
function inBag(seed: number, iter: number, globalRow: number, threshold: number): boolean {
  let h = Math.imul(globalRow ^ Math.imul(iter + 1, 0x9e3779b9) ^ Math.imul(seed, 0x85ebca6b), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h ^= h >>> 16;
  return h >>> 0 < threshold;
}

/** Trains a model with LightGBM's rules; every rank of `collective` calls it with its own shard. */
export async function trainLightgbm(input: LgbTrainInput): Promise<GbdtModel> {
  const { train, valid, params: p, signal } = input;
  const gang = input.collective ?? SINGLE;
  const mode = input.parallelism ?? 'data';
  // Feature parallel: every rank has all rows, so everything but the split exchange is single-rank.
  const collective = mode === 'feature' ? SINGLE : gang;
  const objective = lgbObjective(p, train.groups);
  const K = objective.outputs;
  const categorical = categoricalIndices(p.categoricalFeature, train.featureNames, train.cols);
  const span = await rowSpan(collective, train.rows);
  const summaries = await collective.allGather(summarizeLgb(train, span, p.binConstructSampleCnt));
  const bins = lgbBinsFromSummaries(summaries, {
    maxBin: p.maxBin,
    minDataInBin: p.minDataInBin,
    useMissing: p.useMissing,
    categorical: new Set(categorical),
  });
  const full = buildLgbMatrix(train, bins);
  // EFB in data mode (histograms summed over ranks): one plan from every rank's rows.
  const efb =
    p.enableBundle && mode === 'data'
      ? await sharedBundles(
          full,
          collective,
          {
            maxConflictRate: p.maxConflictRate,
            sampleRows: p.binConstructSampleCnt,
            exclude: new Set(categorical),
          },
          span,
        )
      : undefined;
  const matrix = efb?.matrix ?? full;
  const histLen = 2 * matrix.slotOffsets[matrix.cols]!;
  const slots = Math.min(Math.max(4, Math.floor(POOL_BYTES / (8 * histLen))), 2 * p.numLeaves + 2);
  // Room in the context's memory for the per-row arrays (row-tasks.ts), which its wasm walk reads.
  const walkCodes = catStrideOf(matrix);
  const walkTables = walkCodes <= WALK_MAX_CODES ? (2 * p.numLeaves + 1) * walkTableBytes(walkCodes) : 0;
  const ctx = createHistContext(
    matrix,
    slots,
    input.kernels,
    rowArraysBytes(train.rows, K, p.numLeaves, walkTables),
  );
  logKernels(ctx, input.onLog);
  // Leaf-wise growth keeps a histogram per open leaf, plus the parent while its children are built:
  // with fewer slots, leaves past them are never split and trees stop short of num_leaves.
  if (slots < p.numLeaves + 1)
    input.onLog?.(
      'warn',
      `histograms of ${histLen * 8} bytes: ${slots} fit in ${POOL_BYTES >> 20} MiB, so trees may stop before num_leaves ${p.numLeaves} (fewer features, max_bin or num_leaves avoid it)`,
    );
  // Split scans as tasks where the rules read the engine's histograms as they are (no EFB) and
  // the node's histogram is complete here (data mode: all-reduced before the scan).
  const scan =
    p.numThreads > 1 && efb === undefined && mode === 'data'
      ? { params: p, bins, slotOffsets: full.slotOffsets }
      : undefined;
  // Per-row passes as tasks (row-tasks.ts): gradients of pointwise objectives, the per-tree
  // [g, h] load, GOSS by blocks, and the left-out rows' scores (by walking their codes: not EFB).
  const arrays = rowArrays(ctx, train.rows, K, p.numLeaves, walkTables);
  const { grad, hess, margins, inSample } = arrays;
  const rowPasses: RowConfig = {
    ...arrays,
    objective: objective.pointwise?.objective,
    alpha: p.alpha,
    K,
    labels: train.labels.buffer instanceof SharedArrayBuffer ? train.labels : sharedCopy(train.labels),
    goss: { topRate: p.topRate, otherRate: p.otherRate, seed: p.seed },
  };
  const runner: TaskRunner = lgbRunner(ctx, p.numThreads, { scan, rows: rowPasses });
  // The threads are joined however training ends (a bad label, an abort, an error).
  try {
    installRows(ctx, rowPasses);
    objective.pointwise?.checkLabels(rowPasses.labels);
    const lgbRules = new LgbSplitRules(p, bins, full.slotOffsets);
    if (ctx.memory) lgbRules.attachWasm(ctx.memory);
    if (scan) installScan(ctx, lgbRangeScan(lgbRules));
    const efbRules = efb && new EfbSplitRules(lgbRules, efb, full.slotOffsets);
    const rules = efbRules ?? lgbRules;
    const env: GrowEnv = {
      params: {
        eta: p.learningRate,
        gamma: 0,
        maxDepth: Math.max(p.maxDepth, 0),
        maxLeaves: p.numLeaves,
        lambda: p.lambdaL2,
        alpha: p.lambdaL1,
        maxDeltaStep: p.maxDeltaStep,
        minChildWeight: p.minSumHessianInLeaf,
      },
      cuts: bins.cuts,
      ctx,
      runner,
      slots: new SlotPool(slots),
      sampler: new ColumnSampler(train.cols, p.featureFraction, 1, 1),
      collective,
      rules,
      ...(scan ? { scanSlots: full.slotOffsets } : {}),
      // Several data-parallel ranks reduce-scatter histograms by feature block, unless bundled (EFB).
      ...(mode === 'data' && (gang.worldSize === 1 || efb !== undefined || input.histograms === 'all-reduce')
        ? {}
        : { learner: learnerFor(mode, p, bins, full.slotOffsets, lgbRules, gang, train.cols) }),
    };
    const resumed = input.startFrom;
    const trees: Tree[] = [...(resumed?.trees ?? [])];
    const treeInfo: number[] = [...(resumed?.treeInfo ?? [])];
    const start = await objective.start(train.labels, collective, resumed === undefined);
    // What the first trees carry of the initial scores: boost_from_average's here; with it off, an
    // output whose first tree is a constant takes its score there (below, after each iteration).
    const init: number[] = resumed
      ? [...(resumed.lightgbm?.initScores ?? new Array<number>(K).fill(0))]
      : start.scores.map((v) => (p.boostFromAverage && Math.abs(v) > K_EPSILON ? v : 0));
    startMargins(margins, train, K, resumed ? undefined : init, trees, treeInfo);
    const validMargins =
      valid &&
      startMargins(new Float64Array(valid.rows * K), valid, K, resumed ? undefined : init, trees, treeInfo);
    const unsampled = new Uint32Array(train.rows);
    const firstRound = trees.length / K;
    const metricNames = p.metric;
    const watched = metricNames[0];
    const higher = watched !== undefined && lgbHigherIsBetter(watched);
    let best = { score: Number.NaN, round: -1 };
    let sampled = train.rows;
    let bagged = false;
    const snapshot = (upTo?: number): GbdtModel => ({
      objective: objective.xgbName,
      numFeature: train.cols,
      numClass: K > 1 ? K : 0,
      baseScore: objective.neutralBase,
      trees: trees.slice(0, upTo === undefined ? trees.length : upTo * K),
      treeInfo: treeInfo.slice(0, upTo === undefined ? treeInfo.length : upTo * K),
      featureNames: train.featureNames,
      params: lgbParamsAsStrings(p),
      bestIteration:
        p.earlyStoppingRound !== undefined && best.round >= 0 ? best.round : resumed?.bestIteration,
      lightgbm: {
        objective: objective.line,
        featureInfos: bins.featureInfos,
        treesPerIteration: K,
        categorical,
        initScores: init,
      },
    });
    let stoppedAt: number | undefined;
    for (let i = 0; i < p.numIterations; i++) {
      if (signal?.aborted)
        throw new DtrainError('E_INTERRUPTED', 'training was aborted', {
          category: 'interrupted',
          cause: signal.reason,
        });
      const round = firstRound + i;
      const started = performance.now();
      const gossRan = p.sampleStrategy === 'goss' && round >= Math.floor(1 / p.learningRate);
      // A sampled iteration's GOSS tasks compute pointwise gradients block by block (one pass fewer).
      const fused = gossRan && rowPasses.objective !== undefined;
      if (!rowPasses.objective) objective.gradients(margins, train.labels, grad, hess);
      else if (!fused) runner.run(rowTasks(GRADIENTS, train.rows, runner.threads), train.rows);
      if (p.sampleStrategy === 'goss') {
        if (gossRan) {
          const tasks = gossTasks(train.rows, round, fused);
          runner.run(tasks, train.rows);
          sampled = 0;
          for (let t = 0; t < tasks.length / TASK_INTS; t++) sampled += ctx.counts[t]!;
          bagged = true;
        }
      } else if (p.baggingFreq > 0 && p.baggingFraction < 1 && round % p.baggingFreq === 0) {
        const threshold = Math.floor(p.baggingFraction * 2 ** 32);
        sampled = 0;
        for (let r = 0; r < train.rows; r++) {
          inSample[r] = inBag(p.seed, round, span.offset + r, threshold) ? 1 : 0;
          sampled += inSample[r]!;
        }
        bagged = true;
      }
      const grown: Tree[] = [];
      let anySplit = false;
      for (let k = 0; k < K; k++) {
        if (!start.train[k]) {
          grown.push(constantTree(0, span.total));
          continue;
        }
        const keep = bagged && sampled < train.rows ? inSample : undefined;
        // GOSS in WebAssembly wrote buffer 0's [g, h] as it sampled (one output).
        if (!(gossRan && gossLoadsGh(ctx, rowPasses)))
          runner.run(rowTasks(LOAD_GH, train.rows, runner.threads, k), train.rows);
        const root = keep ? keepRows(ctx, runner, keep) : allRows(ctx);
        const n = root.n;
        env.sampler.startTree(p.seed, round, k, 2);
        const t = await growLossguide(env, root);
        efbRules?.restore(t);
        if (t.numLeaves > 1)
          await objective.renewLeaves?.(t, ctx.rowIndex, margins, train.labels, collective);
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
            if (n < train.rows) addUnsampled(tree, train, inSample, unsampled, margins, K, k);
          }
          if (valid && validMargins)
            addTreeMargins(tree, valid.features, valid.cols, validMargins, K, k, valid.rows);
        }
        grown.push(tree);
      }
      // As LightGBM's TrainOneIter: a tree that did not split adds nothing (value 0), except in a new
      // model's first iteration, where it is the constant initial score.
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
            if (valid && validMargins)
              for (let r = 0; r < valid.rows; r++) validMargins[r * K + k]! += init[k]!;
          }
          value = init[k]!;
        }
        grown[k] = constantTree(value, tree.lgb?.counts[0] ?? span.total);
      });
      // LightGBM stops when no tree of an iteration can split; the first keeps its constant trees.
      if (!anySplit && round !== 0) break;
      grown.forEach((tree, k) => {
        trees.push(tree);
        treeInfo.push(K > 1 ? k : 0);
      });
      if (!anySplit) break;
      const metrics: Record<string, number> = {};
      let watchedValue = Number.NaN;
      // Like LightGBM, the training set is scored only with is_provide_training_metric.
      const sets: [string, Dataset, Float32Array | Float64Array][] = p.provideTrainingMetric
        ? [['train', train, margins]]
        : [];
      if (valid && validMargins) sets.push(['valid', valid, validMargins]);
      for (const [name, data, m] of sets) {
        if (metricNames.length === 0) break;
        const preds = objective.transform(Float32Array.from(m));
        const values = await lgbEvalMetrics(
          metricNames,
          preds,
          data.labels,
          K,
          collective,
          p.alpha,
          rankEval(data, p.labelGain),
        );
        metricNames.forEach((metric, j) => {
          metrics[`${name}-${metric}`] = values[j]!;
        });
        if (name === 'valid') watchedValue = values[0]!;
      }
      const seconds = (performance.now() - started) / 1000;
      await input.onRound?.({
        round,
        totalRounds: firstRound + p.numIterations,
        metrics,
        rowsPerSec: seconds > 0 ? train.rows / seconds : 0,
      });
      let stop = false;
      if (p.earlyStoppingRound !== undefined && valid && !Number.isNaN(watchedValue)) {
        if (best.round < 0 || (higher ? watchedValue > best.score : watchedValue < best.score))
          best = { score: watchedValue, round };
        else if (round - best.round >= p.earlyStoppingRound) stop = true;
      }
      await input.onModel?.(snapshot(), round + 1);
      if (stop) {
        stoppedAt = best.round + 1;
        break;
      }
    }
    // LightGBM keeps the best iteration's trees when early stopping ends training.
    return snapshot(stoppedAt);
  } finally {
    await runner.close();
  }
}

function learnerFor(
  mode: LgbParallelism,
  p: LgbParams,
  bins: LgbBins,
  slotOffsets: Uint32Array,
  rules: LgbSplitRules,
  gang: Collective,
  cols: number,
): SplitLearner {
  if (mode === 'feature') return new FeatureParallelLearner(rules, gang, cols);
  if (mode === 'data') return new DataParallelLearner(rules, gang, slotOffsets, cols);
  const w = gang.worldSize;
  // LightGBM's local_config_: the per-leaf minimums divided among the ranks for the local vote.
  const local = new LgbSplitRules(
    { ...p, minDataInLeaf: Math.floor(p.minDataInLeaf / w), minSumHessianInLeaf: p.minSumHessianInLeaf / w },
    bins,
    slotOffsets,
  );
  return new VotingParallelLearner(local, rules, gang, cols, p.topK);
}

/** A copy of `a` on shared memory. */
function sharedCopy(a: Float32Array): Float32Array {
  const out = new Float32Array(new SharedArrayBuffer(Math.max(4, a.byteLength)), 0, a.length);
  out.set(a);
  return out;
}

async function rowSpan(collective: Collective, rows: number): Promise<{ offset: number; total: number }> {
  const all = await collective.allGather(new Uint8Array(Float64Array.of(rows).buffer));
  const counts = all.map((b) => new Float64Array(b.slice().buffer)[0]!);
  const offset = counts.slice(0, collective.rank).reduce((a, b) => a + b, 0);
  return { offset, total: counts.reduce((a, b) => a + b, 0) };
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

/** The bundling of `m`, planned from the rows of every rank (the same plan as one process's). */
async function sharedBundles(
  m: BinMatrix,
  collective: Collective,
  o: EfbOptions,
  span: { offset: number; total: number },
): Promise<EfbLayout | undefined> {
  const plan = await planSharedBundles(m, o, collective, span);
  return plan && bundlesFromPlan(m, plan);
}
