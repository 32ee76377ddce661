/**
 * The engine's WebAssembly loops (histograms, partitions) against their JavaScript twins: the same
 * sums bit for bit, and whole trainings that grow the same trees either way — narrow rows (8-byte
 * word moves), wide rows of two-byte codes (memory.copy and the word-loop swap), categorical splits,
 * GOSS's keep pass, and both flavours on 2 threads.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BinMatrix } from '../../../../runtimes/gbdt/core/bin-matrix.js';
import { histKernel, KERNEL_BLOCK } from '../../../../runtimes/gbdt/core/histogram.js';
import { createHistContext, logKernels } from '../../../../runtimes/gbdt/core/hist-context.js';
import { parseLgbParams } from '../../../../runtimes/gbdt/lightgbm/params.js';
import { trainLightgbm } from '../../../../runtimes/gbdt/lightgbm/train.js';
import { gossSample } from '../../../../runtimes/gbdt/lightgbm/goss.js';
import { Rng, rngState } from '../../../../runtimes/random/rng.js';
import { trainGbdt } from '../../../../runtimes/gbdt/xgboost/train.js';
import { GOSS_COUNT_BYTES, wasmGoss } from '../../../../runtimes/gbdt/wasm/goss.js';
import { wasmHistKernel } from '../../../../runtimes/gbdt/wasm/hist.js';
import { parseXgbParams } from '../../../../runtimes/gbdt/xgboost/params.js';
import { synthBinary } from '../helpers.js';

function randomMatrix(rows: number, cols: number, bins: number, seed: number): BinMatrix {
  const rng = new Rng(seed);
  const wide = bins > 256;
  const cells = rows * cols;
  const codes = wide
    ? new Uint16Array(new SharedArrayBuffer(2 * cells))
    : new Uint8Array(new SharedArrayBuffer(cells));
  for (let i = 0; i < cells; i++) codes[i] = Math.floor(rng.next() * bins);
  const slotOffsets = Uint32Array.from({ length: cols + 1 }, (_, f) => f * (bins + 1));
  return { rows, cols, codes, missingCode: new Uint16Array(cols).fill(bins), slotOffsets };
}

for (const [cols, bins] of [
  [28, 255],
  [150, 300],
] as const) {
  test(`wasm histogram of ${cols} features × ${bins} bins: the JavaScript kernel's sums, bit for bit`, () => {
    const rows = 5000;
    const m = randomMatrix(rows, cols, bins, cols);
    const ctx = createHistContext(m, 2);
    assert.ok(ctx.memory, 'the context lives in a wasm memory');
    assert.deepEqual(ctx.bufs[0]!.codes, m.codes, 'buffer 0 is a copy of the codes');
    const rng = new Rng(9);
    const gh = ctx.bufs[0]!.gh;
    for (let i = 0; i < gh.length; i++) gh[i] = Math.fround(rng.next() - 0.4);
    const width = m.codes.BYTES_PER_ELEMENT;
    // Features [3, cols − 2) of rows [17, rows − 5) into slot 1, against the JS kernel into a plain array.
    const from = 3;
    const to = cols - 2;
    const k = wasmHistKernel(ctx.memory, ctx.featOff, cols, width, from, to, KERNEL_BLOCK);
    k(
      ctx.bufs[0]!.codes.byteOffset + 17 * cols * width,
      gh.byteOffset + 17 * 8,
      rows - 22,
      ctx.pool.byteOffset + 8 * ctx.histLen,
    );
    const want = new Float64Array(ctx.histLen);
    histKernel(ctx.featOff, cols, KERNEL_BLOCK, from, to)(ctx.bufs[0]!.codes, gh, 17, rows - 5, want, 0);
    const got = ctx.pool.subarray(ctx.histLen, 2 * ctx.histLen);
    assert.deepEqual(got, want);
    assert.ok(want.some((v) => v !== 0));
    assert.ok(
      ctx.pool.subarray(0, ctx.histLen).every((v) => v === 0),
      'slot 0 untouched',
    );
  });
}

test('wasm GOSS samples what gossSample samples: same rows, same scaled gradients, same count', () => {
  const memory = new WebAssembly.Memory({ initial: 160, maximum: 160, shared: true });
  const cases: [rows: number, K: number, top: number, other: number][] = [
    [65536, 1, 0.2, 0.1],
    [65536, 3, 0.2, 0.1],
    [40_000, 1, 0.05, 0.3],
    [1000, 2, 0.5, 0.5],
    [7, 1, 0.2, 0.1],
    [1, 1, 0.2, 0.1],
  ];
  for (const [rows, K, topRate, otherRate] of cases) {
    for (const seed of [1, 2]) {
      const rng = new Rng(seed, rows, K);
      let at = 0;
      const take = (bytes: number) => {
        const a = at;
        at += Math.ceil(bytes / 16) * 16;
        return a;
      };
      const gAt = take(4 * rows * K);
      const hAt = take(4 * rows * K);
      const g = new Float32Array(memory.buffer, gAt, rows * K);
      const h = new Float32Array(memory.buffer, hAt, rows * K);
      for (let i = 0; i < rows * K; i++) {
        // Ties (a few repeated values), zeros, both signs and a wide range of magnitudes; with seed 2,
        // neighbouring floats (scores a few units in the last place apart: every bit of the top_rate-th
        // score decides which rows are top rows).
        const u = rng.next();
        if (seed === 2) {
          g[i] = Math.fround(1 + Math.floor(rng.next() * 4096) * 2 ** -23) * (u < 0.5 ? -1 : 1);
          h[i] = 1;
          continue;
        }
        g[i] = u < 0.1 ? 0 : u < 0.3 ? 0.25 : (rng.next() - 0.5) * 10 ** Math.floor(rng.next() * 6 - 3);
        h[i] = u < 0.05 ? 0 : rng.next();
      }
      const g0 = g.slice();
      const h0 = h.slice();
      const scoreAt = take(4 * rows);
      const inAt = take(rows);
      const countsAt = take(GOSS_COUNT_BYTES);
      // One output: the kernel also writes the final [g, h] pairs (buffer 0's, for the tree).
      const ghAt = K === 1 ? take(8 * rows) : 0;
      const topK = Math.max(1, Math.floor(rows * topRate));
      const otherK = Math.floor(rows * otherRate);
      const kept = wasmGoss(memory)(
        gAt,
        hAt,
        K,
        rows,
        scoreAt,
        inAt,
        countsAt,
        topK,
        otherK,
        rngState(seed, 9),
        Math.fround((rows - topK) / otherK),
        ghAt,
      );
      const inJs = new Uint8Array(rows);
      const keptJs = gossSample(
        g0,
        h0,
        K,
        rows,
        topRate,
        otherRate,
        new Rng(seed, 9),
        inJs,
        new Float32Array(rows),
      );
      const label = `rows ${rows} K ${K} seed ${seed}`;
      assert.equal(kept, keptJs, label);
      assert.ok(kept >= topK, label);
      assert.deepEqual(new Uint8Array(memory.buffer, inAt, rows), inJs, label);
      assert.deepEqual(g, g0, label);
      assert.deepEqual(h, h0, label);
      if (K === 1) {
        const gh = new Float32Array(memory.buffer, ghAt, 2 * rows);
        assert.deepEqual(
          gh.filter((_, i) => i % 2 === 0),
          g0,
          label,
        );
        assert.deepEqual(
          gh.filter((_, i) => i % 2 === 1),
          h0,
          label,
        );
      }
    }
  }
});

test('a context can be asked for JavaScript kernels (no wasm memory)', () => {
  const ctx = createHistContext(randomMatrix(100, 4, 10, 1), 2, 'js');
  assert.equal(ctx.memory, undefined);
  assert.equal(ctx.jsBecause, undefined, 'asked for: nothing to tell');
  assert.notEqual(createHistContext(randomMatrix(100, 4, 10, 1), 2).memory, undefined);
});

test('buffers past one wasm memory run as JavaScript, and the trainer is told why', () => {
  // A limit of 1 page (64 KiB) stands in for wasm32's 4 GiB.
  const ctx = createHistContext(randomMatrix(5000, 8, 10, 1), 2, 'auto', 0, 1);
  assert.equal(ctx.memory, undefined);
  const lines: string[] = [];
  logKernels(ctx, (level, line) => lines.push(`${level} ${line}`));
  assert.equal(lines.length, 1);
  assert.match(
    lines[0]!,
    /^warn gbdt: the engine's loops run as JavaScript .*GiB, past the .*WebAssembly memory/,
  );
  const roomy: string[] = [];
  logKernels(createHistContext(randomMatrix(5000, 8, 10, 1), 2), (_, line) => roomy.push(line));
  assert.deepEqual(roomy, []);
});

test('LightGBM flavour, 2 threads: wasm and JavaScript loops grow the same trees (narrow rows, categories, GOSS)', async () => {
  const data = synthBinary(30_000, 6, 5, 0.05);
  for (let r = 0; r < data.rows; r++) {
    const level = data.labels[r] === 1 ? r % 7 : (r % 7) + 5;
    data.features[r * data.cols + 5] = r % 17 === 0 ? Number.NaN : level;
  }
  const params = parseLgbParams({
    objective: 'binary',
    num_iterations: 15,
    num_leaves: 63,
    learning_rate: 0.2,
    categorical_feature: [5],
    data_sample_strategy: 'goss',
    num_threads: 2,
  });
  const wasm = await trainLightgbm({ train: data, params });
  const js = await trainLightgbm({ train: data, params, kernels: 'js' });
  assert.ok(
    wasm.trees.some((t) => (t.lgb?.catThreshold.length ?? 0) > 0),
    'a categorical split',
  );
  assert.deepEqual(wasm.trees, js.trees);
});

test('the wasm split scan picks what the JavaScript one picks: l2, l1, max_delta_step, minimum data and hessian, regression and binary', async () => {
  const data = synthBinary(20_000, 8, 17, 0.1);
  const values = { ...data, labels: data.labels.map((y, r) => y * 2 + Math.cos(r)) };
  for (const [train, extra] of [
    [data, { objective: 'binary', lambda_l2: 3, min_data_in_leaf: 50, min_sum_hessian_in_leaf: 2 }],
    [values, { objective: 'regression', min_data_in_leaf: 5, lambda_l2: 0.5 }],
    [data, { objective: 'binary', min_data_in_leaf: 400, min_gain_to_split: 0.5 }],
    // lambda_l1 and max_delta_step (the full variant; the clip must bind: outputs of a few units).
    [data, { objective: 'binary', lambda_l1: 2 }],
    [values, { objective: 'regression', max_delta_step: 0.3, lambda_l2: 1 }],
    [data, { objective: 'binary', lambda_l1: 0.5, max_delta_step: 0.2, lambda_l2: 0 }],
  ] as const) {
    const params = parseLgbParams({ ...extra, num_iterations: 8, num_leaves: 63, num_threads: 1 });
    const wasm = await trainLightgbm({ train, params });
    const js = await trainLightgbm({ train, params, kernels: 'js' });
    assert.ok(wasm.trees[1]!.splitConditions.length > 5, extra.objective);
    assert.deepEqual(wasm.trees, js.trees, JSON.stringify(extra));
  }
});

test('wide rows of two-byte codes (170 features, max_bin 400): wasm and JavaScript loops grow the same trees, with GOSS too', async () => {
  const data = synthBinary(6000, 170, 8, 0.02, 3);
  const params = parseLgbParams({
    objective: 'binary',
    num_iterations: 6,
    num_leaves: 31,
    max_bin: 400,
    min_data_in_bin: 1,
    num_threads: 2,
  });
  const wasm = await trainLightgbm({ train: data, params });
  const js = await trainLightgbm({ train: data, params, kernels: 'js' });
  assert.ok(wasm.trees[0]!.splitConditions.length > 10);
  assert.deepEqual(wasm.trees, js.trees);
  // GOSS from the third iteration: the left-out rows walk two-byte codes.
  const goss = { ...params, sampleStrategy: 'goss' as const, learningRate: 0.5, numIterations: 8 };
  const wasmGossModel = await trainLightgbm({ train: data, params: goss });
  const jsGossModel = await trainLightgbm({ train: data, params: goss, kernels: 'js' });
  assert.deepEqual(wasmGossModel.trees, jsGossModel.trees);
});

test('XGBoost flavour (depthwise, subsample), 2 threads: wasm and JavaScript loops grow the same trees', async () => {
  const data = synthBinary(30_000, 10, 3, 0.05);
  const params = parseXgbParams({
    objective: 'binary:logistic',
    num_boost_round: 8,
    max_depth: 6,
    subsample: 0.7,
    nthread: 2,
  });
  const wasm = await trainGbdt({ train: data, params });
  const js = await trainGbdt({ train: data, params, kernels: 'js' });
  assert.deepEqual(wasm.trees, js.trees);
});
