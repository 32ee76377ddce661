/**
 * dtrain's training kernels for tfjs-backend-wasm 4.22: Conv2DBackpropFilter, which the stock backend
 * lacks, and a Conv2DBackpropInput that runs stride-1 cases on XNNPACK and hands every other case to
 * the stock kernel. Both are composed of tf ops; see `kernelOutput` for how such a kernel returns.
 */
import type {
  Conv2DBackpropFilterAttrs,
  Conv2DBackpropInputAttrs,
  KernelConfig,
  KernelFunc,
  Tensor,
  Tensor4D,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import type { Tf } from './tf-api.js';
import { convFilterGrad } from './wasm-conv-filter-grad.js';
import { convInputGrad } from './wasm-conv-input-grad.js';

const FILTER_GRAD = 'Conv2DBackpropFilter';
const INPUT_GRAD = 'Conv2DBackpropInput';

/** Which Conv2DBackpropInput runs: ours (XNNPACK for stride 1, stock otherwise) or stock everywhere. */
export type InputGradKernel = 'xnnpack' | 'stock';

// The kernel registry is global to the process (tfjs keeps it on globalThis), so the stock kernel is
// remembered once, and ours are recognised by identity to keep registration idempotent.
let stockInputGrad: KernelConfig | undefined;
const ours = new WeakSet<KernelFunc>();

/**
 * Registers dtrain's wasm training kernels on tf's kernel registry; call it after tfjs-backend-wasm is
 * loaded (`initBackend` does), so that the stock input-gradient kernel is there to fall back to.
 * Idempotent; `inputGrad: 'stock'` puts the stock input-gradient kernel back (the bench compares them).
 */
export function registerWasmTrainingKernels(tf: Tf, opts: { inputGrad?: InputGradKernel } = {}): void {
  const current = tf.core.getKernel(INPUT_GRAD, 'wasm');
  if (current && !ours.has(current.kernelFunc)) stockInputGrad = current;
  const stock = stockInputGrad;
  replaceKernel(tf, ourKernel(FILTER_GRAD, filterGradKernel(tf)));
  if (opts.inputGrad === 'stock') {
    if (stock) replaceKernel(tf, stock);
    return;
  }
  replaceKernel(tf, {
    ...ourKernel(INPUT_GRAD, inputGradKernel(tf, stock)),
    // The stock kernel's setup binds its C++ entry point; it must run if the backend starts later.
    ...(stock?.setupFunc ? { setupFunc: stock.setupFunc } : {}),
  });
}

function ourKernel(kernelName: string, kernelFunc: KernelFunc): KernelConfig {
  ours.add(kernelFunc);
  return { kernelName, backendName: 'wasm', kernelFunc };
}

function replaceKernel(tf: Tf, config: KernelConfig): void {
  if (tf.core.getKernel(config.kernelName, 'wasm')) tf.core.unregisterKernel(config.kernelName, 'wasm');
  tf.core.registerKernel(config);
}

function filterGradKernel(tf: Tf): KernelFunc {
  return ({ inputs, backend, attrs }) =>
    kernelOutput(tf, backend, [inputs['x']!, inputs['dy']!], ([x, dy]) =>
      convFilterGrad(tf.core, x!, dy!, attrs as unknown as Conv2DBackpropFilterAttrs),
    );
}

function inputGradKernel(tf: Tf, stock: KernelConfig | undefined): KernelFunc {
  return (params) => {
    const { inputs, backend, attrs } = params;
    const out = kernelOutput(tf, backend, [inputs['dy']!, inputs['filter']!], ([dy, filter]) =>
      convInputGrad(tf.core, dy!, filter!, attrs as unknown as Conv2DBackpropInputAttrs),
    );
    if (out) return out;
    if (!stock) throw new Error(`${INPUT_GRAD}: only stride 1 NHWC is covered and no stock kernel exists`);
    return stock.kernelFunc(params);
  };
}

/**
 * Runs `body` (tf ops) inside a tidy and returns its result as the kernel's output. The engine takes
 * a returned Tensor as the output as it is (it only wraps bare TensorInfos in new Tensors). Returning
 * the `{dataId, shape, dtype}` of the kept tensor instead would leave that tensor tracked alongside
 * the engine's new wrapper: one tensor leaked per call.
 */
function kernelOutput<T extends Tensor | undefined>(
  tf: Tf,
  backend: unknown,
  inputs: readonly TensorInfo[],
  body: (tensors: Tensor4D[]) => T,
): T {
  return tf.core.tidy(() => body(inputs.map((info) => asTensor(tf, backend, info))));
}

/**
 * Inputs arrive as Tensors when the kernel runs from an op. A bare TensorInfo (another kernel calling
 * this one) gets a wrapper that holds its own reference, so the tidy's dispose leaves the caller's intact.
 */
function asTensor(tf: Tf, backend: unknown, info: TensorInfo): Tensor4D {
  if ((info as Partial<Tensor>).rank !== undefined) return info as Tensor4D;
  (backend as { incRef(dataId: object): void }).incRef(info.dataId);
  return tf.core.engine().makeTensorFromTensorInfo(info) as Tensor4D;
}
