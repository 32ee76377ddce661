// A Fashion-MNIST MLP in TensorFlow.js. train-single.js runs it in one process (node train-single.js);
// train.js is the same program under dtrain (dtrain run job.yaml): diff train-single.js train.js
import * as core from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import * as layers from '@tensorflow/tfjs-layers';
import { loadFashionMnist } from './load-fashion-mnist.js';

async function main(tf) {
  const { x, y } = loadFashionMnist(tf, '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz');
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      tf.layers.dense({ units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  const optimizer = tf.train.adam(0.001);
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(x, tf.oneHot(tf.cast(y, 'int32'), 10), {
    epochs: 2,
    batchSize: 64,
  });
  console.log('final loss', history.history.loss.at(-1));
}

await core.setBackend('wasm');
await main({ ...core, ...layers });
