/**
 * Fashion-MNIST for the tensorflow tests: Debian's `dataset-fashion-mnist` (60,000 + 10,000 images,
 * gzipped IDX), cut into fixed subsets written as IDX files of the same format, so a test trains on
 * real images in seconds. Skips (or fails under DTRAIN_REQUIRE_ALL) when the package is missing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { cannotRun } from './skip.js';

export const FASHION_DIR = '/usr/share/datasets/fashion-mnist';

/** True when the data set is installed; otherwise skips the test or, under DTRAIN_REQUIRE_ALL, fails it. */
export function needFashionMnist(t: TestContext): boolean {
  return (
    existsSync(join(FASHION_DIR, 'train-images-idx3-ubyte.gz')) ||
    cannotRun(t, `Fashion-MNIST not installed in ${FASHION_DIR}: apt-get install dataset-fashion-mnist`)
  );
}

function cut(path: string, first: number, count: number): Buffer {
  const b = gunzipSync(readFileSync(path));
  const nd = b[3]!;
  const dims = Array.from({ length: nd }, (_, i) => b.readUInt32BE(4 + 4 * i));
  const per = dims.slice(1).reduce((a, c) => a * c, 1);
  const head = Buffer.from(b.subarray(0, 4 + 4 * nd));
  head.writeUInt32BE(count, 4);
  const start = 4 + 4 * nd + first * per;
  return Buffer.concat([head, b.subarray(start, start + count * per)]);
}

/**
 * Writes `<dir>/train-{images,labels}` with the first `train` training images and
 * `<dir>/t10k-{images,labels}` with the first `test` test images; returns the two images paths.
 */
export function fashionSubset(dir: string, train: number, test: number): { train: string; test: string } {
  const out = {
    train: join(dir, 'train-images-idx3-ubyte.gz'),
    test: join(dir, 't10k-images-idx3-ubyte.gz'),
  };
  for (const [set, n] of [
    ['train', train],
    ['t10k', test],
  ] as const) {
    for (const kind of ['images-idx3', 'labels-idx1']) {
      const name = `${set}-${kind}-ubyte.gz`;
      writeFileSync(join(dir, name), gzipSync(cut(join(FASHION_DIR, name), 0, n), { level: 1 }));
    }
  }
  return out;
}
