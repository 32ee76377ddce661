/**
 * A CSV range read by several threads: the range is cut into near-equal byte chunks (scan-lines.ts
 * gives each chunk the lines that start in it, so the chunks' lines are the range's, each once, in
 * order); the calling thread parses the first chunk while worker threads (csv-worker.ts) parse the
 * others, and the chunks' rows are joined in file order.
 *
 * The result is the one-thread result, bit for bit: each line is parsed by the same code whichever
 * thread reads it, and a value does not depend on the lines before it. Dataset.doubles is the one
 * exception that does: one thread allocates it at the first value float32 does not hold and copies
 * the float32 values read so far, which are then exact, so a chunk without doubles joins as its
 * float32 values widened. A failure stops a chunk at its first bad line; the first chunk (in file
 * order) with a failure holds the file's first bad line, since every chunk before it read clean.
 */
import { Worker } from 'node:worker_threads';
import { type CsvPlan, scanCsv } from './csv-scan.js';
import type { CsvPart } from './csv-rows.js';
import type { LineFailure } from './data-error.js';
import type { Dataset } from './dataset.js';
import { type ByteRange, splitRanges } from './scan-lines.js';

/** What a worker is given (csv-worker.ts). */
export interface CsvChunkJob {
  readonly plan: CsvPlan;
  readonly range: ByteRange;
}

/** `threads` chunks of `range`, in file order. */
export function csvChunks(range: ByteRange, threads: number): ByteRange[] {
  return splitRanges(range.end - range.start, threads).map((r) => ({
    start: range.start + r.start,
    end: range.start + r.end,
  }));
}

/** Reads `range` with `threads` threads: the dataset of its rows, or the first failure in file order. */
export async function readCsvChunks(
  plan: CsvPlan,
  range: ByteRange,
  threads: number,
  featureNames: readonly string[],
): Promise<{ dataset: Dataset; failure?: LineFailure }> {
  const chunks = csvChunks(range, threads);
  const others = chunks.slice(1).map((r) => readInWorker({ plan, range: r }));
  let first: CsvPart;
  try {
    first = (await scanCsv(plan, chunks[0])).parts();
  } finally {
    // Every worker is waited for, so none outlives the read (its failure is reported below).
    await Promise.allSettled(others);
  }
  const parts = [first];
  for (const p of others) parts.push(await p);
  const failed = parts.find((p) => p.failure !== undefined);
  const dataset = joinParts(plan, parts, featureNames);
  return failed?.failure === undefined ? { dataset } : { dataset, failure: failed.failure };
}

/** The dataset of the chunks' rows, in order (see the module doc for doubles). */
export function joinParts(
  plan: CsvPlan,
  parts: readonly CsvPart[],
  featureNames: readonly string[],
): Dataset {
  const cols = plan.fields - (plan.labelCol >= 0 ? 1 : 0) - (plan.groupCol >= 0 ? 1 : 0);
  const rows = parts.reduce((n, p) => n + p.count, 0);
  const features = new Float32Array(rows * cols);
  const labels = new Float32Array(rows);
  const doubles = parts.some((p) => p.doubles !== undefined) ? new Float64Array(rows * cols) : undefined;
  const groups = plan.groupCol >= 0 ? new Int32Array(rows) : undefined;
  let row = 0;
  for (const p of parts) {
    const n = p.count * cols;
    const f = p.features.subarray(0, n);
    features.set(f, row * cols);
    labels.set(p.labels.subarray(0, p.count), row);
    // TypedArray.set widens float32 to double element by element.
    doubles?.set(p.doubles === undefined ? f : p.doubles.subarray(0, n), row * cols);
    if (groups !== undefined && p.groups !== undefined) groups.set(p.groups.subarray(0, p.count), row);
    row += p.count;
  }
  return {
    rows,
    cols,
    features,
    ...(doubles === undefined ? {} : { doubles }),
    labels,
    featureNames,
    ...(groups === undefined ? {} : { groups }),
  };
}

function readInWorker(job: CsvChunkJob): Promise<CsvPart> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./csv-worker.js', import.meta.url), { workerData: job });
    let done = false;
    worker.once('message', (part: CsvPart) => {
      done = true;
      resolve(part);
    });
    worker.once('error', (e) => {
      done = true;
      reject(e);
    });
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`CSV reader thread exited with code ${code} before its rows`));
    });
  });
}
