/**
 * runtimes/tensorflow/: the TensorFlow.js flavour (backend choice, data/async/pipeline trainers,
 * checkpoints, LayersModel export and scoring). Everything here loads tfjs, so callers reach this
 * surface only with a dynamic `import()`, never a static one: a GBDT job must not load tfjs.
 */
export { type ReadTable, predictLayers } from './predict-layers.js';
export { tensorflowWorkload } from './workload.js';
