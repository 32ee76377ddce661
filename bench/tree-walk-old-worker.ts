/**
 * bench:tree-walk's baseline prediction thread: predict-worker.ts as it was, scoring rows [from, to)
 * of the shared features with the previous walk (tree-walk-old.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { GbdtModel } from '../runtimes/gbdt/index.js';
import { oldPredictMargins } from './tree-walk-old.js';

interface Job {
  readonly model: GbdtModel;
  readonly features: SharedArrayBuffer;
  readonly margins: SharedArrayBuffer;
  readonly cols: number;
  readonly outputs: number;
  readonly from: number;
  readonly to: number;
}

const job = workerData as Job;
const rows = job.to - job.from;
const features = new Float32Array(job.features, job.from * job.cols * 4, rows * job.cols);
const margins = oldPredictMargins(job.model, features, rows, job.cols);
new Float32Array(job.margins, job.from * job.outputs * 4, rows * job.outputs).set(margins);
parentPort?.postMessage('done');
