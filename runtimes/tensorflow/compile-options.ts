/**
 * `params:` → the optimizer, loss and metrics of `model.compile`. Names were checked when the job file
 * was parsed (configs/check-tensorflow.ts); Keras spellings map to tfjs ones through the same lists.
 */
import type { Optimizer } from '@tensorflow/tfjs-core';
import { DtrainError } from '../../configs/errors.js';
import { canonicalLoss, canonicalMetric, canonicalOptimizer } from '../../configs/params/index.js';
import type { Tf } from './tf-api.js';

/** What `model.compile` takes, with tfjs names. */
export interface CompileOptions {
  readonly optimizer: Optimizer;
  readonly loss: string;
  readonly metrics: string[];
}

/**
 * Learning rates when `learning_rate` is not set: tfjs-layers' own defaults for its string names
 * (`model.compile({optimizer: 'sgd'})`), and tf.train's for those it has no string for.
 */
export const DEFAULT_LEARNING_RATES: Readonly<Record<string, number>> = {
  sgd: 0.01,
  momentum: 0.01,
  adam: 0.001,
  adamax: 0.002,
  rmsprop: 0.001,
  adagrad: 0.01,
  adadelta: 0.001,
};

/** The optimizer when `optimizer` is not set. */
export const DEFAULT_OPTIMIZER = 'adam';
/** The `momentum` optimizer's momentum when `params.momentum` is not set (Keras' usual value). */
export const DEFAULT_MOMENTUM = 0.9;

/**
 * A fresh optimizer and the loss and metric names from `params`. `defaultLoss` is used when the job
 * sets no `loss` (the trainer knows the task: e.g. sparseCategoricalCrossentropy for IDX classes).
 */
export function compileOptions(
  tf: Tf,
  params: Readonly<Record<string, unknown>>,
  defaultLoss = 'meanSquaredError',
): CompileOptions {
  const lossName = typeof params['loss'] === 'string' ? params['loss'] : defaultLoss;
  const loss = canonicalLoss(lossName);
  if (loss === undefined) throw internal(`unknown loss ${lossName}`);
  const written = params['metrics'];
  const metricNames = written === undefined ? [] : Array.isArray(written) ? written : [written];
  const metrics = metricNames.map((m) => {
    const name = canonicalMetric(String(m));
    if (name === undefined) throw internal(`unknown metric ${String(m)}`);
    return name;
  });
  return { optimizer: makeOptimizer(tf, params), loss, metrics };
}

/** A fresh optimizer for `params.optimizer` and `params.learning_rate` (defaults above). */
export function makeOptimizer(tf: Tf, params: Readonly<Record<string, unknown>>): Optimizer {
  const written = typeof params['optimizer'] === 'string' ? params['optimizer'] : DEFAULT_OPTIMIZER;
  const name = canonicalOptimizer(written);
  if (name === undefined) throw internal(`unknown optimizer ${written}`);
  const rate =
    typeof params['learning_rate'] === 'number' ? params['learning_rate'] : DEFAULT_LEARNING_RATES[name];
  const lr = rate ?? 0.01;
  const train = tf.core.train;
  switch (name) {
    case 'sgd':
      return train.sgd(lr);
    case 'momentum': {
      const m = typeof params['momentum'] === 'number' ? params['momentum'] : DEFAULT_MOMENTUM;
      return train.momentum(lr, m);
    }
    case 'adam':
      return train.adam(lr);
    case 'adamax':
      return train.adamax(lr);
    case 'rmsprop':
      return train.rmsprop(lr);
    case 'adagrad':
      return train.adagrad(lr);
    default:
      return train.adadelta(lr);
  }
}

// The job file was validated from the same lists, so reaching this is a bug, not a user mistake.
function internal(message: string): DtrainError {
  return new DtrainError('E_INTERNAL', `${message} (the job file check should have caught this)`, {
    category: 'internal',
  });
}
