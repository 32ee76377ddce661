/**
 * A prediction thread (predict/parallel.ts): once the shared features are filled in, it claims
 * chunks of rows and scores them into the shared margins with the ordinary predictor, so results
 * equal the single-threaded ones exactly; then it posts once and ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type PredictJob, READY, scoreChunks } from './parallel.js';

const job = workerData as PredictJob;
Atomics.wait(job.control, READY, 0);
scoreChunks(job, job.features);
parentPort?.postMessage('done');
