/**
 * bench:gbdt — our GBDT engine against XGBoost 1.7 `hist` on the synthetic 1M × 28 binary set:
 * 100 rounds, eta 0.1, max_depth 8, max_bin 256, binary:logistic, 2 threads, train logloss evaluated
 * every round on both sides. Each side runs in its own process (gbdt-job.ts), alternating ours,
 * xgboost, ours, xgboost, … so drift on a shared machine hits both. Measures training seconds, peak
 * RSS (load + train), prediction throughput on the test set and test AUC (both scored by our
 * binaryAuc). Prints a table and one summary line.
 *
 *   npm run bench:gbdt -- [--rows 1000000] [--test-rows N] [--rounds 100] [--reps 2] [--threads 2]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readDataset } from '../runtimes/data/index.js';
import { binaryAuc } from '../runtimes/gbdt/metrics.js';
import { defaultCacheDir } from './datasets.js';
import { ensureSyntheticPair } from './gbdt-data.js';
import { type GbdtJob, type GbdtRun, runSide, type Side } from './gbdt-job.js';

const SIDES: readonly Side[] = ['ours', 'xgboost'];

function intOption(name: string, raw: string): number {
  const v = Number(raw);
  if (!(Number.isInteger(v) && v >= 1)) throw new Error(`--${name} must be an integer >= 1, got ${raw}`);
  return v;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function readFloat32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

function row(what: string, ours: number, xgb: number, digits: number, ratioDigits = 2): string {
  const ratio = (ours / xgb).toFixed(ratioDigits);
  return `${what.padEnd(26)}${ours.toFixed(digits).padStart(12)}${xgb.toFixed(digits).padStart(12)}${ratio.padStart(9)}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      'test-rows': { type: 'string' },
      rounds: { type: 'string', default: '100' },
      reps: { type: 'string', default: '2' },
      threads: { type: 'string', default: '2' },
    },
  });
  const rows = intOption('rows', values.rows);
  const testRows = intOption('test-rows', values['test-rows'] ?? String(Math.max(1, Math.round(rows / 5))));
  const rounds = intOption('rounds', values.rounds);
  const reps = intOption('reps', values.reps);
  const threads = intOption('threads', values.threads);

  const dir = defaultCacheDir();
  let t = performance.now();
  const files = ensureSyntheticPair(dir, 'binary', rows, testRows);
  console.log(
    `data: ${files.train} / ${files.test} (ready in ${((performance.now() - t) / 1000).toFixed(1)} s)`,
  );
  const labels = (await readDataset(files.test)).labels;
  const scratch = mkdtempSync(join(tmpdir(), 'bench-gbdt-'));
  const runs: Record<Side, GbdtRun[]> = { ours: [], xgboost: [] };
  const auc: Record<Side, number[]> = { ours: [], xgboost: [] };
  try {
    for (let rep = 1; rep <= reps; rep++) {
      for (const side of SIDES) {
        const job: GbdtJob = {
          train: files.train,
          test: files.test,
          params: {
            objective: 'binary:logistic',
            eta: 0.1,
            max_depth: 8,
            max_bin: 256,
            nthread: threads,
            eval_metric: 'logloss',
          },
          rounds,
          predictReps: 3,
          predictionsOut: join(scratch, `${side}.f32`),
        };
        t = performance.now();
        const run = await runSide(side, job);
        runs[side].push(run);
        auc[side].push(binaryAuc(readFloat32(job.predictionsOut), labels));
        console.log(
          `rep ${rep} ${side.padEnd(7)}: train ${run.trainSeconds.toFixed(2)} s, load ${run.loadSeconds.toFixed(2)} s, ` +
            `peak ${(run.maxRssKiB / 1024).toFixed(0)} MiB, predict ${(run.predictSeconds * 1000).toFixed(0)} ms ` +
            `(process ${((performance.now() - t) / 1000).toFixed(1)} s)`,
        );
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const pick = (side: Side, f: (r: GbdtRun) => number) => runs[side].map(f);
  const train = (s: Side) => median(pick(s, (r) => r.trainSeconds));
  const load = (s: Side) => median(pick(s, (r) => r.loadSeconds));
  const rss = (s: Side) => median(pick(s, (r) => r.maxRssKiB / 1024));
  const startRss = (s: Side) => median(pick(s, (r) => r.startRssKiB / 1024));
  const predictRate = (s: Side) => Math.max(...pick(s, (r) => r.testRows / r.predictSeconds));
  const aucOf = (s: Side) => auc[s][auc[s].length - 1]!;

  console.log(
    `\nsynthetic binary ${rows} × 28 train, ${testRows} test; ${rounds} rounds, eta 0.1, depth 8, ` +
      `max_bin 256, ${threads} threads; median of ${reps} alternating runs; ratio = ours / xgboost`,
  );
  console.log(`${'what'.padEnd(26)}${'ours'.padStart(12)}${'xgboost'.padStart(12)}${'ratio'.padStart(9)}`);
  for (let i = 0; i < reps; i++) {
    console.log(row(`train s (rep ${i + 1})`, runs.ours[i]!.trainSeconds, runs.xgboost[i]!.trainSeconds, 2));
  }
  console.log(row('train s (median)', train('ours'), train('xgboost'), 2));
  console.log(row('load train CSV s (median)', load('ours'), load('xgboost'), 2));
  console.log(row('peak RSS MiB (load+train)', rss('ours'), rss('xgboost'), 0));
  console.log(row('  of it at startup MiB', startRss('ours'), startRss('xgboost'), 0));
  console.log(row('predict rows/s (best)', predictRate('ours'), predictRate('xgboost'), 0));
  console.log(row('test AUC', aucOf('ours'), aucOf('xgboost'), 5, 4));
  for (const side of SIDES) {
    if (new Set(auc[side]).size > 1)
      console.log(`note: ${side} test AUC differs between reps: ${auc[side].join(', ')}`);
  }
  const x = runs.xgboost[runs.xgboost.length - 1]!;
  if (x.sklearnMetric !== undefined && Math.abs(x.sklearnMetric - aucOf('xgboost')) > 1e-6)
    console.log(`note: binaryAuc ${aucOf('xgboost')} vs sklearn ${x.sklearnMetric} on xgboost's predictions`);

  console.log(
    `\nbench gbdt: rows=${rows} rounds=${rounds} threads=${threads} reps=${reps} ` +
      `train_ratio=${(train('ours') / train('xgboost')).toFixed(2)} ` +
      `mem_ratio=${(rss('ours') / rss('xgboost')).toFixed(2)} ` +
      `predict_ratio=${(predictRate('ours') / predictRate('xgboost')).toFixed(2)} ` +
      `auc_ours=${aucOf('ours').toFixed(5)} auc_xgb=${aucOf('xgboost').toFixed(5)}`,
  );
}

main().catch((e: unknown) => {
  console.error(`bench gbdt: ${(e as Error).message}`);
  process.exit(1);
});
