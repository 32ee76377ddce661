import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DtrainError } from '../../../configs/errors.js';
import {
  TENSORFLOW_LAYERS,
  TENSORFLOW_LOSSES,
  TENSORFLOW_METRICS,
  TENSORFLOW_OPTIMIZERS,
} from '../../../configs/params/index.js';
import { compileOptions, makeOptimizer } from '../../../runtimes/tensorflow/compile-options.js';
import { buildModel } from '../../../runtimes/tensorflow/model-spec.js';
import { tempFiles } from '../data/temp-files.js';
import { cpuTf } from './tf-cpu.js';

const tf = await cpuTf();

test('layers with Keras spellings build a sequential model; the first layer gets the input shape', async () => {
  const model = await buildModel(
    tf,
    {
      layers: [
        { reshape: { target_shape: [8, 8, 1] } },
        { Conv2D: { filters: 4, kernel_size: 3, activation: 'relu', kernel_initializer: 'he_normal' } },
        { max_pooling2d: { pool_size: 2 } },
        { batch_normalization: null },
        { flatten: {} },
        { dropout: { rate: 0.1 } },
        { dense: { units: 3, activation: 'softmax' } },
      ],
    },
    { inputShape: [64], outputs: 3 },
    '.',
  );
  assert.deepEqual(model.inputs[0]?.shape, [null, 64]);
  assert.deepEqual(model.outputs[0]?.shape, [null, 3]);
  assert.deepEqual(
    model.layers.map((l) => l.getClassName()),
    ['Reshape', 'Conv2D', 'MaxPooling2D', 'BatchNormalization', 'Flatten', 'Dropout', 'Dense'],
  );
  assert.deepEqual(model.layers[1]?.getConfig()['kernelSize'], [3, 3]);
});

test('a written input shape wins; embedding and lstm build', async () => {
  const model = await buildModel(
    tf,
    {
      layers: [
        { embedding: { input_dim: 20, output_dim: 4, input_shape: [5] } },
        { lstm: { units: 6, return_sequences: false } },
        { dense: { units: 1, activation: 'sigmoid' } },
      ],
    },
    { inputShape: [999], outputs: 1 },
    '.',
  );
  assert.deepEqual(model.inputs[0]?.shape, [null, 5]);
});

test('the output width must match the data; nothing is appended', async () => {
  await assert.rejects(
    buildModel(tf, { layers: [{ dense: { units: 4 } }] }, { inputShape: [3], outputs: 2 }, '.'),
    (e: unknown) =>
      e instanceof DtrainError && /last layer gives 4 outputs but the data needs 2/.test(e.message),
  );
});

test('a module builds the model with the tf it is given', async () => {
  const files = tempFiles();
  files.file(
    'model.js',
    `export default (tf, io) => tf.layers.sequential({layers: [
       tf.layers.layers.dense({units: io.outputs, inputShape: io.inputShape})]});\n`,
  );
  files.file('named.js', 'export function buildModel(tf, io) { return 42; }\n');
  const model = await buildModel(tf, { module: './model.js' }, { inputShape: [7], outputs: 2 }, files.dir);
  assert.deepEqual(model.outputs[0]?.shape, [null, 2]);
  await assert.rejects(
    buildModel(tf, { module: 'named.js' }, { inputShape: [7], outputs: 2 }, files.dir),
    /must return a LayersModel built with the `tf` it is given/,
  );
  await assert.rejects(
    buildModel(tf, { script: './train.js' }, { inputShape: [7], outputs: 2 }, files.dir),
    /a `script:` builds its own/,
  );
});

test('compile options: names in either spelling, learning rates and tfjs defaults', () => {
  const o = compileOptions(tf, {
    optimizer: 'RMSProp',
    learning_rate: 0.05,
    loss: 'categorical_crossentropy',
    metrics: ['acc', 'categorical_accuracy'],
  });
  assert.equal(o.optimizer.getClassName(), 'RMSProp');
  assert.equal(o.optimizer.getConfig()['learningRate'], 0.05);
  assert.equal(o.loss, 'categoricalCrossentropy');
  assert.deepEqual(o.metrics, ['accuracy', 'categoricalAccuracy']);
  assert.equal(compileOptions(tf, { loss: 'mse', metrics: 'mae' }).loss, 'meanSquaredError');
  const rates = ['sgd', 'momentum', 'adam', 'adamax', 'rmsprop', 'adagrad', 'adadelta'].map(
    (name) => makeOptimizer(tf, { optimizer: name }).getConfig()['learningRate'],
  );
  assert.deepEqual(rates, [0.01, 0.01, 0.001, 0.002, 0.001, 0.01, 0.001]);
  assert.equal(makeOptimizer(tf, {}).getClassName(), 'Adam');
  assert.equal(makeOptimizer(tf, { optimizer: 'momentum', momentum: 0.5 }).getConfig()['momentum'], 0.5);
});

test('every name the job-file check accepts is one tfjs knows', async () => {
  for (const name of Object.keys(TENSORFLOW_LAYERS))
    assert.equal(typeof (tf.layers.layers as unknown as Record<string, unknown>)[name], 'function', name);
  for (const name of TENSORFLOW_OPTIMIZERS) makeOptimizer(tf, { optimizer: name });
  const model = await buildModel(
    tf,
    { layers: [{ dense: { units: 2, activation: 'softmax' } }] },
    { inputShape: [3], outputs: 2 },
    '.',
  );
  // compile resolves every loss and metric name, and throws on one tfjs does not know.
  for (const loss of TENSORFLOW_LOSSES)
    model.compile({ optimizer: 'sgd', loss, metrics: [...TENSORFLOW_METRICS] });
  assert.throws(() => model.compile({ optimizer: 'sgd', loss: 'nope' }), /Unknown loss nope/);
});

test('a seed makes the random initial weights repeatable (written or default initializers), and another seed changes them', async () => {
  const block = {
    layers: [
      { conv2d: { filters: 2, kernel_size: 3, kernel_initializer: 'he_normal' } },
      { flatten: {} },
      { dense: { units: 3 } },
    ],
  };
  const weights = async (seed: number) => {
    const m = await buildModel(tf, block, { inputShape: [5, 5, 1], outputs: 3, seed }, '.');
    return m.getWeights().map((w) => Array.from(w.dataSync()));
  };
  const a = await weights(5);
  assert.deepEqual(await weights(5), a);
  const b = await weights(6);
  assert.notDeepEqual(b[0], a[0]);
  assert.notDeepEqual(b[2], a[2]);
});
