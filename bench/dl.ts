/**
 * bench dl: TensorFlow.js training throughput through dtrain on the wasm backend, with its baseline
 * measured in the same run: a plain tfjs loop in one process (dl-plain.ts) on the same model, data and
 * batch; then dtrain with 1 rank and with 2 local ranks (sync all-reduce). Reps alternate
 * plain / 1 rank / 2 ranks. Samples per second over the last 80 % of the steps (start-up excluded).
 * Data: the first DTRAIN_BENCH_IMAGES (default 12000) Fashion-MNIST training images.
 * The kernel speed-up (our wasm conv gradients vs stock) is bench:dl-kernels.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDtrain, tempDir } from '../test/helpers/dtrain-process.js';
import { fashionSubset } from '../test/helpers/fashion-mnist.js';

const reps = Number(process.argv[process.argv.indexOf('--reps') + 1]) || 2;
const images = Number(process.env['DTRAIN_BENCH_IMAGES'] ?? 12000);
const batch = 64;
const dir = tempDir('dtrain-bench-dl-');
const data = fashionSubset(dir, images, 100);

const MODELS: Record<string, { layers: Record<string, Record<string, unknown>>[]; epochs: number }> = {
  mlp: {
    layers: [
      { flatten: {} },
      { dense: { units: 256, activation: 'relu' } },
      { dense: { units: 10, activation: 'softmax' } },
    ],
    epochs: 3,
  },
  cnn: {
    layers: [
      { conv2d: { filters: 32, kernelSize: 3, activation: 'relu' } },
      { maxPooling2d: { poolSize: 2 } },
      { conv2d: { filters: 64, kernelSize: 3, activation: 'relu' } },
      { maxPooling2d: { poolSize: 2 } },
      { flatten: {} },
      { dense: { units: 128, activation: 'relu' } },
      { dense: { units: 10, activation: 'softmax' } },
    ],
    epochs: 1,
  },
};

function plain(model: string): number {
  const spec = join(dir, `${model}.json`);
  writeFileSync(spec, JSON.stringify({ layers: MODELS[model]!.layers }));
  const script = new URL('./dl-plain.js', import.meta.url).pathname;
  const r = spawnSync(
    process.execPath,
    [script, spec, data.train, String(batch), String(MODELS[model]!.epochs)],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`dl-plain failed: ${r.stderr}`);
  return (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { samplesPerSec: number }).samplesPerSec;
}

async function viaDtrain(model: string, ranks: number): Promise<number> {
  const job = join(dir, `${model}-${ranks}.yaml`);
  const layers = MODELS[model]!.layers.map((l) => `    - ${JSON.stringify(l)}`).join('\n');
  writeFileSync(
    job,
    `name: bench-dl-${model}
framework: tensorflow
hosts:
  - address: localhost
    slots: ${ranks}
data: {train: ${data.train}}
model:
  layers:
${layers}
params: {optimizer: adam, loss: categoricalCrossentropy, epochs: ${MODELS[model]!.epochs * ranks}, batch_size: ${batch}, backend: wasm}
`,
  );
  const run = await runDtrain(['run', job, '--json'], { home: tempDir() });
  if (run.code !== 0) throw new Error(`dtrain failed: ${run.stderr}${run.stdout.slice(-1500)}`);
  const steps = run.events.filter((e) => e.type === 'progress' && e.rank === 0) as {
    ts: number;
    step: number;
    total: number;
  }[];
  const total = steps.at(-1)!.total;
  const from = steps.find((e) => e.step >= total / 5)!;
  const to = steps.at(-1)!;
  return ((to.step - from.step) * batch * ranks) / ((to.ts - from.ts) / 1000);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const rows: Record<string, number[]> = {};
const add = (k: string, v: number) => {
  rows[k] = [...(rows[k] ?? []), v];
};
for (let i = 0; i < reps; i++) {
  for (const model of (process.env['DTRAIN_BENCH_MODELS'] ?? 'mlp,cnn').split(',')) {
    add(`${model} plain`, plain(model));
    add(`${model} dtrain 1`, await viaDtrain(model, 1));
    add(`${model} dtrain 2`, await viaDtrain(model, 2));
  }
}
console.log(
  `samples/s on wasm, batch ${batch} per rank, ${images} Fashion-MNIST images (2 ranks run 2× the epochs)`,
);
console.log(`${'what'.padEnd(34)}${'median'.padStart(9)}   runs`);
const label: Record<string, string> = {
  plain: 'plain tfjs loop (baseline)',
  'dtrain 1': 'dtrain, 1 rank',
  'dtrain 2': 'dtrain, 2 local ranks',
};
for (const [k, xs] of Object.entries(rows)) {
  const [model, ...rest] = k.split(' ');
  console.log(
    `${`${model} ${label[rest.join(' ')]}`.padEnd(34)}${median(xs).toFixed(0).padStart(9)}   ${xs.map((x) => x.toFixed(0)).join(' ')}`,
  );
}
const m = (k: string) => (rows[k] ? median(rows[k]) : Number.NaN);
const r = (a: string, b: string) => (rows[a] && rows[b] ? (m(a) / m(b)).toFixed(2) : 'n/a');
console.log(
  `bench dl: images=${images} reps=${reps} mlp_dtrain_over_plain=${r('mlp dtrain 1', 'mlp plain')} cnn_dtrain_over_plain=${r('cnn dtrain 1', 'cnn plain')} mlp_2ranks_over_1=${r('mlp dtrain 2', 'mlp dtrain 1')} cnn_2ranks_over_1=${r('cnn dtrain 2', 'cnn dtrain 1')}`,
);
