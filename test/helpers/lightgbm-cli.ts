/**
 * The real LightGBM 4.6 command-line program for reference values: `$LIGHTGBM_BIN`, else
 * `../shared/tools/lightgbm` beside the repository (see that folder's README). Tests call
 * `needLightgbm(t)` first: it skips with the reason, or fails when DTRAIN_REQUIRE_ALL is set.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { repoRoot } from './paths.js';

export const LIGHTGBM = process.env['LIGHTGBM_BIN'] ?? resolve(repoRoot, '..', 'shared', 'tools', 'lightgbm');

let problem: string | undefined;

/** '' when the program runs, else why not. Cached. */
export function lightgbmProblem(): string {
  if (problem === undefined) {
    try {
      accessSync(LIGHTGBM, constants.X_OK);
      // An unknown task makes it exit 255 after starting; 127 means its libraries are missing.
      const r = spawnSync(LIGHTGBM, ['task=none'], { encoding: 'utf8' });
      problem = r.error ? r.error.message : r.status === 127 ? r.stderr.trim() : '';
    } catch (e) {
      problem = `${LIGHTGBM}: ${(e as Error).message}`;
    }
  }
  return problem;
}

export function needLightgbm(t: TestContext): boolean {
  const why = lightgbmProblem();
  if (why === '') return true;
  if (process.env['DTRAIN_REQUIRE_ALL'])
    throw new Error(`the LightGBM CLI is required (DTRAIN_REQUIRE_ALL is set) but: ${why}`);
  t.skip(`LightGBM CLI not available (${why}); set LIGHTGBM_BIN`);
  return false;
}

/** Runs the CLI in `dir` with `key=value` arguments (one thread); throws with its output on failure. */
export function runLightgbm(dir: string, args: Record<string, string | number | boolean>): void {
  const argv = Object.entries({ num_threads: 1, verbosity: -1, ...args }).map(([k, v]) => `${k}=${v}`);
  const r = spawnSync(LIGHTGBM, argv, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  if (r.status !== 0)
    throw new Error(`lightgbm ${argv.join(' ')} failed (${r.status}):\n${r.stdout}${r.stderr}`);
}

/** Raw scores (rows × outputs) the CLI predicts for the CSV `data` (label first) with `model`. */
export function lightgbmRawScores(dir: string, model: string, data: string): Float64Array {
  runLightgbm(dir, {
    task: 'predict',
    input_model: model,
    data,
    predict_raw_score: true,
    output_result: 'raw.txt',
  });
  const lines = readFileSync(join(dir, 'raw.txt'), 'utf8').trim().split('\n');
  return Float64Array.from(lines.flatMap((l) => l.split('\t').map(Number)));
}
