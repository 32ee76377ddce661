/**
 * Real datasets for accuracy checks, converted once into our CSV form (header `label,f0,…`, label
 * first) under a cache folder (default /tmp/dtrain-datasets, or $DTRAIN_DATASETS):
 *
 * - breast-cancer.csv: sklearn's breast_cancer.csv (569 × 30; label 1 = benign, as sklearn's target).
 * - digits.csv: sklearn's digits.csv.gz (1797 × 64 pixel counts 0–16; label = digit 0–9).
 * - fashion-shirt-{train,test}.csv: Fashion-MNIST from Debian's dataset-fashion-mnist (60000 / 10000 ×
 *   784 pixels 0–255), one-vs-rest: label 1 for class 6 "shirt", else 0. Skipped when not installed.
 *
 *   node dist/bench/datasets.js [--out DIR]     converts what is missing, prints name → path
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import type { Dataset } from '../runtimes/data/dataset.js';
import { readIdx } from '../runtimes/data/idx.js';

/** Where Debian's dataset-fashion-mnist puts the IDX files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
/** The Fashion-MNIST class the one-vs-rest task predicts: 6, "shirt" (the hardest class). */
export const SHIRT = 6;

/** The cache folder: $DTRAIN_DATASETS, else /tmp/dtrain-datasets. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['DTRAIN_DATASETS'] ?? '/tmp/dtrain-datasets';
}

/** sklearn's bundled data folder, asked of the system Python (where XGBoost and sklearn live). */
export function sklearnDataDir(python = '/usr/bin/python3'): string {
  const code = 'import sklearn,os;print(os.path.dirname(sklearn.__file__))';
  return join(execFileSync(python, ['-c', code], { encoding: 'utf8' }).trim(), 'datasets', 'data');
}

/**
 * Converts every available dataset that is not in `dir` yet; returns name → CSV path for those present.
 * Files are written under a temporary name and renamed, so a cached file is always complete.
 */
export async function ensureDatasets(dir = defaultCacheDir()): Promise<Record<string, string>> {
  mkdirSync(dir, { recursive: true });
  const out: Record<string, string> = {};
  const sklearn = sklearnDataDir();
  out['breast-cancer'] = cached(join(dir, 'breast-cancer.csv'), (tmp) =>
    labelLastToFirst(readFileSync(join(sklearn, 'breast_cancer.csv'), 'utf8'), 1, tmp),
  );
  out['digits'] = cached(join(dir, 'digits.csv'), (tmp) =>
    labelLastToFirst(gunzipSync(readFileSync(join(sklearn, 'digits.csv.gz'))).toString('utf8'), 0, tmp),
  );
  if (existsSync(join(FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz'))) {
    for (const [split, prefix] of [
      ['train', 'train'],
      ['test', 't10k'],
    ] as const) {
      const path = join(dir, `fashion-shirt-${split}.csv`);
      if (!existsSync(path)) {
        const ds = await readIdx(
          join(FASHION_MNIST_DIR, `${prefix}-images-idx3-ubyte.gz`),
          join(FASHION_MNIST_DIR, `${prefix}-labels-idx1-ubyte.gz`),
        );
        cached(path, (tmp) => writeCsv(tmp, oneVsRest(ds, SHIRT)));
      }
      out[`fashion-shirt-${split}`] = path;
    }
  }
  return out;
}

function cached(path: string, write: (tmp: string) => void): string {
  if (!existsSync(path)) {
    const tmp = `${path}.${process.pid}.tmp`;
    write(tmp);
    renameSync(tmp, path);
  }
  return path;
}

/** sklearn's layout (optional first line of counts and class names, label last) → ours. */
function labelLastToFirst(text: string, skipLines: number, path: string): void {
  const lines = text
    .split('\n')
    .slice(skipLines)
    .filter((l) => l.trim() !== '');
  const cols = (lines[0] ?? '').split(',').length - 1;
  const body = lines.map((line) => {
    const fields = line.trim().split(',');
    const label = fields.pop() ?? '';
    if (fields.length !== cols) throw new Error(`${path}: expected ${cols + 1} fields in "${line}"`);
    return `${label},${fields.join(',')}`;
  });
  const header = ['label', ...Array.from({ length: cols }, (_, j) => `f${j}`)].join(',');
  writeChunks(path, [header, ...body]);
}

/** The same features with label 1 where the class is `positive`, else 0. */
export function oneVsRest(ds: Dataset, positive: number): Dataset {
  return { ...ds, labels: ds.labels.map((y) => (y === positive ? 1 : 0)) };
}

/** Writes a Dataset as CSV with header `label,f0,…` (missing values as empty fields). */
export function writeCsv(path: string, ds: Dataset): void {
  const header = ['label', ...Array.from({ length: ds.cols }, (_, j) => `f${j}`)].join(',');
  const lines = function* (): Generator<string> {
    yield header;
    const field = (v: number) => (Number.isNaN(v) ? '' : String(v));
    for (let r = 0; r < ds.rows; r++) {
      const row = ds.features.subarray(r * ds.cols, (r + 1) * ds.cols);
      yield `${field(ds.labels[r]!)},${Array.from(row, field).join(',')}`;
    }
  };
  writeChunks(path, lines());
}

function writeChunks(path: string, lines: Iterable<string>): void {
  const fd = openSync(path, 'w');
  try {
    let pending: string[] = [];
    let size = 0;
    for (const line of lines) {
      pending.push(line);
      size += line.length + 1;
      if (size >= 4 << 20) {
        writeSync(fd, `${pending.join('\n')}\n`);
        pending = [];
        size = 0;
      }
    }
    if (pending.length > 0) writeSync(fd, `${pending.join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const paths = await ensureDatasets(values.out ?? defaultCacheDir());
  for (const [name, path] of Object.entries(paths)) console.log(`${name}\t${path}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
