/**
 * The real LightGBM 4.6 command-line program for reference models: `../shared/tools/lightgbm` from
 * the repository root, or $LIGHTGBM_BIN. Tests train with it on the same CSV files as dtrain and
 * score dtrain's exported models with it (`task=predict`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { repoRoot } from './paths.js';

export const LIGHTGBM_BIN =
  process.env['LIGHTGBM_BIN'] ?? resolve(repoRoot, '..', 'shared', 'tools', 'lightgbm');

/** True when the binary is there; otherwise skips the test or, under DTRAIN_REQUIRE_ALL, fails it. */
export function needLightgbm(t: TestContext): boolean {
  if (existsSync(LIGHTGBM_BIN)) return true;
  if (process.env['DTRAIN_REQUIRE_ALL'])
    throw new Error(
      `the LightGBM CLI is required (DTRAIN_REQUIRE_ALL is set) but ${LIGHTGBM_BIN} is missing`,
    );
  t.skip(`LightGBM CLI not found at ${LIGHTGBM_BIN} (set LIGHTGBM_BIN)`);
  return false;
}

/** Runs the CLI with `params` as its config file in `dir`; throws with its output when it fails. */
export function runLightgbmCli(dir: string, name: string, params: Record<string, string | number>): void {
  const conf = join(dir, `${name}.conf`);
  writeFileSync(
    conf,
    Object.entries(params)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
  // One thread: LightGBM's OpenMP barriers slow down 4-100x on a shared 2-core machine (notes/gbdt.md).
  const r = spawnSync(LIGHTGBM_BIN, [`config=${conf}`], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`lightgbm ${name} failed (${r.status}): ${r.stdout}${r.stderr}`);
}

/** Trains with the CLI on `train` (a CSV with a `label` column); returns the model text. */
export function lightgbmTrain(
  dir: string,
  name: string,
  train: string,
  params: Record<string, string | number>,
): string {
  const model = join(dir, `${name}.model.txt`);
  runLightgbmCli(dir, `${name}-train`, {
    task: 'train',
    data: train,
    header: 'true',
    label_column: 'name:label',
    output_model: model,
    num_threads: 1,
    deterministic: 'true',
    verbosity: -1,
    ...params,
  });
  return readFileSync(model, 'utf8');
}

/** Scores `data` (a CSV with a `label` column) with the model file; one row of outputs per line. */
export function lightgbmPredict(
  dir: string,
  name: string,
  model: string,
  data: string,
  raw = false,
): number[][] {
  const out = join(dir, `${name}.pred.txt`);
  runLightgbmCli(dir, `${name}-predict`, {
    task: 'predict',
    data,
    header: 'true',
    label_column: 'name:label',
    input_model: model,
    output_result: out,
    predict_raw_score: raw ? 'true' : 'false',
    num_threads: 1,
    verbosity: -1,
  });
  return readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split('\t').map(Number));
}
