/**
 * The programs bench:side (side.ts) compares, each as its user runs it: a training process that
 * reads the train CSV and writes a model, then a scoring process that reads the model and the test CSV
 * and writes one prediction per row. Three variants, each ours against the real library:
 *
 * - `xgb`: `dtrain run job.yaml --local` (framework xgboost, binary:logistic, tree_method hist,
 *   max_depth 8) against XGBoost 1.7's `xgboost.train` with the same params (xgboost-side.py);
 * - `lgb`: `dtrain run` (framework lightgbm, binary, num_leaves 255) against the LightGBM 4.6 CLI;
 * - `goss`: both with `data_sample_strategy: goss`.
 *
 * Every other setting is each program's default (learning rate 0.3 for XGBoost and 0.1 for LightGBM,
 * max_bin 256 / 255, …); the thread count is set explicitly on every side (dtrain's `nthread` /
 * `num_threads`, as a user would write it in the job file). Scoring: `dtrain predict`, XGBoost's
 * `Booster.predict`, LightGBM's `task=predict`.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PYTHON } from './gbdt-job.js';
import type { ProcessRun } from './side-process.js';

export const VARIANTS = ['xgb', 'lgb', 'goss'] as const;
export type Variant = (typeof VARIANTS)[number];

/** The repository root (this file runs as dist/bench/side-variants.js). */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DTRAIN = join(ROOT, 'bin', 'dtrain.js');
const XGB_SCRIPT = join(ROOT, 'bench', 'xgboost-side.py');

/** The LightGBM CLI: $LIGHTGBM_BIN, else ../shared/tools/lightgbm from the repository root. */
export function lightgbmBin(env: NodeJS.ProcessEnv = process.env): string {
  const bin = env['LIGHTGBM_BIN'] ?? join(ROOT, '..', 'shared', 'tools', 'lightgbm');
  if (!existsSync(bin))
    throw new Error(`no LightGBM CLI at ${bin} (set LIGHTGBM_BIN, or run --variants xgb)`);
  return bin;
}

/** One program to run: command, arguments, extra environment. */
export interface Step {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/** A side of a variant: how it trains, where its model lands, how it scores a file. */
export interface SidePlan {
  /** Shown in the table: `dtrain` or the library's name. */
  readonly name: string;
  readonly train: Step;
  /** The model file the train step wrote (found in its output where it is not fixed). */
  modelOf(run: ProcessRun): string;
  /** Scores `test` with `model` into `out` (text, the prediction last on each line). */
  predict(model: string, out: string): Step;
}

/** What every plan needs: the data, the rounds, the threads, and a scratch folder of its own. */
export interface SideSetup {
  readonly train: string;
  readonly test: string;
  readonly rounds: number;
  readonly threads: number;
  /** Created if missing; the plan writes its job/config, model and predictions here. */
  readonly dir: string;
}

const GOSS = { data_sample_strategy: 'goss' };

/** dtrain's side: a job file in `dir`, run locally with its own job store. */
export function oursPlan(v: Variant, s: SideSetup): SidePlan {
  mkdirSync(s.dir, { recursive: true });
  const params: Record<string, string | number> =
    v === 'xgb'
      ? {
          objective: 'binary:logistic',
          tree_method: 'hist',
          max_depth: 8,
          num_boost_round: s.rounds,
          nthread: s.threads,
        }
      : {
          objective: 'binary',
          num_leaves: 255,
          num_iterations: s.rounds,
          num_threads: s.threads,
          ...(v === 'goss' ? GOSS : {}),
        };
  const job = join(s.dir, 'job.yaml');
  writeFileSync(
    job,
    [
      `name: bench-side-${v}`,
      `framework: ${v === 'xgb' ? 'xgboost' : 'lightgbm'}`,
      'parallelism: data',
      'data:',
      `  train: ${s.train}`,
      '  label: label',
      'params:',
      ...Object.entries(params).map(([k, x]) => `  ${k}: ${x}`),
      `output: ${join(s.dir, 'runs')}`,
      '',
    ].join('\n'),
  );
  const env = { DTRAIN_HOME: join(s.dir, 'home') };
  return {
    name: 'dtrain',
    train: { cmd: process.execPath, args: [DTRAIN, 'run', job, '--local'], env },
    modelOf(run) {
      const m = /^model written to (.+?) \(/m.exec(run.stdout);
      if (!m) throw new Error(`dtrain run printed no model path: ${run.stdout.slice(-500)}`);
      return m[1]!;
    },
    predict: (model, out) => ({
      cmd: process.execPath,
      args: [DTRAIN, 'predict', model, s.test, '--out', out],
      env,
    }),
  };
}

/** The real library's side: XGBoost 1.7 through xgboost-side.py, or the LightGBM CLI with a config file. */
export function theirsPlan(v: Variant, s: SideSetup): SidePlan {
  mkdirSync(s.dir, { recursive: true });
  const threads = String(s.threads);
  if (v === 'xgb') {
    const model = join(s.dir, 'model.json');
    return {
      name: 'XGBoost 1.7',
      train: { cmd: PYTHON, args: [XGB_SCRIPT, 'train', s.train, model, String(s.rounds), threads] },
      modelOf: () => model,
      predict: (m, out) => ({ cmd: PYTHON, args: [XGB_SCRIPT, 'predict', m, s.test, out, threads] }),
    };
  }
  const bin = lightgbmBin();
  const model = join(s.dir, 'model.txt');
  const conf = join(s.dir, 'train.conf');
  const params: Record<string, string | number> = {
    task: 'train',
    objective: 'binary',
    data: s.train,
    header: 'true',
    num_leaves: 255,
    num_iterations: s.rounds,
    num_threads: s.threads,
    ...(v === 'goss' ? GOSS : {}),
    output_model: model,
  };
  writeFileSync(
    conf,
    `${Object.entries(params)
      .map(([k, x]) => `${k} = ${x}`)
      .join('\n')}\n`,
  );
  return {
    name: 'LightGBM 4.6',
    train: { cmd: bin, args: [`config=${conf}`] },
    modelOf: () => model,
    predict: (m, out) => ({
      cmd: bin,
      args: [
        'task=predict',
        `data=${s.test}`,
        'header=true',
        `input_model=${m}`,
        `output_result=${out}`,
        `num_threads=${threads}`,
      ],
    }),
  };
}
