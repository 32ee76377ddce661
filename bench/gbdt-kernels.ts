/**
 * bench:gbdt-kernels — the GBDT engine with its WebAssembly loops (histograms, partitions, the
 * LightGBM split scan, GOSS's left-out walk; the default) against the same training with the
 * JavaScript loops (`kernels: 'js'`), alternating js, wasm, js, wasm in one process, for the
 * LightGBM flavour (leaf-wise, 255 leaves), with GOSS, and the XGBoost flavour (depthwise, depth 8),
 * on the synthetic binary set. Each pair's trees are checked equal. The median of `reps` counts.
 *
 *   npm run bench:gbdt-kernels -- [--rows 1000000] [--iterations 30] [--reps 2] [--threads 2]
 */
import { isDeepStrictEqual } from 'node:util';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import {
  type GbdtModel,
  type KernelChoice,
  parseLgbParams,
  parseXgbParams,
  trainGbdt,
  trainLightgbm,
} from '../runtimes/gbdt/index.js';
import { generate } from './gen-synthetic.js';

function intOption(name: string, raw: string): number {
  const v = Number(raw);
  if (!(Number.isInteger(v) && v >= 1)) throw new Error(`--${name} must be an integer >= 1, got ${raw}`);
  return v;
}

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    iterations: { type: 'string', default: '30' },
    reps: { type: 'string', default: '2' },
    threads: { type: 'string', default: '2' },
  },
});
const rows = intOption('rows', values.rows!);
const iterations = intOption('iterations', values.iterations!);
const reps = intOption('reps', values.reps!);
const threads = intOption('threads', values.threads!);

const train = generate('binary', rows, 28, 1, 0.02);
const flavours = {
  lgbm: (kernels: KernelChoice) =>
    trainLightgbm({
      train,
      kernels,
      params: parseLgbParams({
        objective: 'binary',
        num_iterations: iterations,
        num_leaves: 255,
        num_threads: threads,
      }),
    }),
  goss: (kernels: KernelChoice) =>
    trainLightgbm({
      train,
      kernels,
      params: parseLgbParams({
        objective: 'binary',
        num_iterations: iterations,
        num_leaves: 255,
        num_threads: threads,
        data_sample_strategy: 'goss',
      }),
    }),
  xgb: (kernels: KernelChoice) =>
    trainGbdt({
      train,
      kernels,
      params: parseXgbParams({
        objective: 'binary:logistic',
        num_boost_round: iterations,
        max_depth: 8,
        max_bin: 256,
        nthread: threads,
      }),
    }),
} as const;

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor((a.length - 1) / 2)]!;
const times: Record<string, { js: number[]; wasm: number[] }> = {};
let same = true;
for (let rep = 1; rep <= reps; rep++) {
  for (const [name, run] of Object.entries(flavours)) {
    const models: GbdtModel[] = [];
    for (const kernels of ['js', 'auto'] as const) {
      const t0 = performance.now();
      models.push(await run(kernels));
      const s = (performance.now() - t0) / 1000;
      times[name] ??= { js: [], wasm: [] };
      times[name][kernels === 'js' ? 'js' : 'wasm'].push(s);
      console.log(
        `rep ${rep} ${name.padEnd(4)} ${kernels === 'js' ? 'js  ' : 'wasm'}: train ${s.toFixed(2)} s`,
      );
    }
    if (!isDeepStrictEqual(models[0]!.trees, models[1]!.trees)) {
      same = false;
      console.log(`rep ${rep} ${name}: the trees differ`);
    }
  }
}
console.log(
  `\nsynthetic binary ${rows} × 28, ${iterations} iterations, ${threads} threads; median of ${reps} alternating runs`,
);
console.log(`${'flavour'.padEnd(8)}${'js s'.padStart(10)}${'wasm s'.padStart(10)}${'js/wasm'.padStart(10)}`);
const summary: string[] = [];
for (const [name, t] of Object.entries(times)) {
  const js = median(t.js);
  const wasm = median(t.wasm);
  console.log(
    `${name.padEnd(8)}${js.toFixed(2).padStart(10)}${wasm.toFixed(2).padStart(10)}${(js / wasm).toFixed(2).padStart(10)}`,
  );
  summary.push(
    `${name}_js_s=${js.toFixed(2)} ${name}_wasm_s=${wasm.toFixed(2)} ${name}_speedup=${(js / wasm).toFixed(2)}`,
  );
}
console.log(
  `\nbench gbdt-kernels: rows=${rows} iterations=${iterations} threads=${threads} reps=${reps} ${summary.join(' ')} same_trees=${same} loadavg=${loadavg()[0]!.toFixed(2)}`,
);
if (!same) process.exitCode = 1;
