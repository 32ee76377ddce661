/**
 * configs/params/: each framework's parameters by their own names (XGBoost's, LightGBM's, Keras'):
 * the known names and values, the parsers the validator and the workers share, and the
 * did-you-mean suggestions. The surface runtimes/ uses; it loads neither YAML nor zod.
 */
export * from './did-you-mean.js';
export * from './gbdt.js';
export * from './lightgbm.js';
export * from './param-problems.js';
export * from './parse-lightgbm.js';
export * from './parse-xgboost.js';
export * from './tensorflow.js';
