/**
 * The GBDT core: histogram-based tree growth that both flavours share — bins and cuts, the binned
 * matrix, histograms, row partitions, split scans, the task table and its threads, the tree builder
 * and its growth policies, the model types, XGBoost-named objectives and metrics. It never imports a
 * flavour: a flavour hands it split rules (split-rules.ts), a split learner and its own task kinds.
 */
export * from './bin-matrix.js';
export * from './col-sampler.js';
export * from './collective.js';
export * from './cuts.js';
export * from './eval-metrics.js';
export * from './expf.js';
export * from './finite-features.js';
export * from './grow-depthwise.js';
export * from './grow-lossguide.js';
export type * from './grown-tree.js';
export * from './hist-context.js';
export * from './histogram.js';
export * from './metrics.js';
export * from './objectives.js';
export * from './partition.js';
export * from './radix-sort.js';
export * from './split.js';
export * from './split-record.js';
export type * from './split-rules.js';
export * from './split-tasks.js';
export type * from './task-runner.js';
export * from './tasks.js';
export * from './thread-loop.js';
export * from './threads.js';
export * from './tree-builder.js';
export * from './types.js';
