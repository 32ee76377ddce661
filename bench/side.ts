/**
 * bench:side — whole programs side by side, as a user runs them: `dtrain run job.yaml --local` then
 * `dtrain predict`, against XGBoost 1.7 (`xgboost.train`, hist, depth 8) and the LightGBM 4.6 CLI
 * (255 leaves, plain and GOSS), on the synthetic binary set (rows × 28, 2 % missing; the test set
 * from another seed), the same rounds and threads on every side (side-variants.ts says what each
 * runs). Each train process is timed from spawn to exit — reading the CSV, training, writing the
 * model — with the peak RSS of its process tree (side-process.ts); then its model scores the test
 * file in a process of its own, and every side's predictions are scored here by our binaryAuc.
 * Runs alternate ours, theirs for each variant, `--reps` times; the table shows each rep and the
 * medians, and ends with one summary line (ratios: our median wall time over the library's).
 *
 *   npm run bench:side -- [--rows 1000000] [--test-rows rows/5] [--rounds 100] [--reps 2]
 *                         [--threads 2] [--variants xgb,lgb,goss]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readDataset } from '../runtimes/data/index.js';
import { binaryAuc } from '../runtimes/gbdt/index.js';
import { defaultCacheDir } from './datasets.js';
import { ensureSyntheticPair } from './gbdt-data.js';
import { runProcess } from './side-process.js';
import { oursPlan, type SidePlan, theirsPlan, VARIANTS, type Variant } from './side-variants.js';

type Who = 'ours' | 'theirs';

/** One side's measurements in one rep. */
interface SideRun {
  readonly trainSeconds: number;
  readonly peakMiB: number;
  readonly predictSeconds: number;
  readonly auc: number;
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
  return s.length === 0 ? Number.NaN : s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** `x.toFixed(digits)`, or n/a when the variant did not run. */
const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

/** The last comma-separated field of each line that is a number (a header line is skipped). */
function readScores(path: string, rows: number): Float32Array {
  const out = new Float32Array(rows);
  let n = 0;
  for (const line of readFileSync(path, 'latin1').split('\n')) {
    const v = Number(line.slice(line.lastIndexOf(',') + 1));
    if (line.trim() === '' || Number.isNaN(v)) continue;
    if (n === rows) throw new Error(`${path}: more than ${rows} predictions`);
    out[n++] = v;
  }
  if (n !== rows) throw new Error(`${path}: ${n} predictions for ${rows} test rows`);
  return out;
}

/** Trains, scores the test file, and measures both processes of one side. */
async function runSide(plan: SidePlan, dir: string, labels: Float32Array): Promise<SideRun> {
  const env = (extra?: Readonly<Record<string, string>>) => ({ ...process.env, ...extra });
  const train = await runProcess(plan.train.cmd, plan.train.args, { env: env(plan.train.env) });
  const out = join(dir, 'predictions.txt');
  const p = plan.predict(plan.modelOf(train), out);
  const predict = await runProcess(p.cmd, p.args, { env: env(p.env) });
  return {
    trainSeconds: train.seconds,
    peakMiB: train.peakKiB / 1024,
    predictSeconds: predict.seconds,
    auc: binaryAuc(readScores(out, labels.length), labels),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      'test-rows': { type: 'string' },
      rounds: { type: 'string', default: '100' },
      reps: { type: 'string', default: '2' },
      threads: { type: 'string', default: '2' },
      variants: { type: 'string', default: VARIANTS.join(',') },
    },
  });
  const rows = intOption('rows', values.rows);
  const testRows = intOption('test-rows', values['test-rows'] ?? String(Math.max(1, Math.round(rows / 5))));
  const rounds = intOption('rounds', values.rounds);
  const reps = intOption('reps', values.reps);
  const threads = intOption('threads', values.threads);
  const variants = variantsOption(values.variants);

  const t = performance.now();
  const files = ensureSyntheticPair(defaultCacheDir(), 'binary', rows, testRows);
  console.log(
    `data: ${files.train} / ${files.test} (ready in ${((performance.now() - t) / 1000).toFixed(1)} s); ` +
      `load average ${loadavg()[0]!.toFixed(2)}; OMP_WAIT_POLICY=${process.env['OMP_WAIT_POLICY'] ?? '(unset)'}; ` +
      `${threads} threads set on every side (dtrain's default here: ${availableParallelism()} for a 1-rank job)`,
  );
  const labels = (await readDataset(files.test)).labels;
  const scratch = mkdtempSync(join(tmpdir(), 'bench-side-'));
  const runs = new Map<string, SideRun[]>();
  const key = (v: Variant, who: Who) => `${v}:${who}`;
  const names = new Map<string, string>();
  const failures: string[] = [];
  try {
    for (let rep = 1; rep <= reps; rep++) {
      for (const v of variants) {
        for (const who of ['ours', 'theirs'] as const) {
          const dir = join(scratch, `${v}-${who}-${rep}`);
          const setup = { train: files.train, test: files.test, rounds, threads, dir };
          const plan = who === 'ours' ? oursPlan(v, setup) : theirsPlan(v, setup);
          names.set(key(v, who), plan.name);
          let run: SideRun;
          try {
            run = await runSide(plan, dir, labels);
          } catch (e) {
            // One failing program must not cost the other measurements of a long run.
            const line = `rep ${rep} ${v} ${plan.name}: FAILED: ${(e as Error).message}`;
            failures.push(line);
            console.log(line);
            continue;
          }
          runs.set(key(v, who), [...(runs.get(key(v, who)) ?? []), run]);
          console.log(
            `rep ${rep} ${v.padEnd(4)} ${plan.name.padEnd(12)}: train ${run.trainSeconds.toFixed(2)} s, ` +
              `peak ${run.peakMiB.toFixed(0)} MiB, predict ${run.predictSeconds.toFixed(2)} s, ` +
              `AUC ${run.auc.toFixed(5)} (load average ${loadavg()[0]!.toFixed(2)})`,
          );
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const med = (v: Variant, who: Who, f: (r: SideRun) => number) =>
    median((runs.get(key(v, who)) ?? []).map(f));
  const train = (v: Variant, who: Who) => med(v, who, (r) => r.trainSeconds);
  const auc = (v: Variant, who: Who) => runs.get(key(v, who))?.at(-1)?.auc ?? Number.NaN;
  const ratio = (v: Variant) => train(v, 'ours') / train(v, 'theirs');

  const W = 14;
  const cols = variants.flatMap((v) => [
    `${v} dtrain`,
    `${v} ${names.get(key(v, 'theirs'))?.split(' ')[0]}`,
    `${v} ratio`,
  ]);
  const line = (what: string, f: (v: Variant, who: Who) => number, digits: number, ratioDigits = 2) =>
    what.padEnd(24) +
    variants
      .flatMap((v) => {
        const [a, b] = [f(v, 'ours'), f(v, 'theirs')];
        return [fixed(a, digits), fixed(b, digits), fixed(a / b, ratioDigits)];
      })
      .map((c) => c.padStart(W))
      .join('');
  console.log(
    `\nsynthetic binary ${rows} × 28 train, ${testRows} test; ${rounds} rounds, ${threads} threads; ` +
      `xgb: depthwise depth 8, hist; lgb: leaf-wise 255 leaves; goss: the same with GOSS; ` +
      `whole processes (load + train + write the model); median of ${reps} alternating runs; ratio = dtrain / library`,
  );
  console.log('what'.padEnd(24) + cols.map((c) => c.padStart(W)).join(''));
  for (let i = 0; i < reps; i++)
    console.log(
      line(
        `train wall s (rep ${i + 1})`,
        (v, who) => runs.get(key(v, who))?.[i]?.trainSeconds ?? Number.NaN,
        2,
      ),
    );
  console.log(line('train wall s (median)', train, 2));
  console.log(line('train peak RSS MiB', (v, who) => med(v, who, (r) => r.peakMiB), 0));
  console.log(line('predict wall s (median)', (v, who) => med(v, who, (r) => r.predictSeconds), 2));
  console.log(line('test AUC', auc, 5, 4));
  for (const [k, rs] of runs) {
    if (new Set(rs.map((r) => r.auc)).size > 1)
      console.log(`note: ${k} test AUC differs between reps: ${rs.map((r) => r.auc).join(', ')}`);
  }

  const load = loadavg()[0]!;
  if (load > availableParallelism())
    console.log(
      `note: load average ${load.toFixed(2)} on ${availableParallelism()} cores: XGBoost's and LightGBM's OpenMP ` +
        'threads spin while they wait, so a busy host slows them far more than dtrain and these ratios ' +
        'flatter dtrain (OMP_WAIT_POLICY=passive shows how much)',
    );
  for (const f of failures) console.log(`note: ${f}`);
  if (failures.length > 0) process.exitCode = 1;

  const has = (v: Variant) => variants.includes(v);
  const r = (v: Variant) => (has(v) ? fixed(ratio(v), 2) : 'n/a');
  const a = (v: Variant, who: Who) => (has(v) ? fixed(auc(v, who), 5) : 'n/a');
  console.log(
    `\nbench side: xgb_ratio=${r('xgb')} lgb_ratio=${r('lgb')} goss_ratio=${r('goss')} ` +
      `auc_ours_xgb=${a('xgb', 'ours')} auc_xgb=${a('xgb', 'theirs')} ` +
      `auc_ours_lgb=${a('lgb', 'ours')} auc_lgb=${a('lgb', 'theirs')} ` +
      `auc_ours_goss=${a('goss', 'ours')} auc_goss=${a('goss', 'theirs')} ` +
      `loadavg=${loadavg()[0]!.toFixed(2)} rows=${rows} rounds=${rounds} threads=${threads} reps=${reps}`,
  );
}

main().catch((e: unknown) => {
  console.error(`bench side: ${(e as Error).message}`);
  process.exit(1);
});
