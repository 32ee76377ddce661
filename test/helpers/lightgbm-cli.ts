/**
 * The real LightGBM 4.6 command-line program (shared/tools/lightgbm beside the project root, or
 * $LIGHTGBM_BIN): tests train with it and score models with it, to check our LightGBM flavour and
 * model text against LightGBM itself. Files go through a directory the caller owns.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { repoRoot } from './paths.js';
import { cannotRun } from './skip.js';

/** The binary tests run: $LIGHTGBM_BIN, else ../shared/tools/lightgbm from the project root. */
export const LIGHTGBM_BIN = process.env['LIGHTGBM_BIN'] ?? resolve(repoRoot, '../shared/tools/lightgbm');

let problem: string | undefined;

/** '' when the binary runs, else why not. Cached. */
export function lightgbmProblem(): string {
  if (problem === undefined) {
    try {
      accessSync(LIGHTGBM_BIN, constants.X_OK);
      problem = '';
    } catch (error) {
      problem = (error as Error).message;
    }
  }
  return problem;
}

/**
 * True when the LightGBM CLI is usable. Otherwise skips the test (returns false), or, when
 * DTRAIN_REQUIRE_ALL is set, fails it with the reason.
 */
export function needLightgbm(t: TestContext): boolean {
  const p = lightgbmProblem();
  return (
    p === '' ||
    cannotRun(t, `the LightGBM CLI is missing: ${p} (set LIGHTGBM_BIN; see shared/tools/README.md)`)
  );
}

/** Runs the CLI with `key=value` arguments in `dir` (one thread, quiet). Throws with its output on failure. */
export function runLightgbm(dir: string, args: Readonly<Record<string, string | number | boolean>>): void {
  const argv = Object.entries({ verbose: -1, num_threads: 1, ...args }).map(([k, v]) => `${k}=${v}`);
  const r = spawnSync(LIGHTGBM_BIN, argv, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  if (r.status !== 0)
    throw new Error(`lightgbm ${argv.join(' ')} failed (${r.status}):\n${r.stdout}${r.stderr}`);
}

/** Trains with the CLI on `data` (label in column 0, no header) and returns the model text. */
export function lightgbmTrain(
  dir: string,
  data: string,
  params: Readonly<Record<string, string | number>>,
): string {
  runLightgbm(dir, { task: 'train', data, header: 'false', output_model: 'lightgbm-model.txt', ...params });
  return readFileSync(join(dir, 'lightgbm-model.txt'), 'utf8');
}

/** LightGBM's predictions (one per row, or one line of values per row) for `data` (label in column 0). */
export function lightgbmPredict(
  dir: string,
  model: string,
  data: string,
  extra: Record<string, string> = {},
): number[][] {
  runLightgbm(dir, {
    task: 'predict',
    input_model: model,
    data,
    header: 'false',
    output_result: 'lightgbm-out.txt',
    ...extra,
  });
  return readFileSync(join(dir, 'lightgbm-out.txt'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split('\t').map(Number));
}

/** Raw scores (rows × outputs, row-major) the CLI predicts for the CSV `data` (label first) with `model`. */
export function lightgbmRawScores(dir: string, model: string, data: string): Float64Array {
  const rows = lightgbmPredict(dir, model, data, { predict_raw_score: 'true' });
  return Float64Array.from(rows.flat());
}
