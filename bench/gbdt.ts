/**
 * bench:gbdt — our GBDT engine against XGBoost 1.7 `hist` on the synthetic 1M × 28 binary set, 2
 * threads, binary objective, learning rate 0.1, four variants:
 *
 * - `ours`: our XGBoost flavour, depthwise max_depth 8, max_bin 256, train logloss every round;
 * - `xgboost`: XGBoost 1.7 hist with the same params (the baseline every ratio divides by);
 * - `lgbm`: our LightGBM flavour, leaf-wise num_leaves 255, min_data_in_leaf 20, max_bin 255 (no
 *   training metric: LightGBM's default);
 * - `goss`: `lgbm` with GOSS (top_rate 0.2, other_rate 0.1).
 *
 * Each runs in its own process (gbdt-job.ts), alternating ours, xgboost, lgbm, goss, … so drift on a
 * shared machine hits all. Measures training seconds, peak RSS (load + train), prediction throughput
 * on the test set and test AUC (all scored by our binaryAuc). Prints a table and one summary line.
 *
 *   npm run bench:gbdt -- [--rows 1000000] [--test-rows N] [--rounds 100] [--reps 2] [--threads 2]
 *                         [--variants ours,xgboost,lgbm,goss]
 *
 * For quick runs the environment may set the defaults of --rows (DTRAIN_BENCH_ROWS) and --variants
 * (DTRAIN_BENCH_VARIANTS).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readDataset } from '../runtimes/data/index.js';
import { binaryAuc } from '../runtimes/gbdt/index.js';
import { defaultCacheDir } from './datasets.js';
import { ensureSyntheticPair } from './gbdt-data.js';
import { type GbdtJob, type GbdtRun, runSide, type Side } from './gbdt-job.js';

const VARIANTS = ['ours', 'xgboost', 'lgbm', 'goss'] as const;
type Variant = (typeof VARIANTS)[number];

/** How each variant runs: which process, which of our flavours, which params. */
function jobOf(v: Variant, threads: number): Pick<GbdtJob, 'params' | 'flavour'> & { side: Side } {
  const xgb = {
    objective: 'binary:logistic',
    eta: 0.1,
    max_depth: 8,
    max_bin: 256,
    nthread: threads,
    eval_metric: 'logloss',
  };
  const lgbm = {
    objective: 'binary',
    learning_rate: 0.1,
    num_leaves: 255,
    min_data_in_leaf: 20,
    max_bin: 255,
    num_threads: threads,
  };
  if (v === 'ours' || v === 'xgboost') return { side: v, params: xgb };
  const goss = { data_sample_strategy: 'goss', top_rate: 0.2, other_rate: 0.1 };
  return { side: 'ours', flavour: 'lightgbm', params: v === 'goss' ? { ...lgbm, ...goss } : lgbm };
}

function intOption(name: string, raw: string): number {
  const v = Number(raw);
  if (!(Number.isInteger(v) && v >= 1)) throw new Error(`--${name} must be an integer >= 1, got ${raw}`);
  return v;
}

function variantsOption(raw: string): Variant[] {
  const names = raw.split(',').map((s) => s.trim());
  const bad = names.filter((n) => !(VARIANTS as readonly string[]).includes(n));
  if (bad.length > 0 || names.length === 0)
    throw new Error(`--variants takes a list of ${VARIANTS.join(', ')}; got ${raw}`);
  return VARIANTS.filter((v) => names.includes(v));
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

/** `x.toFixed(digits)`, or n/a when the variant did not run. */
const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

async function main(): Promise<void> {
  const env = process.env;
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: env['DTRAIN_BENCH_ROWS'] ?? '1000000' },
      'test-rows': { type: 'string' },
      rounds: { type: 'string', default: '100' },
      reps: { type: 'string', default: '2' },
      threads: { type: 'string', default: '2' },
      variants: { type: 'string', default: env['DTRAIN_BENCH_VARIANTS'] ?? VARIANTS.join(',') },
    },
  });
  const rows = intOption('rows', values.rows);
  const testRows = intOption('test-rows', values['test-rows'] ?? String(Math.max(1, Math.round(rows / 5))));
  const rounds = intOption('rounds', values.rounds);
  const reps = intOption('reps', values.reps);
  const threads = intOption('threads', values.threads);
  const variants = variantsOption(values.variants);

  const dir = defaultCacheDir();
  let t = performance.now();
  const files = ensureSyntheticPair(dir, 'binary', rows, testRows);
  console.log(
    `data: ${files.train} / ${files.test} (ready in ${((performance.now() - t) / 1000).toFixed(1)} s); ` +
      `load average ${loadavg()[0]!.toFixed(2)}`,
  );
  const labels = (await readDataset(files.test)).labels;
  const scratch = mkdtempSync(join(tmpdir(), 'bench-gbdt-'));
  const runs = new Map<Variant, GbdtRun[]>(variants.map((v) => [v, []]));
  const auc = new Map<Variant, number[]>(variants.map((v) => [v, []]));
  try {
    for (let rep = 1; rep <= reps; rep++) {
      for (const v of variants) {
        const { side, ...how } = jobOf(v, threads);
        const job: GbdtJob = {
          train: files.train,
          test: files.test,
          ...how,
          rounds,
          predictReps: 3,
          predictionsOut: join(scratch, `${v}.f32`),
        };
        t = performance.now();
        const run = await runSide(side, job);
        runs.get(v)!.push(run);
        auc.get(v)!.push(binaryAuc(readFloat32(job.predictionsOut), labels));
        console.log(
          `rep ${rep} ${v.padEnd(7)}: train ${run.trainSeconds.toFixed(2)} s, load ${run.loadSeconds.toFixed(2)} s, ` +
            `peak ${(run.maxRssKiB / 1024).toFixed(0)} MiB, predict ${(run.predictSeconds * 1000).toFixed(0)} ms ` +
            `(process ${((performance.now() - t) / 1000).toFixed(1)} s, load average ${loadavg()[0]!.toFixed(2)})`,
        );
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const pick = (v: Variant, f: (r: GbdtRun) => number) => (runs.get(v) ?? []).map(f);
  const med = (v: Variant, f: (r: GbdtRun) => number) => (runs.has(v) ? median(pick(v, f)) : Number.NaN);
  const train = (v: Variant) => med(v, (r) => r.trainSeconds);
  const rss = (v: Variant) => med(v, (r) => r.maxRssKiB / 1024);
  const predictRate = (v: Variant) =>
    runs.has(v) ? Math.max(...pick(v, (r) => r.testRows / r.predictSeconds)) : Number.NaN;
  const aucOf = (v: Variant) => auc.get(v)?.at(-1) ?? Number.NaN;

  const others = runs.has('xgboost') ? variants.filter((v) => v !== 'xgboost') : [];
  const header = [...variants, ...others.map((v) => `${v}/xgb`)];
  const line = (what: string, f: (v: Variant) => number, digits: number, ratioDigits = 2) => {
    const cells = variants.map((v) => fixed(f(v), digits));
    const ratios = others.map((v) => fixed(f(v) / f('xgboost'), ratioDigits));
    return what.padEnd(26) + [...cells, ...ratios].map((c) => c.padStart(11)).join('');
  };
  console.log(
    `\nsynthetic binary ${rows} × 28 train, ${testRows} test; ${rounds} rounds, eta 0.1, ${threads} threads; ` +
      `ours/xgboost depthwise depth 8 max_bin 256, lgbm/goss leaf-wise 255 leaves max_bin 255; ` +
      `median of ${reps} alternating runs`,
  );
  console.log('what'.padEnd(26) + header.map((c) => c.padStart(11)).join(''));
  for (let i = 0; i < reps; i++)
    console.log(line(`train s (rep ${i + 1})`, (v) => pick(v, (r) => r.trainSeconds)[i]!, 2));
  console.log(line('train s (median)', train, 2));
  console.log(line('load train CSV s (median)', (v) => med(v, (r) => r.loadSeconds), 2));
  console.log(line('peak RSS MiB (load+train)', rss, 0));
  console.log(line('  of it at startup MiB', (v) => med(v, (r) => r.startRssKiB / 1024), 0));
  console.log(line('predict rows/s (best)', predictRate, 0));
  console.log(line('test AUC', aucOf, 5, 4));
  for (const v of variants) {
    const all = auc.get(v)!;
    if (new Set(all).size > 1) console.log(`note: ${v} test AUC differs between reps: ${all.join(', ')}`);
  }
  const x = runs.get('xgboost')?.at(-1);
  if (x?.sklearnMetric !== undefined && Math.abs(x.sklearnMetric - aucOf('xgboost')) > 1e-6)
    console.log(`note: binaryAuc ${aucOf('xgboost')} vs sklearn ${x.sklearnMetric} on xgboost's predictions`);

  console.log(
    `\nbench gbdt: rows=${rows} rounds=${rounds} threads=${threads} reps=${reps} ` +
      `train_ratio=${fixed(train('ours') / train('xgboost'), 2)} ` +
      `mem_ratio=${fixed(rss('ours') / rss('xgboost'), 2)} ` +
      `predict_ratio=${fixed(predictRate('ours') / predictRate('xgboost'), 2)} ` +
      `auc_ours=${fixed(aucOf('ours'), 5)} auc_xgb=${fixed(aucOf('xgboost'), 5)} ` +
      `lgbm_ratio=${fixed(train('lgbm') / train('xgboost'), 2)} ` +
      `goss_ratio=${fixed(train('goss') / train('xgboost'), 2)} ` +
      `goss_speedup=${fixed(train('lgbm') / train('goss'), 2)} ` +
      `auc_lgbm=${fixed(aucOf('lgbm'), 5)} auc_goss=${fixed(aucOf('goss'), 5)} ` +
      `loadavg=${loadavg()[0]!.toFixed(2)}`,
  );
}

main().catch((e: unknown) => {
  console.error(`bench gbdt: ${(e as Error).message}`);
  process.exit(1);
});
