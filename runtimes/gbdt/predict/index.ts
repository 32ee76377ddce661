/**
 * Scoring rows with a GBDT model of either flavour: tree walks over raw float32 rows (the walk
 * layout), LightGBM's decision rule, margins and output transforms, on one thread or several.
 */
export * from './layout.js';
export * from './lightgbm-decision.js';
export * from './parallel.js';
export * from './predict.js';
export * from './tree-margins.js';
export * from './tree-walk.js';
