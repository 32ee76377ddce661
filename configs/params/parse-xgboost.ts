/**
 * XGBoost's training parameters: its names, aliases and 1.7 defaults, parsed once into a readonly
 * spec. The one parser: `dtrain validate` reports its problems with positions (check-params.ts) and
 * the engine calls `parseXgbParams`, which throws them as one DtrainError E_PARAM. Unknown keys are
 * ignored here (check-params.ts checks spelling).
 */
import { availableParallelism } from 'node:os';
import { didYouMean } from './did-you-mean.js';
import { type ParamProblem, throwParamProblems, unknownValue } from './param-problems.js';
import { XGBOOST_METRICS, XGBOOST_OBJECTIVES, type XgbObjective } from './gbdt.js';

type Params = Readonly<Record<string, unknown>>;

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
  readonly objective: XgbObjective;
  readonly numClass: number;
  readonly baseScore: number;
  /** Empty: the objective's default metric. */
  readonly evalMetric: readonly string[];
  readonly earlyStoppingRounds: number | undefined;
  readonly seed: number;
  readonly nthread: number;
  readonly scalePosWeight: number;
}

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

/** Parses XGBoost-style params for the engine; throws one E_PARAM error listing every problem. */
export function parseXgbParams(params: Params): XgbParams {
  const { parsed, problems } = readXgbParams(params);
  throwParamProblems(problems, params);
  return parsed;
}

/** Parses XGBoost-style params (numbers may be given as strings): the spec and every problem. */
export function readXgbParams(params: Params): { parsed: XgbParams; problems: ParamProblem[] } {
  const problems: ParamProblem[] = [];
  const num = (names: readonly string[], def: number, check: Check): number => {
    const name = names.find((n) => params[n] !== undefined);
    if (name === undefined) return def;
    const raw = params[name];
    const v = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    const [ok, what] = CHECKS[check];
    if (typeof v !== 'number' || !ok(v)) {
      problems.push({ name, message: what });
      return def;
    }
    return v;
  };
  const str = <T extends string>(name: string, def: T, allowed: readonly T[]): T => {
    const raw = params[name];
    if (raw === undefined) return def;
    if (typeof raw !== 'string' || !allowed.includes(raw as T)) {
      const guess = typeof raw === 'string' ? didYouMean(raw, allowed) : undefined;
      const message =
        name === 'objective'
          ? unknownValue('objective', guess, allowed)
          : `must be one of ${allowed.join(', ')}`;
      problems.push({ name, message });
      return def;
    }
    return raw as T;
  };

  const objective = str<XgbObjective>('objective', 'reg:squarederror', XGBOOST_OBJECTIVES);
  const numClass = num(['num_class'], 0, 'int0');
  const multi = objective.startsWith('multi:');
  if (multi && numClass < 2)
    problems.push({
      name: 'num_class',
      message: `must be >= 2 for ${objective}`,
      showsValue: params['num_class'] === undefined,
    });
  const growPolicy = str<GrowPolicy>('grow_policy', 'depthwise', ['depthwise', 'lossguide']);
  // Trees are all this engine grows: `booster: gbtree` is fine to write, gblinear and dart are not.
  str('booster', 'gbtree', ['gbtree']);
  const maxDepth = num(['max_depth'], 6, 'int0');
  if (maxDepth === 0 && growPolicy === 'depthwise') {
    problems.push({ name: 'max_depth', message: '0 (unlimited) needs grow_policy lossguide' });
  }
  const baseScore = num(['base_score'], 0.5, 'any');
  if (
    (objective === 'binary:logistic' || objective === 'reg:logistic') &&
    !(baseScore > 0 && baseScore < 1)
  ) {
    problems.push({ name: 'base_score', message: `must be in (0, 1) for ${objective}` });
  }
  if (objective === 'count:poisson' && !(baseScore > 0)) {
    problems.push({ name: 'base_score', message: 'must be > 0 for count:poisson' });
  }

  const metricRaw = params['eval_metric'];
  let evalMetric: string[] = [];
  if (typeof metricRaw === 'string') evalMetric = [metricRaw];
  else if (Array.isArray(metricRaw) && metricRaw.every((m) => typeof m === 'string')) evalMetric = metricRaw;
  else if (metricRaw !== undefined) {
    problems.push({ name: 'eval_metric', message: 'must be a metric name or a list of names' });
  }
  evalMetric.forEach((m, i) => {
    const at = /^error@(.*)$/.exec(m);
    if (
      at === null
        ? m !== 'error@t' && XGBOOST_METRICS.includes(m)
        : Number.isFinite(Number(at[1])) && at[1] !== ''
    )
      return;
    const message =
      at === null
        ? unknownValue('metric', didYouMean(m, XGBOOST_METRICS), XGBOOST_METRICS)
        : 'error@t needs a number t, e.g. error@0.7';
    problems.push({ name: 'eval_metric', ...(Array.isArray(metricRaw) ? { index: i } : {}), message });
  });
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
  if (parsed.maxBin > 65535) problems.push({ name: 'max_bin', message: 'must be <= 65535' });
  return { parsed, problems };
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
