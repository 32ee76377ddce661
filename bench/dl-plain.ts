/**
 * The baseline of bench/dl: a plain tfjs training loop (no dtrain, no collectives) on the same
 * backend, model, data and batch as the dtrain job — `variableGrads` + `applyGradients`, which the
 * notes measured as fast as `model.fit`. Prints one JSON line: {"samplesPerSec": N}.
 *   node dist/bench/dl-plain.js MODEL_JSON IMAGES BATCH EPOCHS
 */
import { readFileSync } from 'node:fs';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { initBackend } from '../runtimes/tensorflow/backend.js';
import { registerChainedOps } from '../runtimes/tensorflow/chained-ops.js';
import { compileOptions } from '../runtimes/tensorflow/compile-options.js';
import { buildModel } from '../runtimes/tensorflow/model-spec.js';
import { classCount, epochOrder, gatherRows, readTable } from '../runtimes/tensorflow/tf-data.js';

const [modelPath, images, batchText, epochsText] = process.argv.slice(2);
const batch = Number(batchText);
const epochs = Number(epochsText);
const { tf } = await initBackend({ want: 'wasm', gpus: 0 });
registerChainedOps(tf);
const table = await readTable(images!, { format: 'idx', label: undefined, displayName: images! });
const classes = classCount(table, images!);
const block = JSON.parse(readFileSync(modelPath!, 'utf8')) as Record<string, unknown>;
const model = await buildModel(tf, block, { inputShape: [...table.inputShape], outputs: classes }, '.');
const compiled = compileOptions(tf, { optimizer: 'adam', loss: 'categoricalCrossentropy' });
model.compile(compiled);
const vars = model.trainableWeights.map((w) => (w as unknown as { val: never }).val);
const steps = Math.floor(table.rows / batch);
const total = steps * epochs;
const warm = Math.floor(total / 5);
let done = 0;
let t0 = 0;
for (let e = 0; e < epochs; e++) {
  const order = epochOrder(table.rows, 1, e);
  for (let s = 0; s < steps; s++) {
    if (done === warm) t0 = performance.now();
    const idx = order.subarray(s * batch, (s + 1) * batch);
    tf.core.tidy(() => {
      const { x, y } = gatherRows(table, idx, 'onehot', classes);
      const xs = tf.core.tensor(x, [idx.length, ...table.inputShape]);
      const ys = tf.core.tensor(y, [idx.length, classes]);
      const { grads } = tf.core.variableGrads(
        () =>
          tf.core.mean(
            tf.layers.metrics.categoricalCrossentropy(ys, model.apply(xs, { training: true }) as Tensor),
          ) as Scalar,
        vars,
      );
      compiled.optimizer.applyGradients(grads);
    });
    done++;
  }
}
const secs = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ samplesPerSec: ((total - warm) * batch) / secs }));
