/**
 * Split finding as tasks (LightGBM flavour, data mode): leaf-wise growth evaluates the two children
 * of every split, and on one thread that scan is most of a tree's single-threaded time. A SPLIT task
 * runs `LgbSplitRules.findSplit` for one node on whichever thread claims it, from the node's inputs
 * in shared memory, and writes the SplitInfo back as numbers; the same code on the same histogram
 * gives the same split, so the trees do not change. Each thread has its own SplitTasks (its rules
 * built from the same spec, over the same shared SplitIO).
 */
import type { LgbBins } from './lightgbm-bins.js';
import type { LgbParams } from './lightgbm-params.js';
import { LgbSplitRules } from './lightgbm-split.js';
import { emptySplit, type SplitInfo } from './split.js';

/** Task kind (see histogram.ts's list): `[SPLIT, histBase, job, 0, 0, 0, 0, 0]`. */
export const SPLIT = 6;
/** Nodes one batch of SPLIT tasks can hold. */
export const SPLIT_JOBS = 8;
/** Doubles per result. */
const OUT = 11;

/** What every thread builds its LgbSplitRules from (structured-cloneable). */
export interface SplitSpec {
  readonly params: LgbParams;
  readonly bins: LgbBins;
  readonly slotOffsets: Uint32Array;
}

/** The shared inputs and outputs of a SPLIT batch. */
export interface SplitIO {
  /** Per job: g, h, count. */
  readonly sums: Float64Array;
  /** Per job: the allowed-feature mask (cols bytes). */
  readonly allowed: Uint8Array;
  /** Per job: OUT numbers of the SplitInfo. */
  readonly out: Float64Array;
  /** Per job: the categorical left set, length first (catStride + 1 ints). */
  readonly cats: Int32Array;
  readonly cols: number;
  readonly catStride: number;
}

export function createSplitIO(cols: number, catStride: number): SplitIO {
  const sab = (bytes: number) => new SharedArrayBuffer(Math.max(bytes, 8));
  return {
    sums: new Float64Array(sab(8 * 3 * SPLIT_JOBS)),
    allowed: new Uint8Array(sab(SPLIT_JOBS * cols)),
    out: new Float64Array(sab(8 * OUT * SPLIT_JOBS)),
    cats: new Int32Array(sab(4 * SPLIT_JOBS * (catStride + 1))),
    cols,
    catStride,
  };
}

/** One thread's means to run SPLIT tasks. */
export interface SplitTasks {
  readonly spec: SplitSpec;
  readonly io: SplitIO;
  readonly rules: LgbSplitRules;
  readonly found: SplitInfo;
}

export function splitTasks(spec: SplitSpec, io: SplitIO): SplitTasks {
  return {
    spec,
    io,
    rules: new LgbSplitRules(spec.params, spec.bins, spec.slotOffsets),
    found: emptySplit(),
  };
}

/** Runs SPLIT task `job` on the histogram at `pool[base…]`. */
export function runSplitTask(st: SplitTasks, pool: Float64Array, base: number, job: number): void {
  const { io, found } = st;
  const s = io.sums;
  const allowed = io.allowed.subarray(job * io.cols, (job + 1) * io.cols);
  st.rules.findSplit(pool, base, s[3 * job]!, s[3 * job + 1]!, s[3 * job + 2]!, allowed, found);
  const o = OUT * job;
  const out = io.out;
  out[o] = found.gain;
  out[o + 1] = found.feature;
  out[o + 2] = found.bin;
  out[o + 3] = found.threshold;
  out[o + 4] = found.defaultLeft ? 1 : 0;
  out[o + 5] = found.leftG;
  out[o + 6] = found.leftH;
  out[o + 7] = found.rightG;
  out[o + 8] = found.rightH;
  out[o + 9] = found.leftCount;
  out[o + 10] = found.rightCount;
  const c = job * (io.catStride + 1);
  const cats = found.cats;
  io.cats[c] = cats === undefined ? -1 : cats.length;
  if (cats !== undefined) for (let i = 0; i < cats.length; i++) io.cats[c + 1 + i] = cats[i]!;
}

/** Reads the result of `job` into `into`. */
export function readSplit(io: SplitIO, job: number, into: SplitInfo): void {
  const o = OUT * job;
  const out = io.out;
  into.gain = out[o]!;
  into.feature = out[o + 1]!;
  into.bin = out[o + 2]!;
  into.threshold = out[o + 3]!;
  into.defaultLeft = out[o + 4] === 1;
  into.leftG = out[o + 5]!;
  into.leftH = out[o + 6]!;
  into.rightG = out[o + 7]!;
  into.rightH = out[o + 8]!;
  into.leftCount = out[o + 9]!;
  into.rightCount = out[o + 10]!;
  const c = job * (io.catStride + 1);
  const n = io.cats[c]!;
  into.cats = n < 0 ? undefined : Array.from(io.cats.subarray(c + 1, c + 1 + n));
}
