/**
 * Cached inputs of the GBDT benches, under the datasets cache folder (see datasets.ts): synthetic
 * train/test CSVs written from different seeds, and fixed train/test splits of small real datasets.
 * Files are written under a temporary name and renamed, so a cached file is always complete.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Prng } from './gen-model.js';
import { type SyntheticKind, writeSynthetic } from './gen-synthetic.js';

/** Columns and missing rate of every synthetic bench set (the 1M × 28 set of the issue). */
export const SYNTHETIC_COLS = 28;
export const SYNTHETIC_MISSING = 0.02;
/** Train and test sets come from these seeds, so they share no rows. */
export const TRAIN_SEED = 1;
export const TEST_SEED = 2;

function cached(path: string, write: (tmp: string) => void): string {
  if (!existsSync(path)) {
    const tmp = `${path}.${process.pid}.tmp`;
    write(tmp);
    renameSync(tmp, path);
  }
  return path;
}

/** The synthetic CSV of `rows` rows from `seed` in `dir`, written on first use. */
export function ensureSynthetic(dir: string, kind: SyntheticKind, rows: number, seed: number): string {
  mkdirSync(dir, { recursive: true });
  return cached(join(dir, `synthetic-${kind}-${rows}-s${seed}.csv`), (tmp) => {
    writeSynthetic(tmp, kind, rows, SYNTHETIC_COLS, seed, SYNTHETIC_MISSING);
  });
}

/** Train and test CSVs of `rows` rows each side (test from another seed). */
export function ensureSyntheticPair(
  dir: string,
  kind: SyntheticKind,
  rows: number,
  testRows: number,
): { train: string; test: string } {
  return {
    train: ensureSynthetic(dir, kind, rows, TRAIN_SEED),
    test: ensureSynthetic(dir, kind, testRows, TEST_SEED),
  };
}

/**
 * A fixed split of a CSV (header kept in both): a seeded shuffle of its data lines, the first
 * `trainFraction` of them to train, the rest to test. The same seed gives the same split everywhere.
 */
export function ensureSplit(
  csv: string,
  dir: string,
  trainFraction: number,
  seed: number,
): { train: string; test: string } {
  const stem = basename(csv, '.csv');
  const tag = `${Math.round(trainFraction * 100)}-s${seed}`;
  const train = join(dir, `${stem}-train${tag}.csv`);
  const test = join(dir, `${stem}-test${tag}.csv`);
  if (existsSync(train) && existsSync(test)) return { train, test };
  const [header, ...lines] = readFileSync(csv, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const order = lines.map((_, i) => i);
  const rand = new Prng(seed);
  // Fisher–Yates with the bench PRNG, so the split does not depend on the JS engine.
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand.uniform() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const cut = Math.round(trainFraction * lines.length);
  const part = (from: number, to: number) =>
    `${[header, ...order.slice(from, to).map((i) => lines[i])].join('\n')}\n`;
  cached(train, (tmp) => writeFileSync(tmp, part(0, cut)));
  cached(test, (tmp) => writeFileSync(tmp, part(cut, lines.length)));
  return { train, test };
}
