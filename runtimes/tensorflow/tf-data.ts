/**
 * Training data for the tensorflow framework: every rank loads the whole table once (CSV through the
 * shared readers, or IDX images with their labels file, pixels scaled to 0–1), and each epoch all
 * ranks draw the same seeded permutation. A step's global batch is `batch_size × world` consecutive
 * entries of it, of which rank r takes the r-th slice, so the samples that make up a step do not
 * depend on the number of ranks: 2 ranks × batch B see exactly what 1 rank × batch 2B sees.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type Dataset, readDataset, readIdx } from '../data/index.js';
import { dataError } from '../data/index.js';
import { Rng } from '../random/index.js';

/** How labels become targets: class ids (one-hot or sparse), or values. */
export type LabelMode = 'onehot' | 'sparse' | 'binary' | 'value';

/** A loaded table, features scaled and ready to be cut into batches. */
export interface TfTable {
  readonly rows: number;
  /** Features per sample (the product of the input shape). */
  readonly width: number;
  readonly features: Float32Array;
  readonly labels: Float32Array;
  /** The input shape per sample: [28, 28, 1] for IDX images, [width] for tables. */
  readonly inputShape: readonly number[];
}

/** The label file that belongs to an IDX images file: `…-images-idx3-ubyte[.gz]` → `…-labels-idx1-ubyte[.gz]`. */
export function idxLabelsPath(imagesPath: string): string {
  const name = basename(imagesPath);
  const labels = name.replace('images', 'labels').replace('idx3', 'idx1');
  return join(dirname(imagesPath), labels);
}

function isIdx(path: string, format: string | undefined): boolean {
  return format === 'idx' || /idx\d-ubyte(\.gz)?$|\.idx(\.gz)?$/.test(path);
}

/** Reads one data file for training or evaluation; `displayName` is the path as the job wrote it. */
export async function readTable(
  path: string,
  opts: { format: string | undefined; label: string | number | undefined; displayName: string },
): Promise<TfTable> {
  if (isIdx(path, opts.format)) {
    const labels = idxLabelsPath(path);
    if (labels === path || !existsSync(labels)) {
      throw dataError(
        opts.displayName,
        `no labels file beside the IDX images (looked for ${basename(labels)})`,
        'name the images file …-images-idx3-ubyte[.gz] and put …-labels-idx1-ubyte[.gz] beside it',
      );
    }
    const ds = await readIdx(path, labels);
    // Pixels 0–255 → 0–1, the scale every MNIST-style model expects; `dtrain predict` does the same.
    const scaled = new Float32Array(ds.features.length);
    for (let i = 0; i < scaled.length; i++) scaled[i] = ds.features[i]! / 255;
    const side = Math.round(Math.sqrt(ds.cols));
    const shape = side * side === ds.cols ? [side, side, 1] : [ds.cols];
    return { rows: ds.rows, width: ds.cols, features: scaled, labels: ds.labels, inputShape: shape };
  }
  const format = opts.format === 'csv' || opts.format === 'libsvm' ? opts.format : undefined;
  const ds: Dataset = await readDataset(path, {
    ...(format ? { format } : {}),
    ...(opts.label !== undefined && format !== 'libsvm' ? { label: opts.label } : {}),
    displayName: opts.displayName,
  });
  for (let i = 0; i < ds.features.length; i++) {
    // A network cannot take NaN; a missing value becomes 0, as Keras users impute by hand.
    if (Number.isNaN(ds.features[i])) ds.features[i] = 0;
  }
  return { rows: ds.rows, width: ds.cols, features: ds.features, labels: ds.labels, inputShape: [ds.cols] };
}

/** The number of classes the labels name (largest id + 1), checking they are whole non-negative numbers. */
export function classCount(table: TfTable, name: string): number {
  let max = 0;
  for (let i = 0; i < table.rows; i++) {
    const y = table.labels[i]!;
    if (!(y >= 0) || !Number.isInteger(y)) {
      throw dataError(name, `row ${i + 1}: label ${y} is not a class id (0, 1, 2, …)`);
    }
    if (y > max) max = y;
  }
  return max + 1;
}

/** The epoch's sample order: a seeded permutation that every rank computes identically. */
export function epochOrder(rows: number, seed: number, epoch: number, shuffle = true): Uint32Array {
  const order = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  if (!shuffle) return order;
  const rng = new Rng(seed, epoch, 0x7f);
  for (let i = rows - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

/** Steps per epoch for a global batch of `globalBatch` samples (the last step takes what is left). */
export function stepsPerEpoch(rows: number, globalBatch: number): number {
  return Math.ceil(rows / globalBatch);
}

/**
 * This rank's sample indices of step `step`: the step's global batch, split into `world` near-equal
 * contiguous slices (equal to `batch` each except in the epoch's last step).
 */
export function rankSlice(
  order: Uint32Array,
  step: number,
  batch: number,
  rank: number,
  world: number,
): Uint32Array {
  const start = step * batch * world;
  const end = Math.min(order.length, start + batch * world);
  const n = Math.max(0, end - start);
  const lo = start + Math.floor((n * rank) / world);
  const hi = start + Math.floor((n * (rank + 1)) / world);
  return order.subarray(lo, hi);
}

/** Copies the rows `idx` of the table into `x` (rows × width) and their targets into `y`. */
export function gatherRows(
  table: TfTable,
  idx: ArrayLike<number>,
  mode: LabelMode,
  classes: number,
): { x: Float32Array; y: Float32Array } {
  const w = table.width;
  const x = new Float32Array(idx.length * w);
  const cols = mode === 'onehot' ? classes : 1;
  const y = new Float32Array(idx.length * cols);
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i]!;
    x.set(table.features.subarray(r * w, r * w + w), i * w);
    const label = table.labels[r]!;
    if (mode === 'onehot') y[i * cols + label] = 1;
    else y[i] = label;
  }
  return { x, y };
}
