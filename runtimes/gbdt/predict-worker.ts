/**
 * A prediction thread: scores rows [from, to) of a shared feature matrix into a shared margin
 * buffer with the ordinary predictor, so results equal the single-threaded ones exactly.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { predictMargins } from './predict.js';
import type { GbdtModel } from './types.js';

interface Job {
  readonly model: GbdtModel;
  readonly features: SharedArrayBuffer;
  readonly margins: SharedArrayBuffer;
  readonly cols: number;
  readonly outputs: number;
  readonly from: number;
  readonly to: number;
  readonly iterationRange?: readonly [number, number];
}

const job = workerData as Job;
const rows = job.to - job.from;
const features = new Float32Array(job.features, job.from * job.cols * 4, rows * job.cols);
const margins = predictMargins(job.model, features, rows, job.cols, {
  ...(job.iterationRange ? { iterationRange: job.iterationRange } : {}),
});
new Float32Array(job.margins, job.from * job.outputs * 4, rows * job.outputs).set(margins);
parentPort?.postMessage('done');
