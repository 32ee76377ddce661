/**
 * The filter gradient of a 2-D convolution built from forward conv2d ops only, so that on the wasm
 * backend XNNPACK does the work. Stock tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel at
 * all (tensorflow/tfjs#8474), so without this no conv layer can train on wasm.
 *
 * For NHWC, dW[kh, kw, ci, co] = Σ_{n, i, j} xpad[n, i·s + kh, j·s + kw, ci] · dy[n, i, j, co]. That is a
 * forward (cross-correlation) conv2d with the input channels as the batch, the batch as the channels,
 * and dy as the filter — with the forward stride turned into the dilation of that filter.
 */
import type * as Core from '@tensorflow/tfjs-core';
import type { Conv2DBackpropFilterAttrs, Tensor4D } from '@tensorflow/tfjs-core';

/** dW ([kh, kw, ci, co]) of conv2d(x, W) given x and dy, in x's and dy's data format; dilations are 1. */
export function convFilterGrad(
  tf: typeof Core,
  x: Tensor4D,
  dy: Tensor4D,
  attrs: Conv2DBackpropFilterAttrs,
): Tensor4D {
  const nchw = attrs.dataFormat === 'NCHW';
  const info = tf.backend_util.computeConv2DInfo(
    x.shape,
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    nchw ? 'channelsFirst' : 'channelsLast',
  );
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, padInfo } = info;
  // Only the rows and columns some output position reads: pad the far side up to that, never more.
  const bottom = Math.max(0, (info.outHeight - 1) * sh + kh - info.inHeight - padInfo.top);
  const right = Math.max(0, (info.outWidth - 1) * sw + kw - info.inWidth - padInfo.left);
  return tf.tidy(() => {
    // wasm's Conv2D is NHWC only; NCHW costs two transposes more.
    const xs = nchw ? tf.transpose(x, [0, 2, 3, 1]) : x;
    const dys = nchw ? tf.transpose(dy, [0, 2, 3, 1]) : dy;
    const xT = tf.transpose(xs, [3, 1, 2, 0]); // [ci, H, W, N]
    const dyT = tf.transpose(dys, [1, 2, 0, 3]); // [oh, ow, N, co]
    let g: Tensor4D = tf.conv2d(
      xT,
      dyT,
      1,
      [
        [0, 0],
        [padInfo.top, bottom],
        [padInfo.left, right],
        [0, 0],
      ],
      'NHWC',
      [sh, sw],
    );
    // With 'valid' and a stride that does not divide (H − kh), x has rows no output reads; the
    // conv then yields more than kh rows, and only the first kh are filter taps.
    if (g.shape[1] !== kh || g.shape[2] !== kw) g = tf.slice(g, [0, 0, 0, 0], [-1, kh, kw, -1]);
    return tf.transpose(g, [1, 2, 0, 3]); // [kh, kw, ci, co]
  });
}
