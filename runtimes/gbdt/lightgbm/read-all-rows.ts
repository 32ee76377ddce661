/**
 * Feature parallel (LightGBM `tree_learner=feature`) needs every row on every rank: a shared file is
 * read whole by each rank; shipped parts (`input: ship`, one part per rank) are read as usual and then
 * all-gathered over the communicator, in rank order, so every rank holds the file's rows in order.
 */
import { resolve } from 'node:path';
import type { Communicator } from '../../comm/index.js';
import { type Dataset, floatsOnly, formatOf, readDataset } from '../../data/index.js';
import type { WorkloadContext } from '../../workload.js';
import { readerThreads, readShard } from '../workload/index.js';

/** All rows of the training or validation file (a shipped part is only this rank's; see `gatherRows`). */
export async function readAllRows(
  ctx: WorkloadContext,
  role: 'train' | 'valid',
  group?: string | number,
): Promise<Dataset> {
  if (ctx.data[role]) return readShard(ctx, role, group);
  const data = ctx.spec.data!;
  const file = role === 'train' ? data.train! : data.valid!;
  const format = data.format === 'csv' || data.format === 'libsvm' ? data.format : formatOf(file);
  return readDataset(resolve(ctx.data.dir, file), {
    ...(format ? { format } : {}),
    ...(format === 'csv' && data.label !== undefined ? { label: data.label } : {}),
    ...(group !== undefined ? { group } : {}),
    ...(format === 'csv' ? { keepDoubles: true, threads: readerThreads(ctx.spec) } : {}),
    displayName: file,
  });
}

/** Every rank's rows of `part` (all with the same columns), concatenated in rank order. */
export async function gatherRows(comm: Communicator, part: Dataset): Promise<Dataset> {
  const n = comm.worldSize;
  const rows = new Float64Array(n);
  rows[comm.rank] = part.rows;
  await comm.allGather(rows, new Array<number>(n).fill(1));
  const counts = Array.from(rows);
  const total = counts.reduce((a, b) => a + b, 0);
  const offset = counts.slice(0, comm.rank).reduce((a, b) => a + b, 0);
  const features = new Float32Array(total * part.cols);
  features.set(part.features, offset * part.cols);
  await comm.allGather(
    features,
    counts.map((c) => c * part.cols),
  );
  const labels = new Float32Array(total);
  labels.set(part.labels, offset);
  await comm.allGather(labels, counts);
  let groups: Int32Array | undefined;
  if (part.groups) {
    const g = new Float64Array(total);
    g.set(part.groups, offset);
    await comm.allGather(g, counts);
    groups = Int32Array.from(g);
  }
  return { ...floatsOnly(part), rows: total, features, labels, ...(groups ? { groups } : {}) };
}
