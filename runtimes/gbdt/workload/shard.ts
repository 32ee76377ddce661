/**
 * Reading a rank's rows, shared by both GBDT workloads: this rank's shard of a data file, the thread
 * count a rank uses, and padding LibSVM shards to the same width.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { JobSpec } from '../../../configs/job-spec.js';
import { type Dataset, fileRanges, floatsOnly, formatOf, readDataset } from '../../data/index.js';
import type { WorkloadContext } from '../../workload.js';

/** One rank per machine uses all its cores; ranks sharing a machine split them, unless nthread is set. */
export function threadsFor(spec: Pick<JobSpec, 'params'>): number {
  const given = spec.params['nthread'];
  if (typeof given === 'number' && given > 0) return given;
  const sharing = Number(process.env['DTRAIN_LOCAL_WORLD_SIZE'] ?? 1) || 1;
  return Math.max(1, Math.floor(availableParallelism() / sharing));
}

/** The threads that parse a job's CSV: its engine's thread setting (LightGBM's aliases too), else threadsFor's. */
export function readerThreads(spec: Pick<JobSpec, 'params' | 'framework'>): number {
  const keys =
    spec.framework === 'lightgbm'
      ? ['num_threads', 'num_thread', 'nthread', 'nthreads', 'n_jobs']
      : ['nthread'];
  for (const k of keys) {
    const v = spec.params[k];
    if (typeof v === 'number' && v > 0) return v;
  }
  return threadsFor(spec);
}

/** This rank's part of a data file: the lines that start in its byte range (`group`: csv query column). */
export async function readShard(
  ctx: WorkloadContext,
  role: 'train' | 'valid',
  group?: string | number,
): Promise<Dataset> {
  const data = ctx.spec.data!;
  const file = role === 'train' ? data.train! : data.valid!;
  const format = data.format === 'csv' || data.format === 'libsvm' ? data.format : formatOf(file);
  const options = {
    ...(format ? { format } : {}),
    ...(format === 'csv' && data.label !== undefined ? { label: data.label } : {}),
    ...(group !== undefined ? { group } : {}),
    // LightGBM places bin bounds between the parsed doubles (lightgbm/summary.ts).
    ...(format === 'csv' && ctx.spec.framework === 'lightgbm' ? { keepDoubles: true } : {}),
    ...(format === 'csv' ? { threads: readerThreads(ctx.spec) } : {}),
    displayName: file,
  };
  // A shipped part is this rank's rows already; a shared file is read by byte range.
  const shipped = ctx.data[role];
  if (shipped) return readDataset(shipped, { ...options, displayName: `${file} (part ${ctx.rank + 1})` });
  const path = resolve(ctx.data.dir, file);
  const ranges = await fileRanges(path, ctx.worldSize);
  return readDataset(path, { ...options, range: ranges[ctx.rank]! });
}

/** Pads a dataset with missing columns up to `cols` (LibSVM shards that never saw the last features). */
export function widen(d: Dataset, cols: number): Dataset {
  if (d.cols === cols) return d;
  const features = new Float32Array(d.rows * cols).fill(Number.NaN);
  for (let r = 0; r < d.rows; r++) features.set(d.features.subarray(r * d.cols, (r + 1) * d.cols), r * cols);
  const names = [...d.featureNames];
  for (let c = d.cols; c < cols; c++) names.push(`f${c}`);
  return { ...floatsOnly(d), cols, features, featureNames: names };
}
