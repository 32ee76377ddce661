/** Scoring files with trained models; the one part of runtimes/ that the CLI calls directly. */
export {
  type Predictions,
  type PredictFileOptions,
  predictFile,
  readModel,
  writePredictions,
} from './predict-file.js';
