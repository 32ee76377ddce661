/**
 * Our side of a GbdtJob (see gbdt-job.ts), in its own process so its peak RSS is its own:
 *
 *   node dist/bench/gbdt-child.js '<GbdtJob as JSON>'
 *
 * Reads the train CSV with runtimes/data, trains with trainGbdt (train logloss/metric evaluated every
 * round, as the engine always does) or, for flavour `lightgbm`, trainLightgbm (no training metric,
 * LightGBM's default), takes maxRSS, then reads the test CSV and times `predictParallel`
 * (the same thread count as XGBoost's predict).
 * Prints one JSON line (GbdtRun).
 */
import { writeFileSync } from 'node:fs';
import type { Dataset } from '../runtimes/data/dataset.js';
import { readDataset } from '../runtimes/data/index.js';
import { type GbdtModel, parseXgbParams, trainGbdt } from '../runtimes/gbdt/index.js';
import { parseLgbParams, predictParallel, trainLightgbm } from '../runtimes/gbdt/index.js';
import type { GbdtJob, GbdtRun } from './gbdt-job.js';

const seconds = (from: number) => (performance.now() - from) / 1000;

/** The job's trainer and thread count, its params parsed before the clock starts. */
function trainerOf(job: GbdtJob): { nthread: number; train: (d: Dataset) => Promise<GbdtModel> } {
  if (job.flavour === 'lightgbm') {
    const params = parseLgbParams({ ...job.params, num_iterations: job.rounds });
    return { nthread: params.numThreads, train: (train) => trainLightgbm({ train, params }) };
  }
  const params = parseXgbParams({ ...job.params, num_boost_round: job.rounds });
  return { nthread: params.nthread, train: (train) => trainGbdt({ train, params }) };
}

async function main(): Promise<void> {
  const startRssKiB = process.resourceUsage().maxRSS;
  const job = JSON.parse(process.argv[2] ?? '') as GbdtJob;
  let t = performance.now();
  const train = await readDataset(job.train);
  const loadSeconds = seconds(t);
  const trainer = trainerOf(job);
  const nthread = trainer.nthread;
  t = performance.now();
  const model = await trainer.train(train);
  const trainSeconds = seconds(t);
  const maxRssKiB = process.resourceUsage().maxRSS;

  const test = await readDataset(job.test);
  let predictSeconds = Number.POSITIVE_INFINITY;
  let predictions: Float32Array = new Float32Array(0);
  for (let i = 0; i < job.predictReps; i++) {
    t = performance.now();
    // The same thread count XGBoost's predict gets.
    predictions = await predictParallel(model, test, { nthread });
    predictSeconds = Math.min(predictSeconds, seconds(t));
  }
  writeFileSync(job.predictionsOut, predictions);
  const run: GbdtRun = {
    loadSeconds,
    trainSeconds,
    maxRssKiB,
    startRssKiB,
    testRows: test.rows,
    predictSeconds,
  };
  console.log(JSON.stringify(run));
}

main().catch((e: unknown) => {
  console.error(`gbdt-child: ${(e as Error).stack ?? String(e)}`);
  process.exit(1);
});
