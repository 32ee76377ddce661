/** A worker thread of csv-parallel.ts: parses one chunk and hands its arrays over without a copy. */
import { parentPort, workerData } from 'node:worker_threads';
import { scanCsv } from './csv-scan.js';
import type { CsvChunkJob } from './csv-parallel.js';

const job = workerData as CsvChunkJob;
const part = (await scanCsv(job.plan, job.range)).parts();
const transfer: ArrayBuffer[] = [part.features.buffer, part.labels.buffer];
if (part.doubles) transfer.push(part.doubles.buffer);
if (part.groups) transfer.push(part.groups.buffer);
parentPort!.postMessage(part, transfer);
