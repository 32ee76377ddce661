/**
 * Setting up a LightGBM training (train.ts): the objective, LightGBM bins from a hashed global row
 * sample, the binned matrix (EFB-bundled in data mode, one plan from all ranks' rows), the histogram
 * context with room for the per-row arrays, the row passes and task threads, the split rules and
 * the growth environment the boosting loop (boost.ts) grows every tree in.
 */
import {
  type BinMatrix,
  catStrideOf,
  type Collective,
  ColumnSampler,
  createHistContext,
  type GrowEnv,
  type HistContext,
  installScan,
  logKernels,
  SINGLE,
  SlotPool,
  type SplitLearner,
  type TaskRunner,
} from '../core/index.js';
import { DtrainError } from '../../../configs/errors.js';
import { buildLgbMatrix, type LgbBins, lgbBinsFromSummaries } from './bins.js';
import { bundlesFromPlan, type EfbLayout, type EfbOptions } from './efb.js';
import { planSharedBundles } from './efb-plan.js';
import { EfbSplitRules } from './efb-split.js';
import { type LgbObjectiveImpl, lgbObjective } from './objectives.js';
import { DataParallelLearner } from './parallel-data.js';
import { FeatureParallelLearner } from './parallel-feature.js';
import { VotingParallelLearner } from './parallel-voting.js';
import type { LgbParams } from './params.js';
import {
  installRows,
  type RowConfig,
  rowArrays,
  rowArraysBytes,
  WALK_MAX_CODES,
  walkTableBytes,
} from './row-tasks.js';
import { LgbSplitRules } from './split.js';
import { summarizeLgb } from './summary.js';
import { lgbRangeScan, lgbRunner } from './task-threads.js';
import type { LgbParallelism, LgbTrainInput } from './train-input.js';

const POOL_BYTES = 512 * 1024 * 1024;

/** This rank's rows among all ranks': the global index of its first row, and all ranks' count. */
export interface RowSpan {
  readonly offset: number;
  readonly total: number;
}

/** What one training holds from its set-up to its last iteration. */
export interface LgbRun {
  readonly objective: LgbObjectiveImpl;
  /** Outputs per row (trees per iteration). */
  readonly K: number;
  readonly categorical: readonly number[];
  readonly span: RowSpan;
  /** What the engine all-reduces over: feature parallel has every row on every rank (SINGLE). */
  readonly collective: Collective;
  readonly bins: LgbBins;
  readonly efb: EfbLayout | undefined;
  readonly efbRules: EfbSplitRules | undefined;
  readonly ctx: HistContext;
  readonly rowPasses: RowConfig;
  /** The task threads: the caller closes them however training ends. */
  readonly runner: TaskRunner;
  readonly env: GrowEnv;
}

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

/** Sets a training up; on an error after the threads started, joins them before it throws. */
export async function setUpLightgbm(input: LgbTrainInput): Promise<LgbRun> {
  const { train, params: p } = input;
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
  const rowPasses: RowConfig = {
    ...rowArrays(ctx, train.rows, K, p.numLeaves, walkTables),
    objective: objective.pointwise?.objective,
    alpha: p.alpha,
    K,
    labels: train.labels.buffer instanceof SharedArrayBuffer ? train.labels : sharedCopy(train.labels),
    goss: { topRate: p.topRate, otherRate: p.otherRate, seed: p.seed },
  };
  const runner: TaskRunner = lgbRunner(ctx, p.numThreads, { scan, rows: rowPasses });
  try {
    installRows(ctx, rowPasses);
    objective.pointwise?.checkLabels(rowPasses.labels);
    const lgbRules = new LgbSplitRules(p, bins, full.slotOffsets);
    if (ctx.memory) lgbRules.attachWasm(ctx.memory);
    if (scan)
      installScan(ctx, lgbRangeScan(lgbRules), (hist, base, g, h, from, to) =>
        lgbRules.fixHistogram(hist, base, g, h, from, to),
      );
    const efbRules = efb && new EfbSplitRules(lgbRules, efb, full.slotOffsets);
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
      rules: efbRules ?? lgbRules,
      ...(scan ? { scanSlots: full.slotOffsets } : {}),
      // Several data-parallel ranks reduce-scatter histograms by feature block, unless bundled (EFB).
      ...(mode === 'data' && (gang.worldSize === 1 || efb !== undefined || input.histograms === 'all-reduce')
        ? {}
        : { learner: learnerFor(mode, p, bins, full.slotOffsets, lgbRules, gang, train.cols) }),
    };
    return { objective, K, categorical, span, collective, bins, efb, efbRules, ctx, rowPasses, runner, env };
  } catch (error) {
    // The threads are joined however training ends (here: a bad label).
    await runner.close();
    throw error;
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

async function rowSpan(collective: Collective, rows: number): Promise<RowSpan> {
  const all = await collective.allGather(new Uint8Array(Float64Array.of(rows).buffer));
  const counts = all.map((b) => new Float64Array(b.slice().buffer)[0]!);
  const offset = counts.slice(0, collective.rank).reduce((a, b) => a + b, 0);
  return { offset, total: counts.reduce((a, b) => a + b, 0) };
}

/** The bundling of `m`, planned from the rows of every rank (the same plan as one process's). */
async function sharedBundles(
  m: BinMatrix,
  collective: Collective,
  o: EfbOptions,
  span: RowSpan,
): Promise<EfbLayout | undefined> {
  const plan = await planSharedBundles(m, o, collective, span);
  return plan && bundlesFromPlan(m, plan);
}
