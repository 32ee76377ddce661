/**
 * Chained tensor methods (`x.flatten()`, `x.add(y)`) for a tfjs-core loaded on its own. The
 * `@tensorflow/tfjs` bundle and tfjs-node register them; tfjs-core's Node build does not, and its
 * register_all_chained_ops is an extensionless ESM file Node cannot import. tfjs-layers calls some
 * (the orthogonal initializer of LSTM: `flatten`), so whoever assembles a `Tf` from tfjs-core and
 * tfjs-layers must call `registerChainedOps` first. The list mirrors tfjs-core 4.22's chained_ops.
 */
import type { Tf } from './tf-api.js';

// Each of these is `op(this, ...args)`.
const PLAIN = `abs acos acosh add all any argMax argMin asin asinh atan atan2 atanh avgPool
  batchToSpaceND batchNorm broadcastTo cast ceil clipByValue conv1d conv2d conv2dTranspose cos cosh
  cumprod cumsum depthToSpace depthwiseConv2d dilation2d div divNoNan dot elu equal erf euclideanNorm
  exp expandDims expm1 fft floor floorDiv gather greater greaterEqual ifft irfft isFinite isInf isNaN
  leakyRelu less lessEqual localResponseNormalization log log1p logSigmoid logSoftmax logSumExp
  logicalAnd logicalNot logicalOr logicalXor matMul max maxPool maximum mean min minimum mirrorPad
  mod mul neg norm notEqual oneHot onesLike pad pool pow prelu prod reciprocal relu relu6 reshape
  resizeBilinear resizeNearestNeighbor reverse rfft round rsqrt selu separableConv2d sigmoid sign
  sin sinh slice softmax softplus spaceToBatchND split sqrt square squaredDifference squeeze step
  stridedSlice sub sum tan tanh tile topk transpose unique unsortedSegmentSum unstack zerosLike`
  .trim()
  .split(/\s+/);

type AnyFn = (...args: unknown[]) => unknown;
interface Shaped {
  readonly size: number;
  readonly shape: number[];
}

/** Adds tfjs' chained methods to `tf.core`'s Tensor class; a no-op where they exist already. */
export function registerChainedOps(tf: Tf): void {
  const core = tf.core as unknown as Readonly<Record<string, AnyFn>>;
  const image = tf.core.image as unknown as Readonly<Record<string, AnyFn>>;
  const proto = tf.core.Tensor.prototype as unknown as Record<string, unknown>;
  if (typeof proto['flatten'] === 'function') return;
  const op = (name: string): AnyFn => {
    const fn = core[name] ?? image[name];
    if (fn === undefined) throw new Error(`tfjs-core has no op ${name}`);
    return fn;
  };
  for (const name of PLAIN) {
    const fn = op(name);
    proto[name] = function (this: unknown, ...args: unknown[]) {
      return fn(this, ...args);
    };
  }
  const reshape = op('reshape');
  const cast = op('cast');
  const extra: Record<string, (this: Shaped, ...a: never[]) => unknown> = {
    flatten() {
      return reshape(this, [this.size]);
    },
    as1D() {
      return reshape(this, [this.size]);
    },
    as2D: function (this: Shaped, ...dims: number[]) {
      return reshape(this, dims);
    },
    asScalar() {
      return reshape(this, []);
    },
    asType(dtype: string) {
      return cast(this, dtype);
    },
    toBool() {
      return cast(this, 'bool');
    },
    toFloat() {
      return cast(this, 'float32');
    },
    toInt() {
      return cast(this, 'int32');
    },
    reshapeAs(x: Shaped) {
      return reshape(this, x.shape);
    },
    concat(x: unknown, axis?: number) {
      return op('concat')([this, ...(Array.isArray(x) ? x : [x])], axis);
    },
    stack(x: unknown, axis?: number) {
      return op('stack')([this, ...(Array.isArray(x) ? x : [x])], axis);
    },
    where(condition: unknown, x: unknown) {
      return op('where')(condition, this, x);
    },
  };
  extra['as3D'] = extra['as2D']!;
  extra['as4D'] = extra['as2D']!;
  extra['as5D'] = extra['as2D']!;
  for (const [name, fn] of Object.entries(extra)) proto[name] = fn;
}
