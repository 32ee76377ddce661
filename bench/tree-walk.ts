/**
 * bench:tree-walk — walking trees over raw float32 rows (runtimes/gbdt/predict/tree-walk.ts) against the
 * walks it replaced (tree-walk-old.ts), old and new alternating in one process. Trains a LightGBM-
 * flavoured model (num_leaves 255) and an XGBoost-flavoured one (max_depth 8) on the synthetic binary
 * set, then on `rows` rows of another seed measures:
 *
 * - addTreeMargins over all rows (validation sets, replay), ms per tree per 1M rows;
 * - addTreeMargins over an ascending list of 70 % of the rows (GOSS's rows left out of the sample),
 *   ms per tree per 1M listed rows;
 * - predictMargins on one thread and predictMarginsParallel on `threads`, rows/s.
 *
 * Every new result is checked bit for bit against the old one. The best of `reps` runs counts.
 *
 *   npm run bench:tree-walk -- [--rows 1000000] [--train-rows 200000] [--rounds 20] [--reps 5] [--threads 2]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { parseXgbParams, trainGbdt } from '../runtimes/gbdt/index.js';
import {
  addTreeMargins,
  type GbdtModel,
  parseLgbParams,
  predictMargins,
  predictMarginsParallel,
  trainLightgbm,
} from '../runtimes/gbdt/index.js';
import { generate } from './gen-synthetic.js';
import { oldAddTreeMargins, oldPredictMargins, oldPredictMarginsParallel } from './tree-walk-old.js';

function intOption(name: string, raw: string): number {
  const v = Number(raw);
  if (!(Number.isInteger(v) && v >= 1)) throw new Error(`--${name} must be an integer >= 1, got ${raw}`);
  return v;
}

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    'train-rows': { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '20' },
    reps: { type: 'string', default: '5' },
    threads: { type: 'string', default: '2' },
  },
});
const rows = intOption('rows', values.rows);
const trainRows = intOption('train-rows', values['train-rows']);
const rounds = intOption('rounds', values.rounds);
const reps = intOption('reps', values.reps);
const threads = intOption('threads', values.threads);

const COLS = 28;
let t = performance.now();
const train = generate('binary', trainRows, COLS, 1, 0.02);
const data = generate('binary', rows, COLS, 2, 0.02);
const models: Record<'lgbm' | 'xgb', GbdtModel> = {
  lgbm: await trainLightgbm({
    train,
    params: parseLgbParams({
      objective: 'binary',
      num_iterations: rounds,
      num_leaves: 255,
      num_threads: threads,
    }),
  }),
  xgb: await trainGbdt({
    train,
    params: parseXgbParams({
      objective: 'binary:logistic',
      max_depth: 8,
      num_boost_round: rounds,
      nthread: threads,
    }),
  }),
};
// GOSS leaves out 1 − top_rate − other_rate = 70 % of the rows: a fixed pseudo-random 70 %, ascending.
const kept: number[] = [];
for (let r = 0, s = 12345; r < rows; r++) {
  s = (Math.imul(s, 1103515245) + 12345) >>> 0;
  if ((s >>> 16) % 10 < 7) kept.push(r);
}
const list = Uint32Array.from(kept);
console.log(
  `synthetic binary: trained on ${trainRows} rows (${((performance.now() - t) / 1000).toFixed(1)} s), ` +
    `walking ${rows} × ${COLS} rows of another seed (GOSS list: ${list.length}); ` +
    `lgbm ${models.lgbm.trees.length} trees of 255 leaves, xgb ${models.xgb.trees.length} trees of depth 8; ` +
    `load average ${loadavg()[0]!.toFixed(2)}`,
);

type Walk = (model: GbdtModel) => Float32Array | Promise<Float32Array>;
type Case = {
  readonly name: string;
  /** Its key in the summary line. */
  readonly key: string;
  readonly model: 'lgbm' | 'xgb';
  readonly unit: 'ms/tree/1M' | 'rows/s';
  /** Rows the unit counts. */
  readonly count: number;
  readonly old: Walk;
  readonly now: Walk;
};

function margins(walk: typeof oldAddTreeMargins, rowList: Uint32Array | undefined): Walk {
  return (model) => {
    const m = new Float32Array(rows);
    for (const tree of model.trees) walk(tree, data.features, COLS, m, 1, 0, rows, rowList);
    return m;
  };
}

const cases: Case[] = (['lgbm', 'xgb'] as const).flatMap((model): Case[] => [
  {
    name: `${model} margins, all rows`,
    key: `${model}_all_ms`,
    model,
    unit: 'ms/tree/1M',
    count: rows,
    old: margins(oldAddTreeMargins, undefined),
    now: margins(addTreeMargins, undefined),
  },
  {
    name: `${model} margins, GOSS list`,
    key: `${model}_goss_ms`,
    model,
    unit: 'ms/tree/1M',
    count: list.length,
    old: margins(oldAddTreeMargins, list),
    now: margins(addTreeMargins, list),
  },
  {
    name: `${model} predict, 1 thread`,
    key: `${model}_predict1_rows_s`,
    model,
    unit: 'rows/s',
    count: rows,
    old: (m) => oldPredictMargins(m, data.features, rows, COLS),
    now: (m) => predictMargins(m, data.features, rows, COLS),
  },
  {
    name: `${model} predict, ${threads} threads`,
    key: `${model}_predict${threads}_rows_s`,
    model,
    unit: 'rows/s',
    count: rows,
    old: (m) => oldPredictMarginsParallel(m, data, threads),
    now: (m) => predictMarginsParallel(m, data, { nthread: threads }),
  },
]);

const same = (a: Float32Array, b: Float32Array) =>
  a.length === b.length &&
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const best = new Map<string, { old: number; now: number }>(
  cases.map((c) => [c.name, { old: Infinity, now: Infinity }]),
);
for (let rep = 1; rep <= reps; rep++) {
  for (const c of cases) {
    const model = models[c.model];
    const seconds = { old: 0, now: 0 };
    const out: { old?: Float32Array; now?: Float32Array } = {};
    // Alternate which goes first, so neither always runs on a warmer (or busier) machine.
    for (const side of rep % 2 === 1 ? (['old', 'now'] as const) : (['now', 'old'] as const)) {
      t = performance.now();
      out[side] = await c[side](model);
      seconds[side] = (performance.now() - t) / 1000;
    }
    if (!same(out.old!, out.now!)) throw new Error(`${c.name}: new margins differ from the old ones`);
    const b = best.get(c.name)!;
    b.old = Math.min(b.old, seconds.old);
    b.now = Math.min(b.now, seconds.now);
  }
  console.log(`rep ${rep} done, load average ${loadavg()[0]!.toFixed(2)}`);
}

/** The case's figure: ms per tree per 1M rows (lower is better) or rows/s (higher is better). */
function figure(c: Case, seconds: number): number {
  const trees = models[c.model].trees.length;
  return c.unit === 'rows/s' ? c.count / seconds : (seconds * 1000 * 1e6) / trees / c.count;
}

console.log(`\nbest of ${reps} alternating runs; new results equal the old bit for bit`);
const row = (cells: readonly string[]) =>
  console.log(cells.map((s, i) => (i === 0 ? s.padEnd(26) : s.padStart(12))).join(''));
row(['what', 'unit', 'old', 'new', 'speedup']);
const summary: string[] = [];
for (const c of cases) {
  const b = best.get(c.name)!;
  const old = figure(c, b.old);
  const now = figure(c, b.now);
  const digits = c.unit === 'rows/s' ? 0 : 1;
  row([c.name, c.unit, old.toFixed(digits), now.toFixed(digits), `${(b.old / b.now).toFixed(2)}x`]);
  summary.push(`${c.key}=${now.toFixed(digits)} ${c.key}_old=${old.toFixed(digits)}`);
}
console.log(
  `\nbench tree-walk: rows=${rows} rounds=${rounds} threads=${threads} reps=${reps} ${summary.join(' ')} ` +
    `loadavg=${loadavg()[0]!.toFixed(2)}`,
);
