/**
 * `params:` checked against the framework: XGBoost and LightGBM by their own parameter names (with a
 * did-you-mean), tensorflow and doctor by the small sets dtrain's runtimes understand. GBDT values
 * are checked by the engine's own parsers (parse-xgboost.ts, parse-lightgbm.ts): types, ranges,
 * objectives and metrics, so that `validate` passes exactly what a run accepts.
 */
import { z } from 'zod';
import { checkTensorflowParams } from './check-tensorflow.js';
import { didYouMean } from './params/index.js';
import type { Framework } from './job-spec.js';
import { GBDT_PARAMS, MANAGED_PARAMS, notRead } from './params/index.js';
import { readLgbParams } from './params/index.js';
import { readXgbParams } from './params/index.js';
import type { FoundProblem } from './problems.js';
import { whole } from './schema.js';
import { jobErrorMap, problemsFromIssues } from './zod-problems.js';

const metrics = z.union([z.string(), z.array(z.string())], {
  error: 'must be a metric name or a list of them',
});

/**
 * The tensorflow runtime's parameters (Keras/tfjs names). The names inside optimizer, loss and
 * metrics are checked by check-tensorflow.ts against params-tensorflow.ts.
 */
export const TensorflowParamsSchema = z
  .strictObject({
    optimizer: z.string().min(1),
    learning_rate: z.number().positive(),
    /** The `momentum` optimizer's momentum (default 0.9). */
    momentum: z.number().min(0).max(1),
    loss: z.string().min(1),
    metrics,
    epochs: whole(1),
    batch_size: whole(1),
    /** Fraction of the training rows held out for validation when `data.valid` is not given. */
    validation_split: z.number().min(0).lt(1),
    /** Shuffle the training rows every epoch (default true). */
    shuffle: z.boolean(),
    seed: whole(0),
    max_staleness: whole(0),
    /** Gradients travel as float16 (sync data parallel). */
    fp16_allreduce: z.boolean(),
    backend: z.enum(['auto', 'node-gpu', 'node', 'wasm', 'cpu']),
  })
  .partial();

/** What `dtrain doctor` measures: collective sizes in bytes and repetitions of each. */
export const DoctorParamsSchema = z
  .strictObject({
    sizes: z.array(whole(1)).min(1),
    iterations: whole(1),
  })
  .partial();

/** Problems in `params` for `framework` (the value is known to be a mapping). */
export function checkParams(framework: Framework, params: Readonly<Record<string, unknown>>): FoundProblem[] {
  if (framework === 'tensorflow' || framework === 'doctor') {
    const schema = framework === 'tensorflow' ? TensorflowParamsSchema : DoctorParamsSchema;
    const result = schema.safeParse(params, { error: jobErrorMap });
    const names = framework === 'tensorflow' ? checkTensorflowParams(params) : [];
    if (result.success) return names;
    const issues = problemsFromIssues(result.error.issues, schema, {
      prefix: ['params'],
      unknown: `unknown ${framework} parameter`,
    });
    return [...issues, ...names];
  }
  const { names, numeric } = GBDT_PARAMS[framework];
  const known = new Set(names);
  const managed = MANAGED_PARAMS[framework];
  const flagged = new Set<string>();
  const byName = Object.entries(params).flatMap(([name, value]): FoundProblem[] => {
    const path = ['params', name];
    const why = managed[name];
    let problem: FoundProblem | undefined;
    if (why !== undefined) problem = { path, message: why, at: 'key', got: null };
    else if (!known.has(name)) {
      const guess = didYouMean(name, names);
      const hint = guess === undefined ? '' : `; did you mean \`${guess}\`?`;
      problem = { path, message: `unknown ${framework} parameter${hint}`, at: 'key', got: null };
    } else if (notRead(framework, name, READ[framework]) !== undefined) {
      problem = { path, message: notRead(framework, name, READ[framework])!, at: 'key', got: null };
    } else if (numeric.has(name) && !isNumeric(value)) problem = { path, message: 'must be a number' };
    if (problem === undefined) return [];
    flagged.add(name);
    return [problem];
  });
  // The values: the engine's own parser, so validate refuses exactly what a run would.
  const read = framework === 'xgboost' ? readXgbParams(params) : readLgbParams(params);
  const byValue = read.problems
    .filter((p) => !flagged.has(p.name))
    .map(
      (p): FoundProblem => ({
        path: p.index === undefined ? ['params', p.name] : ['params', p.name, p.index],
        message: p.message,
        ...(p.showsValue === true ? { got: null } : {}),
      }),
    );
  return [...byName, ...byValue];
}

/** The names a parser looks at: every alias it tries, recorded on an empty params object. */
function namesRead(read: (params: Readonly<Record<string, unknown>>) => unknown): ReadonlySet<string> {
  const seen = new Set<string>();
  read(
    new Proxy(
      {},
      {
        get: (_target, key) => {
          if (typeof key === 'string') seen.add(key);
          return undefined;
        },
      },
    ),
  );
  return seen;
}

const READ = { xgboost: namesRead(readXgbParams), lightgbm: namesRead(readLgbParams) };

// LightGBM's CLI takes numbers as strings too ("0.1"); the parsers accept what Number() reads.
const isNumeric = (v: unknown): boolean =>
  typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));
