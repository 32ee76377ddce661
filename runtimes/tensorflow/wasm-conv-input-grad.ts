/**
 * The input gradient of a stride-1 2-D convolution as one forward conv2d (XNNPACK on wasm): a "full"
 * convolution of dy with the spatially flipped filter whose in/out channels are swapped. The stock
 * wasm Conv2DBackpropInput is a scalar C++ loop, about half of a small CNN's training step
 * (notes/tensorflow.md §1 ²); this one is ~7× faster on it.
 */
import type * as Core from '@tensorflow/tfjs-core';
import type { Conv2DBackpropInputAttrs, Tensor4D } from '@tensorflow/tfjs-core';

/**
 * dx (`attrs.inputShape`, NHWC) of conv2d(x, filter) given dy, or undefined when this case is not
 * covered (stride > 1, NCHW, or a padding wider than the kernel) and the caller must use another kernel.
 */
export function convInputGrad(
  tf: typeof Core,
  dy: Tensor4D,
  filter: Tensor4D,
  attrs: Conv2DBackpropInputAttrs,
): Tensor4D | undefined {
  if (attrs.dataFormat === 'NCHW') return undefined;
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  if (info.strideHeight !== 1 || info.strideWidth !== 1) return undefined;
  const { filterHeight: kh, filterWidth: kw, padInfo } = info;
  // Forward padding p on one side becomes k − 1 − p on the same side of dy; this keeps the output
  // exactly the input's size. Padding beyond k − 1 would need a crop instead.
  const pads = [kh - 1 - padInfo.top, kh - 1 - padInfo.bottom, kw - 1 - padInfo.left, kw - 1 - padInfo.right];
  if (pads.some((p) => p < 0)) return undefined;
  const [top, bottom, left, right] = pads as [number, number, number, number];
  return tf.tidy(() => {
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]); // [kh, kw, co, ci]
    return tf.conv2d(dy, flipped, 1, [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ]);
  });
}
