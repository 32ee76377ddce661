import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatProblem } from '../../configs/job-spec.js';
import { parseJob } from '../../configs/parse-job.js';

const problems = (text: string) => parseJob(text, 'job.yaml').problems.map(formatProblem);

test('tfjs and Keras spellings of layers, arguments, optimizers, losses and metrics all validate', () => {
  const job = `framework: tensorflow
model:
  layers:
    - Conv2D: {filters: 8, kernel_size: 3, input_shape: [28, 28, 1], kernelInitializer: he_normal}
    - MaxPooling2D: {pool_size: 2}
    - batch_normalization: {momentum: 0.9}
    - averagePooling2d: {poolSize: [2, 2], strides: 1}
    - flatten:
    - Dropout: {rate: 0.25}
    - dense: {units: 10, activation: softmax, use_bias: true}
params:
  optimizer: RMSProp
  momentum: 0.5
  loss: sparse_categorical_crossentropy
  metrics: [acc, categorical_accuracy, mse]
  validation_split: 0.1
  shuffle: false
`;
  assert.deepEqual(problems(job), []);
  const rnn = `framework: tensorflow
model:
  layers:
    - embedding: {input_dim: 100, output_dim: 8, input_length: 20}
    - LSTM: {units: 16, return_sequences: false, recurrent_dropout: 0.1}
    - reshape: {target_shape: [4, 4]}
params: {optimizer: sgd, loss: mse, metrics: mae}
`;
  assert.deepEqual(problems(rnn), []);
});

test('unknown names list the choices when nothing is near', () => {
  assert.deepEqual(
    problems('framework: tensorflow\nmodel: {layers: [{transformer: {}}]}\nparams: {optimizer: lbfgs}\n'),
    [
      'job.yaml:2:19  model.layers.0.transformer: unknown layer; one of dense, conv2d, maxPooling2d, averagePooling2d, flatten, dropout, batchNormalization, embedding, lstm, reshape',
      'job.yaml:3:21  params.optimizer: unknown optimizer; one of sgd, momentum, adam, adamax, rmsprop, adagrad, adadelta (got "lbfgs")',
    ],
  );
});
