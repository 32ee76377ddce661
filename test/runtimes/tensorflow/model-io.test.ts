import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { loadModel, loadOptimizerState, saveModel } from '../../../runtimes/tensorflow/model-io.js';
import { tempFiles } from '../data/temp-files.js';
import { cpuTf } from './tf-cpu.js';

const tf = await cpuTf();
const x = tf.core.tensor2d([0.1, 0.2, 0.3, 0.4, -1, 2, 0.5, 0.5, 3, -2, 1, 0], [3, 4]);
const y = tf.core.tensor2d([1, 0, 0, 1, 1, 0], [3, 2]);

function model(seed: number): LayersModel {
  const init = tf.layers.initializers.glorotUniform({ seed });
  return tf.layers.sequential({
    layers: [
      tf.layers.layers.dense({ units: 5, activation: 'relu', inputShape: [4], kernelInitializer: init }),
      tf.layers.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: init }),
    ],
  });
}

const predict = (m: LayersModel) =>
  Array.from((m.predict(x) as ReturnType<typeof tf.core.tensor>).dataSync());
const weights = (m: LayersModel) => m.getWeights().flatMap((w) => Array.from(w.dataSync()));

test('a saved model loads back with exactly the same predictions, in the tfjs layers-model format', async () => {
  const files = tempFiles();
  const dir = join(files.dir, 'model');
  const m = model(1);
  await saveModel(tf, m, dir);
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  assert.equal(json.format, 'layers-model');
  assert.equal(json.convertedBy, null);
  assert.match(json.generatedBy, /TensorFlow\.js/);
  assert.deepEqual(json.weightsManifest[0].paths, ['weights.bin']);
  const specs: { shape: number[] }[] = json.weightsManifest[0].weights;
  const floats = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  assert.equal(readFileSync(join(dir, 'weights.bin')).length, 4 * floats);
  assert.deepEqual(predict(await loadModel(tf, dir)), predict(m));
  // The files alone are enough for plain tfjs: model.json's topology and specs plus the .bin bytes.
  const bin = readFileSync(join(dir, 'weights.bin'));
  const direct = await tf.layers.loadLayersModel(
    tf.core.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0].weights,
      weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length),
    }),
  );
  assert.deepEqual(predict(direct), predict(m));
  assert.equal(existsSync(join(dir, 'optimizer.json')), false);
});

test('adam state restored: two more steps after a restore equal two more steps without one', async () => {
  const files = tempFiles();
  const dir = join(files.dir, 'ckpt');
  const a = model(2);
  a.compile({ optimizer: tf.core.train.adam(0.05), loss: 'categoricalCrossentropy' });
  for (let i = 0; i < 3; i++) await a.trainOnBatch(x, y);
  await saveModel(tf, a, dir, { includeOptimizer: true });
  for (let i = 0; i < 2; i++) await a.trainOnBatch(x, y);

  const b = await loadModel(tf, dir);
  const optimizer = tf.core.train.adam(0.05);
  assert.equal(await loadOptimizerState(tf, optimizer, dir), true);
  assert.equal(optimizer.iterations, 3);
  b.compile({ optimizer, loss: 'categoricalCrossentropy' });
  for (let i = 0; i < 2; i++) await b.trainOnBatch(x, y);
  const [wa, wb] = [weights(a), weights(b)];
  assert.equal(wa.length, wb.length);
  for (let i = 0; i < wa.length; i++) assert.ok(Math.abs(wa[i]! - wb[i]!) < 1e-6, `weight ${i}`);

  // Without the state, Adam restarts its moments and the weights differ: the test can tell.
  const c = await loadModel(tf, dir);
  c.compile({ optimizer: tf.core.train.adam(0.05), loss: 'categoricalCrossentropy' });
  for (let i = 0; i < 2; i++) await c.trainOnBatch(x, y);
  assert.ok(weights(c).some((w, i) => Math.abs(w - wa[i]!) > 1e-4));

  await assert.rejects(loadOptimizerState(tf, tf.core.train.sgd(0.1), dir), /is Adam's, not SGD's/);
  await saveModel(tf, a, join(files.dir, 'bare'));
  assert.equal(await loadOptimizerState(tf, tf.core.train.adam(0.1), join(files.dir, 'bare')), false);
});

test('a crash leaves the old or the new folder whole, and the next save cleans up', async () => {
  const files = tempFiles();
  const dir = join(files.dir, 'model');
  const [v1, v2, v3] = [model(11), model(12), model(13)];
  await saveModel(tf, v1, dir);

  // Crash while writing the new folder: a torn DIR.new is ignored, DIR (v1) still loads.
  mkdirSync(`${dir}.new`);
  writeFileSync(`${dir}.new/weights.bin`, 'torn');
  assert.deepEqual(predict(await loadModel(tf, dir)), predict(v1));

  // Crash between the two renames: no DIR, a complete DIR.new (v2) and DIR.old (v1).
  await saveModel(tf, v2, join(files.dir, 'staged'));
  renameSync(dir, `${dir}.old`);
  cpSync(join(files.dir, 'staged'), `${dir}.new`, { recursive: true, force: true });
  assert.deepEqual(predict(await loadModel(tf, dir)), predict(v2));

  await saveModel(tf, v3, dir);
  assert.deepEqual(predict(await loadModel(tf, dir)), predict(v3));
  assert.equal(existsSync(`${dir}.new`), false);
  assert.equal(existsSync(`${dir}.old`), false);

  // Only DIR.old survives (DIR.new torn): the old model is what loads.
  renameSync(dir, `${dir}.old`);
  mkdirSync(`${dir}.new`);
  assert.deepEqual(predict(await loadModel(tf, dir)), predict(v3));
  await assert.rejects(loadModel(tf, join(files.dir, 'nothing')), /no model\.json/);
});
