/**
 * One GBDT train-and-score job, run the same way on both sides: ours in a child node process
 * (gbdt-child.ts) and XGBoost 1.7 in a python subprocess (xgboost-ref.py). Each child loads the train
 * CSV, trains, reads its own peak RSS (load + train only), then loads the test CSV, predicts it
 * `predictReps` times and writes its predictions (float32, rows × outputs) for the parent to score,
 * so both sides are scored by the same metric code.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What a child is asked to do; the same JSON goes to both sides. */
export interface GbdtJob {
  readonly train: string;
  readonly test: string;
  /**
   * XGBoost-spelled params (objective, eta, max_depth, max_bin, nthread, eval_metric, num_class); with
   * flavour `lightgbm`, LightGBM-spelled ones (ours only).
   */
  readonly params: Readonly<Record<string, string | number>>;
  /** Which of our flavours trains (default `xgboost`); the XGBoost side ignores it. */
  readonly flavour?: 'xgboost' | 'lightgbm';
  readonly rounds: number;
  /** Predictions of the test set are timed this many times; the fastest counts. */
  readonly predictReps: number;
  /** Where the child writes its test predictions (float32, rows × outputs, row-major). */
  readonly predictionsOut: string;
}

/** What a child reports (the last line of its stdout, as JSON). */
export interface GbdtRun {
  readonly loadSeconds: number;
  readonly trainSeconds: number;
  /** Peak resident set after loading the train set and training, KiB (before the test set is read). */
  readonly maxRssKiB: number;
  /** Peak resident set right after startup and imports, before any data, KiB. */
  readonly startRssKiB: number;
  readonly testRows: number;
  readonly predictSeconds: number;
  /** XGBoost only: sklearn's value of the job's metric on its own predictions (cross-checks ours). */
  readonly sklearnMetric?: number;
}

export type Side = 'ours' | 'xgboost';

export const PYTHON = '/usr/bin/python3';

/**
 * Runs `job` on one side in a fresh process (`env` added to its environment); rejects with the
 * child's stderr when it fails.
 */
export function runSide(
  side: Side,
  job: GbdtJob,
  env: Readonly<Record<string, string>> = {},
): Promise<GbdtRun> {
  const script =
    side === 'ours'
      ? fileURLToPath(new URL('./gbdt-child.js', import.meta.url))
      : fileURLToPath(new URL('../../bench/xgboost-ref.py', import.meta.url));
  const [cmd, args] =
    side === 'ours'
      ? [process.execPath, [script, JSON.stringify(job)]]
      : [PYTHON, [script, JSON.stringify(job)]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as GbdtRun);
      else
        reject(
          new Error(
            `${side} on ${job.train} exited with ${signal ?? `code ${code}`}: ${err.trim().split('\n').slice(-5).join(' | ')}`,
          ),
        );
    });
  });
}
