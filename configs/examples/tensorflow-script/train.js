// A Fashion-MNIST MLP in TensorFlow.js. train-single.js runs it in one process (node train-single.js);
// train.js is the same program under dtrain (dtrain run job.yaml): diff train-single.js train.js

export default async function main(dt) {
  const tf = dt.tf;
  const { x, y } = dt.data.train;
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      tf.layers.dense({ units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  const optimizer = dt.distributedOptimizer(tf.train.adam(0.001));
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  await dt.broadcastWeights(model);
  const history = await model.fit(x, tf.oneHot(tf.cast(y, 'int32'), 10), {
    epochs: 2,
    batchSize: 64,
    callbacks: dt.callbacks(),
  });
  console.log('final loss', history.history.loss.at(-1));
  await dt.saveModel(model);
}
