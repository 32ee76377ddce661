/**
 * XGBoost's training parameters: its names, aliases and 1.7 defaults, parsed once into a readonly
 * spec. Unknown keys are ignored here (configs/ checks spelling); bad values of known keys throw one
 * DtrainError (E_PARAM) listing every problem.
 */
import { availableParallelism } from 'node:os';
import { DtrainError } from '../../configs/errors.js';
import type { ObjectiveName } from './types.js';

export type GrowPolicy = 'depthwise' | 'lossguide';

/** The parsed parameters the engine reads. */
export interface XgbParams {
  readonly eta: number;
  readonly gamma: number;
  readonly maxDepth: number;
  readonly minChildWeight: number;
  readonly maxDeltaStep: number;
  readonly subsample: number;
  readonly colsampleBytree: number;
  readonly colsampleBylevel: number;
  readonly colsampleBynode: number;
  readonly lambda: number;
  readonly alpha: number;
  readonly growPolicy: GrowPolicy;
  readonly maxLeaves: number;
  readonly maxBin: number;
  readonly numBoostRound: number;
  readonly objective: ObjectiveName;
  readonly numClass: number;
  readonly baseScore: number;
  /** Empty: the objective's default metric. */
  readonly evalMetric: readonly string[];
  readonly earlyStoppingRounds: number | undefined;
  readonly seed: number;
  readonly nthread: number;
  readonly scalePosWeight: number;
}

const OBJECTIVES: readonly ObjectiveName[] = [
  'reg:squarederror',
  'reg:logistic',
  'binary:logistic',
  'multi:softprob',
  'multi:softmax',
  'count:poisson',
];

type Check = 'any' | 'pos' | 'nonneg' | 'unit' | 'unitOpen' | 'int0' | 'int1' | 'int2';

const CHECKS: Record<Check, [(v: number) => boolean, string]> = {
  any: [(v) => Number.isFinite(v), 'must be a finite number'],
  pos: [(v) => Number.isFinite(v) && v > 0, 'must be > 0'],
  nonneg: [(v) => Number.isFinite(v) && v >= 0, 'must be >= 0'],
  unit: [(v) => Number.isFinite(v) && v > 0 && v <= 1, 'must be in (0, 1]'],
  unitOpen: [(v) => Number.isFinite(v) && v > 0 && v < 1, 'must be in (0, 1)'],
  int0: [(v) => Number.isInteger(v) && v >= 0, 'must be an integer >= 0'],
  int1: [(v) => Number.isInteger(v) && v >= 1, 'must be an integer >= 1'],
  int2: [(v) => Number.isInteger(v) && v >= 2, 'must be an integer >= 2'],
};

/** Parses XGBoost-style params (numbers may be given as strings, as in YAML or the CLI). */
export function parseXgbParams(params: Record<string, unknown>): XgbParams {
  const problems: string[] = [];
  const num = (names: readonly string[], def: number, check: Check): number => {
    const name = names.find((n) => params[n] !== undefined);
    if (name === undefined) return def;
    const raw = params[name];
    const v = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    const [ok, what] = CHECKS[check];
    if (typeof v !== 'number' || !ok(v)) {
      problems.push(`params.${name}: ${what}, got ${JSON.stringify(raw)}`);
      return def;
    }
    return v;
  };
  const str = <T extends string>(name: string, def: T, allowed: readonly T[]): T => {
    const raw = params[name];
    if (raw === undefined) return def;
    if (typeof raw !== 'string' || !allowed.includes(raw as T)) {
      problems.push(`params.${name}: must be one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
      return def;
    }
    return raw as T;
  };

  const objective = str('objective', 'reg:squarederror', OBJECTIVES);
  const numClass = num(['num_class'], 0, 'int0');
  const multi = objective.startsWith('multi:');
  if (multi && numClass < 2) problems.push(`params.num_class: ${objective} needs num_class >= 2`);
  const growPolicy = str<GrowPolicy>('grow_policy', 'depthwise', ['depthwise', 'lossguide']);
  const maxDepth = num(['max_depth'], 6, 'int0');
  if (maxDepth === 0 && growPolicy === 'depthwise') {
    problems.push('params.max_depth: 0 (unlimited) needs grow_policy lossguide');
  }
  const baseScore = num(['base_score'], 0.5, 'any');
  if (
    (objective === 'binary:logistic' || objective === 'reg:logistic') &&
    !(baseScore > 0 && baseScore < 1)
  ) {
    problems.push(`params.base_score: must be in (0, 1) for ${objective}, got ${baseScore}`);
  }
  if (objective === 'count:poisson' && !(baseScore > 0)) {
    problems.push(`params.base_score: must be > 0 for count:poisson, got ${baseScore}`);
  }

  const metricRaw = params['eval_metric'];
  let evalMetric: string[] = [];
  if (typeof metricRaw === 'string') evalMetric = [metricRaw];
  else if (Array.isArray(metricRaw) && metricRaw.every((m) => typeof m === 'string')) evalMetric = metricRaw;
  else if (metricRaw !== undefined) {
    problems.push(`params.eval_metric: must be a metric name or a list of names`);
  }
  const esr = params['early_stopping_rounds'];
  const earlyStoppingRounds =
    esr === undefined || esr === null ? undefined : num(['early_stopping_rounds'], 0, 'int1');

  const parsed: XgbParams = {
    eta: num(['eta', 'learning_rate'], 0.3, 'nonneg'),
    gamma: num(['gamma', 'min_split_loss'], 0, 'nonneg'),
    maxDepth,
    minChildWeight: num(['min_child_weight'], 1, 'nonneg'),
    maxDeltaStep: num(['max_delta_step'], 0, 'nonneg'),
    subsample: num(['subsample'], 1, 'unit'),
    colsampleBytree: num(['colsample_bytree'], 1, 'unit'),
    colsampleBylevel: num(['colsample_bylevel'], 1, 'unit'),
    colsampleBynode: num(['colsample_bynode'], 1, 'unit'),
    lambda: num(['lambda', 'reg_lambda'], 1, 'nonneg'),
    alpha: num(['alpha', 'reg_alpha'], 0, 'nonneg'),
    growPolicy,
    maxLeaves: num(['max_leaves'], 0, 'int0'),
    maxBin: num(['max_bin'], 256, 'int2'),
    numBoostRound: num(['num_boost_round', 'n_estimators'], 10, 'int0'),
    objective,
    numClass: multi ? numClass : 0,
    baseScore,
    evalMetric,
    earlyStoppingRounds,
    seed: num(['seed', 'random_state'], 0, 'int0'),
    nthread: num(['nthread', 'n_jobs'], availableParallelism(), 'int1'),
    scalePosWeight: num(['scale_pos_weight'], 1, 'pos'),
  };
  if (parsed.maxBin > 65535) problems.push(`params.max_bin: must be <= 65535, got ${parsed.maxBin}`);
  if (problems.length > 0) {
    throw new DtrainError('E_PARAM', problems[0]!, {
      category: 'config',
      ...(problems.length > 1 ? { detail: problems.slice(1).join('\n') } : {}),
    });
  }
  return parsed;
}

/** The params as strings, for the model's attributes. */
export function paramsAsStrings(p: XgbParams): Record<string, string> {
  return {
    eta: String(p.eta),
    gamma: String(p.gamma),
    max_depth: String(p.maxDepth),
    min_child_weight: String(p.minChildWeight),
    max_delta_step: String(p.maxDeltaStep),
    subsample: String(p.subsample),
    colsample_bytree: String(p.colsampleBytree),
    colsample_bylevel: String(p.colsampleBylevel),
    colsample_bynode: String(p.colsampleBynode),
    lambda: String(p.lambda),
    alpha: String(p.alpha),
    grow_policy: p.growPolicy,
    max_leaves: String(p.maxLeaves),
    max_bin: String(p.maxBin),
    objective: p.objective,
    num_class: String(p.numClass),
    base_score: String(p.baseScore),
    seed: String(p.seed),
    scale_pos_weight: String(p.scalePosWeight),
    ...(p.evalMetric.length > 0 ? { eval_metric: p.evalMetric.join(',') } : {}),
  };
}
