import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { NamedAttrMap, Rank, Tensor } from '@tensorflow/tfjs-core';
import { initBackend } from '../../../runtimes/tensorflow/backend.js';
import type { Tf } from '../../../runtimes/tensorflow/tf-api.js';
import { registerWasmTrainingKernels } from '../../../runtimes/tensorflow/wasm-kernels.js';

// Our wasm kernels against the cpu backend's (pure JS, straightforward loops) in the same process.

let tf: Tf;
before(async () => {
  await initBackend({ want: 'cpu', gpus: 0 }); // started through dtrain: no "install tfjs-node" banner
  tf = (await initBackend({ want: 'wasm', gpus: 0 })).tf;
});

/** A small seeded generator in [-1, 1), so a failure can be replayed. */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

/** max |a − b| over max |b| (floored at 1e-6): an error relative to the reference's scale. */
function relError(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let diff = 0;
  let scale = 1e-6;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  k: [number, number];
  s: number | [number, number];
  pad: Pad;
  format?: 'NHWC' | 'NCHW';
}

const cases: Case[] = [
  { n: 1, h: 5, w: 5, ci: 1, co: 1, k: [1, 1], s: 1, pad: 'valid' },
  { n: 4, h: 7, w: 9, ci: 3, co: 8, k: [3, 3], s: 1, pad: 'same' },
  { n: 2, h: 9, w: 7, ci: 8, co: 3, k: [3, 3], s: 2, pad: 'same' },
  { n: 1, h: 11, w: 10, ci: 3, co: 8, k: [5, 5], s: 2, pad: 'valid' },
  { n: 4, h: 6, w: 6, ci: 8, co: 8, k: [5, 5], s: 1, pad: 'same' },
  { n: 4, h: 13, w: 13, ci: 1, co: 8, k: [3, 3], s: 1, pad: 'valid' },
  // (8 − 3) is odd: x has a row no output reads at stride 2.
  { n: 1, h: 8, w: 9, ci: 3, co: 1, k: [3, 3], s: 2, pad: 'valid' },
  { n: 4, h: 10, w: 10, ci: 8, co: 3, k: [1, 1], s: 2, pad: 'same' },
  { n: 2, h: 7, w: 7, ci: 3, co: 3, k: [5, 5], s: 1, pad: 'valid' },
  // Even kernels under 'same' pad one side more than the other.
  { n: 3, h: 6, w: 9, ci: 2, co: 4, k: [2, 4], s: 1, pad: 'same' },
  { n: 2, h: 9, w: 8, ci: 3, co: 5, k: [3, 3], s: [1, 2], pad: 'valid' },
  {
    n: 2,
    h: 7,
    w: 8,
    ci: 3,
    co: 4,
    k: [3, 3],
    s: 1,
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  { n: 2, h: 8, w: 7, ci: 3, co: 4, k: [3, 3], s: 2, pad: 'same', format: 'NCHW' },
];

/** x, dy and filter shapes of a case by tfjs's own shape rules, and the attributes both kernels share. */
function shapes(c: Case) {
  const format = c.format ?? 'NHWC';
  const probe = tf.core.backend_util.computeConv2DInfo(
    format === 'NHWC' ? [c.n, c.h, c.w, c.ci] : [c.n, c.ci, c.h, c.w],
    [c.k[0], c.k[1], c.ci, c.co],
    c.s,
    1,
    c.pad,
    undefined,
    false,
    format === 'NHWC' ? 'channelsLast' : 'channelsFirst',
  );
  return {
    x: probe.inShape,
    dy: probe.outShape,
    filter: [c.k[0], c.k[1], c.ci, c.co] as [number, number, number, number],
    attrs: { strides: c.s, pad: c.pad, dataFormat: format },
  };
}

/** Runs one kernel on `backend` from fresh tensors and returns its output's values. */
async function run(
  backend: string,
  kernel: string,
  inputs: Record<string, { shape: number[]; seed: number }>,
  attrs: object,
): Promise<Float32Array> {
  assert.ok(await tf.core.setBackend(backend));
  return tf.core.tidy(() => {
    const named = Object.fromEntries(
      Object.entries(inputs).map(([name, { shape, seed }]) => [
        name,
        tf.core.tensor(
          values(
            shape.reduce((a, b) => a * b, 1),
            seed,
          ),
          shape,
        ),
      ]),
    );
    const out = tf.core.engine().runKernel(kernel, named, attrs as NamedAttrMap) as Tensor;
    return out.dataSync() as Float32Array;
  });
}

const label = (c: Case) =>
  `${c.n}×${c.h}×${c.w}×${c.ci}→${c.co} k${c.k.join('×')} s${c.s} ${typeof c.pad === 'string' ? c.pad : 'explicit'}${c.format === 'NCHW' ? ' NCHW' : ''}`;

for (const [i, c] of cases.entries()) {
  test(`dW and dx match the cpu backend to 1e-5: ${label(c)}`, async () => {
    const { x, dy, filter, attrs } = shapes(c);
    const dW = { x: { shape: x, seed: 3 * i + 1 }, dy: { shape: dy, seed: 3 * i + 2 } };
    const dWAttrs = { ...attrs, filterShape: filter };
    const dWErr = relError(
      await run('wasm', 'Conv2DBackpropFilter', dW, dWAttrs),
      await run('cpu', 'Conv2DBackpropFilter', dW, dWAttrs),
    );
    assert.ok(dWErr < 1e-5, `dW relative error ${dWErr}`);
    const dx = { dy: { shape: dy, seed: 3 * i + 2 }, filter: { shape: filter, seed: 3 * i + 3 } };
    const dxAttrs = { ...attrs, inputShape: x };
    const dxErr = relError(
      await run('wasm', 'Conv2DBackpropInput', dx, dxAttrs),
      await run('cpu', 'Conv2DBackpropInput', dx, dxAttrs),
    );
    assert.ok(dxErr < 1e-5, `dx relative error ${dxErr}`);
  });
}

test('no tensor or wasm buffer outlives a call: 50 calls of each kernel and of a conv gradient', async () => {
  const core = tf.core;
  assert.ok(await core.setBackend('wasm'));
  const x = core.tensor(values(4 * 9 * 9 * 3, 1), [4, 9, 9, 3]) as Tensor<Rank.R4>;
  const dy = core.tensor(values(4 * 9 * 9 * 8, 2), [4, 9, 9, 8]);
  const dy2 = core.tensor(values(4 * 5 * 5 * 8, 3), [4, 5, 5, 8]);
  const w = core.tensor(values(3 * 3 * 3 * 8, 4), [3, 3, 3, 8]) as Tensor<Rank.R4>;
  const conv = (strides: number, d: Tensor) => {
    const attrs = { strides, pad: 'same', dataFormat: 'NHWC' };
    core.dispose([
      core
        .engine()
        .runKernel('Conv2DBackpropFilter', { x, dy: d }, { ...attrs, filterShape: w.shape }) as Tensor,
      core
        .engine()
        .runKernel('Conv2DBackpropInput', { dy: d, filter: w }, { ...attrs, inputShape: x.shape }) as Tensor,
    ]);
  };
  const grads = core.grads((a: Tensor, b: Tensor) =>
    core.sum(core.conv2d(a as Tensor<Rank.R4>, b as Tensor<Rank.R4>, 1, 'same')),
  );
  const step = () => {
    conv(1, dy);
    conv(2, dy2); // the input gradient falls back to the stock kernel
    core.dispose(grads([x, w]));
  };
  const usage = () => [core.memory().numTensors, core.memory().numBytes, core.engine().backend.numDataIds()];
  step();
  const before = usage();
  for (let i = 0; i < 50; i++) step();
  assert.deepEqual(usage(), before);
  core.dispose([x, dy, dy2, w]);
});

test('a kernel called with bare TensorInfos (as kernels call kernels) leaves its inputs intact', async () => {
  const core = tf.core;
  assert.ok(await core.setBackend('wasm'));
  const x = core.tensor(values(2 * 7 * 7 * 3, 5), [2, 7, 7, 3]);
  const dy = core.tensor(values(2 * 5 * 5 * 4, 6), [2, 5, 5, 4]);
  const attrs = { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] };
  const viaOp = core.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as Tensor;
  const info = (t: Tensor) => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
  const before = [core.memory().numTensors, core.engine().backend.numDataIds()];
  const direct = core.getKernel('Conv2DBackpropFilter', 'wasm')!.kernelFunc({
    inputs: { x: info(x), dy: info(dy) },
    backend: core.backend(),
    attrs,
  }) as Tensor;
  assert.deepEqual(direct.dataSync(), viaOp.dataSync());
  core.dispose(direct);
  assert.deepEqual([core.memory().numTensors, core.engine().backend.numDataIds()], before);
  assert.equal(x.dataSync().length, 2 * 7 * 7 * 3, 'x is still readable');
  core.dispose([x, dy, viaOp]);
});

test('registering is idempotent, and the stock input-gradient kernel can be put back', () => {
  const inputGrad = () => tf.core.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc;
  registerWasmTrainingKernels(tf, { inputGrad: 'stock' });
  const stock = inputGrad();
  assert.equal(stock.name, 'conv2DBackpropInput', "tfjs-backend-wasm's own function");
  registerWasmTrainingKernels(tf);
  registerWasmTrainingKernels(tf);
  assert.notEqual(inputGrad(), stock);
  registerWasmTrainingKernels(tf, { inputGrad: 'stock' });
  assert.equal(inputGrad(), stock);
  registerWasmTrainingKernels(tf);
  assert.ok(tf.core.getKernel('Conv2DBackpropFilter', 'wasm'));
});

/** conv2d → conv2d → maxPool → flatten → dense, built on the current backend with given weights. */
function tinyCnn(weights: readonly Float32Array[] | undefined) {
  const { layers } = tf;
  const model = layers.sequential({
    layers: [
      layers.layers.conv2d({
        inputShape: [10, 10, 2],
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
      }),
      layers.layers.conv2d({ filters: 6, kernelSize: 3, activation: 'relu' }),
      layers.layers.maxPooling2d({ poolSize: 2 }),
      layers.layers.flatten(),
      layers.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.core.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  if (weights) model.setWeights(model.getWeights().map((w, i) => tf.core.tensor(weights[i]!, w.shape)));
  return model;
}

test('a tiny CNN trained 3 steps with tf.layers ends with the same weights on wasm as on cpu', async () => {
  const core = tf.core;
  const xs = values(6 * 10 * 10 * 2, 7);
  const labels = Float32Array.from({ length: 6 * 3 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0));
  const train = async (backend: string, init: readonly Float32Array[] | undefined) => {
    assert.ok(await core.setBackend(backend));
    const model = tinyCnn(init);
    const start = model.getWeights().map((w) => w.dataSync() as Float32Array);
    const x = core.tensor(xs, [6, 10, 10, 2]);
    const y = core.tensor(labels, [6, 3]);
    for (let step = 0; step < 3; step++) await model.trainOnBatch(x, y);
    const end = model.getWeights().map((w) => w.dataSync() as Float32Array);
    core.dispose([x, y]);
    model.dispose();
    return { start, end };
  };
  const wasm = await train('wasm', undefined);
  const cpu = await train('cpu', wasm.start);
  assert.ok(await core.setBackend('wasm'));
  for (const [i, w] of wasm.end.entries()) {
    assert.ok(relError(w, wasm.start[i]!) > 1e-4, `weight ${i} moved`);
    const err = relError(w, cpu.end[i]!);
    assert.ok(err < 1e-4, `weight ${i}: relative error ${err}`);
  }
});
