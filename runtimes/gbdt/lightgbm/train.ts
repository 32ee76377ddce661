/**
 * The LightGBM flavour's trainer (src/boosting/gbdt.cpp) on the shared engine, set up in
 * train-setup.ts and boosted in boost.ts:
 * LightGBM bins (lightgbm/bins.ts) from a hashed global row sample, the engine's histograms,
 * partitioning and loss-guided growth with LightGBM's split rules (lightgbm/split.ts), num_leaves /
 * max_depth limits, boost_from_average folded into the first trees, feature_fraction per tree,
 * bagging (rows drawn by a hash of their global index, so ranks agree) or GOSS (after the first
 * 1/learning_rate iterations), and early stopping on the first metric of the validation set. Training
 * stops, like LightGBM, when an iteration's trees cannot split at all. Data parallel: each rank passes
 * its row shard and a Collective; node counts are all-reduced and histograms reduce-scattered by
 * feature block (parallel-data.ts; bundled ones all-reduced whole), so without GOSS 1, 2 or N ranks
 * grow the same trees. Feature parallel (parallel-feature.ts): every rank passes all rows and
 * trains as one process would, exchanging only split records. Voting (parallel-voting.ts): row shards,
 * histograms reduced only for the features the ranks vote for. EFB (lightgbm/efb.ts; data mode, one
 * plan from all ranks' rows, enable_bundle) bundles sparse features into shared histogram columns.
 */
import type { GbdtModel } from '../core/index.js';
import { boost } from './boost.js';
import type { LgbTrainInput } from './train-input.js';
import { setUpLightgbm } from './train-setup.js';

export type { LgbParallelism, LgbTrainInput } from './train-input.js';
export { categoricalIndices } from './train-setup.js';

/** Trains a model with LightGBM's rules; every rank of `collective` calls it with its own shard. */
export async function trainLightgbm(input: LgbTrainInput): Promise<GbdtModel> {
  const run = await setUpLightgbm(input);
  // The threads are joined however training ends (a bad label, an abort, an error).
  try {
    return await boost(input, run);
  } finally {
    await run.runner.close();
  }
}
