/**
 * What a LightGBM training is given (train.ts trainLightgbm): its own file, so that the set-up
 * (train-setup.ts) and the boosting loop (boost.ts) read it without importing the trainer.
 */
import type { Collective, GbdtModel, KernelChoice, RoundReport } from '../core/index.js';
import type { Dataset } from '../../data/index.js';
import type { LgbParams } from './params.js';

export interface LgbTrainInput {
  readonly train: Dataset;
  readonly valid?: Dataset;
  readonly params: LgbParams;
  readonly collective?: Collective;
  readonly onRound?: (r: RoundReport) => void | Promise<void>;
  /** After each iteration, the model so far and how many iterations it has (for checkpoints). */
  readonly onModel?: (model: GbdtModel, rounds: number) => void | Promise<void>;
  readonly signal?: AbortSignal;
  /** Resume: train num_iterations more on top of this model (a LightGBM-flavoured one). */
  readonly startFrom?: GbdtModel;
  /** LightGBM's tree_learner: `data` (default), `feature` (every rank has all rows) or `voting`. */
  readonly parallelism?: LgbParallelism;
  /**
   * Data parallel on several ranks: histograms reduce-scattered by feature block (default; bundled
   * ones are always all-reduced) or all-reduced whole (the baseline tests and bench:lgb-traffic use).
   */
  readonly histograms?: 'reduce-scatter' | 'all-reduce';
  /** The engine's loops as WebAssembly where they fit (default) or as JavaScript (tests compare). */
  readonly kernels?: KernelChoice;
  /** Lines for the rank's log (the engine says so when its loops cannot run as WebAssembly). */
  readonly onLog?: (level: 'info' | 'warn', line: string) => void;
}

export type LgbParallelism = 'data' | 'feature' | 'voting';
