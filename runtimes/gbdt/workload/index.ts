/** What both GBDT workloads share: checkpoint files written atomically, reading a rank's shard. */
export * from './checkpoints.js';
export * from './shard.js';
