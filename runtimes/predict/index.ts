/** Scoring files with trained models; the one part of runtimes/ that the CLI calls directly. */
export type { PredictFileOptions, Predictions } from './predict-contract.js';
export { predictFile, readModel, writePredictions } from './predict-file.js';
