/**
 * bench:dl-kernels — one training step of the notes' CNN (conv 32·3×3 relu → maxpool 2 → conv 64·3×3
 * relu → maxpool 2 → flatten → dense 128 relu → dense 10 softmax; 28×28×1, batch 128, SGD,
 * categorical cross-entropy, random data) on the wasm backend, with dtrain's conv input-gradient
 * kernel against the stock one. Both use dtrain's filter-gradient kernel, since stock wasm has none.
 * Alternates ours, stock, ours, stock for `reps` rounds of `steps` timed steps (`model.trainOnBatch`,
 * after one untimed step). Then one profiled step of each shows where the time goes. Prints a table
 * and one summary line. Target: speedup ≥ 1.5.
 *
 *   npm run bench:dl-kernels -- [--reps 3] [--steps 4] [--batch 128]
 */
import { parseArgs } from 'node:util';
import type { Tensor1D } from '@tensorflow/tfjs-core';
import { initBackend } from '../runtimes/tensorflow/backend.js';
import type { Tf } from '../runtimes/tensorflow/tf-api.js';
import { type InputGradKernel, registerWasmTrainingKernels } from '../runtimes/tensorflow/wasm-kernels.js';

function intOption(name: string, raw: string): number {
  const v = Number(raw);
  if (!(Number.isInteger(v) && v >= 1)) throw new Error(`--${name} must be an integer >= 1, got ${raw}`);
  return v;
}

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    steps: { type: 'string', default: '4' },
    batch: { type: 'string', default: '128' },
  },
});
const reps = intOption('reps', values.reps);
const steps = intOption('steps', values.steps);
const batch = intOption('batch', values.batch);

function cnn(tf: Tf) {
  const { layers } = tf.layers;
  const model = tf.layers.sequential({
    layers: [
      layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.flatten(),
      layers.dense({ units: 128, activation: 'relu' }),
      layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.core.train.sgd(0.01), loss: 'categoricalCrossentropy' });
  return model;
}

const choice = await initBackend({ want: 'wasm', gpus: 0 });
const { tf } = choice;
const core = tf.core;
const model = cnn(tf);
const x = core.randomUniform([batch, 28, 28, 1]);
const y = core.oneHot(core.randomUniform([batch], 0, 10, 'int32') as Tensor1D, 10);
const params = model.countParams();
console.log(
  `backend: ${choice.reason}; CNN ${params} parameters, batch ${batch}; ${steps} timed steps per run`,
);

const variants: readonly { name: string; kernel: InputGradKernel }[] = [
  { name: 'ours', kernel: 'xnnpack' },
  { name: 'stock_dx', kernel: 'stock' },
];
const runs: Record<string, number[]> = { ours: [], stock_dx: [] };
for (let rep = 0; rep < reps; rep++) {
  for (const v of variants) {
    registerWasmTrainingKernels(tf, { inputGrad: v.kernel });
    await model.trainOnBatch(x, y);
    const times: number[] = [];
    for (let s = 0; s < steps; s++) {
      const t0 = performance.now();
      await model.trainOnBatch(x, y);
      times.push(performance.now() - t0);
    }
    const ms = median(times);
    runs[v.name]!.push(ms);
    console.log(`rep ${rep + 1} ${v.name.padEnd(8)}: ${ms.toFixed(1)} ms/step (median of ${steps})`);
  }
}

// Where a step's time goes, per kernel (one profiled step each; profiling adds a little overhead).
const profiles: Record<string, Map<string, number>> = {};
for (const v of variants) {
  registerWasmTrainingKernels(tf, { inputGrad: v.kernel });
  const info = await core.profile(async () => {
    await model.trainOnBatch(x, y);
  });
  const byKernel = new Map<string, number>();
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + ms);
  }
  profiles[v.name] = byKernel;
}
registerWasmTrainingKernels(tf);

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

const row = (cells: readonly string[]) =>
  console.log(cells.map((c, i) => c.padEnd(i === 0 ? 28 : 12)).join(''));
console.log('');
row(['input-grad kernel', ...runs.ours!.map((_, i) => `rep ${i + 1} ms`), 'median ms', 'samples/s']);
for (const v of variants) {
  const r = runs[v.name]!;
  row([
    v.name,
    ...r.map((ms) => ms.toFixed(1)),
    median(r).toFixed(1),
    ((batch * 1000) / median(r)).toFixed(0),
  ]);
}
console.log('');
const top = [...profiles['stock_dx']!.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6);
// Nested kernels count on their own line too: our kernels' inner Conv2D calls also show under Conv2D.
console.log('top kernels of one profiled step (ms; kernels run inside our kernels are counted again):');
row(['kernel', 'ours', 'stock_dx']);
for (const [name] of top) {
  row([name, ...variants.map((v) => (profiles[v.name]!.get(name) ?? 0).toFixed(1))]);
}
const ours = median(runs.ours!);
const stock = median(runs.stock_dx!);
console.log(
  `bench dl-kernels: step_ms_ours=${ours.toFixed(1)} step_ms_stock_dx=${stock.toFixed(1)} ` +
    `speedup=${(stock / ours).toFixed(2)}`,
);
core.dispose([x, y]);
model.dispose();
