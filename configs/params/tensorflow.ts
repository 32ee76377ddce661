/**
 * The names a tensorflow job may use, shared by the job-file checks (check-tensorflow.ts) and the
 * runtime that builds the model (runtimes/tensorflow/model-spec.ts), so that what validates is what
 * builds. Names are the tfjs ones (camelCase); Keras spellings are accepted too: a name matches when
 * it equals a known one after dropping `_` and case (`max_pooling2d`, `MaxPooling2D` → maxPooling2d;
 * `categorical_crossentropy` → categoricalCrossentropy), or through the short aliases listed here.
 */

/** Arguments every layer accepts (tfjs `LayerArgs`). */
const COMMON_ARGS = [
  'inputShape',
  'batchInputShape',
  'batchSize',
  'dtype',
  'name',
  'trainable',
  'inputDType',
];

const KERNEL_ARGS = [
  'activation',
  'useBias',
  'kernelInitializer',
  'biasInitializer',
  'kernelConstraint',
  'biasConstraint',
  'kernelRegularizer',
  'biasRegularizer',
  'activityRegularizer',
];

const RNN_ARGS = [
  'units',
  ...KERNEL_ARGS,
  'recurrentActivation',
  'recurrentInitializer',
  'recurrentRegularizer',
  'recurrentConstraint',
  'unitForgetBias',
  'implementation',
  'dropout',
  'recurrentDropout',
  'returnSequences',
  'returnState',
  'goBackwards',
  'stateful',
  'unroll',
  'inputDim',
  'inputLength',
];

const POOL_ARGS = ['poolSize', 'strides', 'padding', 'dataFormat'];

/** The layers a `model.layers` entry may name (tfjs `tf.layers.*` factory names) and their arguments. */
export const TENSORFLOW_LAYERS: Readonly<Record<string, readonly string[]>> = {
  dense: ['units', ...KERNEL_ARGS, 'inputDim'],
  conv2d: ['filters', 'kernelSize', 'strides', 'padding', 'dataFormat', 'dilationRate', ...KERNEL_ARGS],
  maxPooling2d: POOL_ARGS,
  averagePooling2d: POOL_ARGS,
  flatten: ['dataFormat'],
  dropout: ['rate', 'noiseShape', 'seed'],
  batchNormalization: [
    'axis',
    'momentum',
    'epsilon',
    'center',
    'scale',
    'betaInitializer',
    'gammaInitializer',
    'movingMeanInitializer',
    'movingVarianceInitializer',
    'betaConstraint',
    'gammaConstraint',
    'betaRegularizer',
    'gammaRegularizer',
  ],
  embedding: [
    'inputDim',
    'outputDim',
    'embeddingsInitializer',
    'embeddingsRegularizer',
    'activityRegularizer',
    'embeddingsConstraint',
    'maskZero',
    'inputLength',
  ],
  lstm: RNN_ARGS,
  reshape: ['targetShape'],
};

const LAYER_ALIASES: Readonly<Record<string, string>> = {
  maxpool2d: 'maxPooling2d',
  avgpool2d: 'averagePooling2d',
  averagepool2d: 'averagePooling2d',
  avgpooling2d: 'averagePooling2d',
};

/** Optimizer names (tfjs `tf.train.*`); `learning_rate` applies to each. */
export const TENSORFLOW_OPTIMIZERS: readonly string[] = [
  'sgd',
  'momentum',
  'adam',
  'adamax',
  'rmsprop',
  'adagrad',
  'adadelta',
];

/** Loss names tfjs `model.compile` accepts. */
export const TENSORFLOW_LOSSES: readonly string[] = [
  'meanSquaredError',
  'meanAbsoluteError',
  'meanAbsolutePercentageError',
  'meanSquaredLogarithmicError',
  'squaredHinge',
  'hinge',
  'categoricalHinge',
  'logcosh',
  'categoricalCrossentropy',
  'sparseCategoricalCrossentropy',
  'binaryCrossentropy',
  'kullbackLeiblerDivergence',
  'poisson',
  'cosineProximity',
];

const LOSS_ALIASES: Readonly<Record<string, string>> = {
  mse: 'meanSquaredError',
  mae: 'meanAbsoluteError',
  mape: 'meanAbsolutePercentageError',
  msle: 'meanSquaredLogarithmicError',
  kld: 'kullbackLeiblerDivergence',
  kldivergence: 'kullbackLeiblerDivergence',
  cosine: 'cosineProximity',
};

/** Metric names tfjs `model.compile` accepts (`accuracy` picks binary/categorical from the loss). */
export const TENSORFLOW_METRICS: readonly string[] = [
  'accuracy',
  'binaryAccuracy',
  'categoricalAccuracy',
  'precision',
  'crossentropy',
  'categoricalCrossentropy',
  'sparseCategoricalCrossentropy',
  'mse',
  'mae',
  'mape',
  'cosine',
];

const METRIC_ALIASES: Readonly<Record<string, string>> = {
  acc: 'accuracy',
  ce: 'crossentropy',
  meansquarederror: 'mse',
  meanabsoluteerror: 'mae',
  meanabsolutepercentageerror: 'mape',
};

const fold = (name: string): string => name.replace(/_/g, '').toLowerCase();

function canonical(
  name: string,
  known: readonly string[],
  aliases: Readonly<Record<string, string>>,
): string | undefined {
  const key = fold(name);
  return known.find((k) => fold(k) === key) ?? aliases[key];
}

/** The tfjs layer factory `name` means (`max_pooling2d` → `maxPooling2d`), or undefined. */
export function canonicalLayer(name: string): string | undefined {
  return canonical(name, Object.keys(TENSORFLOW_LAYERS), LAYER_ALIASES);
}

/** The optimizer `name` means (`RMSProp` → `rmsprop`), or undefined. */
export function canonicalOptimizer(name: string): string | undefined {
  return canonical(name, TENSORFLOW_OPTIMIZERS, {});
}

/** The tfjs loss `name` means (`binary_crossentropy`, `mse` → tfjs names), or undefined. */
export function canonicalLoss(name: string): string | undefined {
  return canonical(name, TENSORFLOW_LOSSES, LOSS_ALIASES);
}

/** The tfjs metric `name` means (`categorical_accuracy` → `categoricalAccuracy`), or undefined. */
export function canonicalMetric(name: string): string | undefined {
  return canonical(name, TENSORFLOW_METRICS, METRIC_ALIASES);
}

/** The arguments layer `layer` (a canonical name) accepts, in tfjs spelling. */
export function layerArgs(layer: string): readonly string[] {
  return [...COMMON_ARGS, ...(TENSORFLOW_LAYERS[layer] ?? [])];
}

/** A Keras argument name in tfjs spelling: `kernel_size` → `kernelSize` (camelCase stays as is). */
export function camelArg(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
