import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { generate, writeSynthetic } from '../../../bench/gen-synthetic.js';
import { readCsv } from '../../../runtimes/data/index.js';
import { tempFiles } from './temp-files.js';

const tmp = tempFiles();

test('the written CSV reads back as exactly the in-memory table', async () => {
  for (const kind of ['binary', 'regression'] as const) {
    const path = join(tmp.dir, `${kind}.csv`);
    writeSynthetic(path, kind, 3000, 12, 42, 0.05);
    const read = await readCsv(path, {});
    const made = generate(kind, 3000, 12, 42, 0.05);
    assert.deepEqual(read, made, kind);
  }
});

test('the same seed gives the same data, another seed other data', () => {
  const a = generate('binary', 500, 28, 1, 0.02);
  assert.deepEqual(generate('binary', 500, 28, 1, 0.02), a);
  assert.notDeepEqual(generate('binary', 500, 28, 2, 0.02).features, a.features);
});

test('binary labels are balanced-ish 0/1; the missing rate is as asked; regression has heavy tails', () => {
  const b = generate('binary', 20000, 28, 7, 0.02);
  assert.ok(b.labels.every((y) => y === 0 || y === 1));
  const mean = b.labels.reduce((s, y) => s + y, 0) / b.rows;
  assert.ok(mean > 0.3 && mean < 0.7, `mean label ${mean}`);
  const missing = b.features.reduce((n, v) => n + (Number.isNaN(v) ? 1 : 0), 0) / b.features.length;
  assert.ok(Math.abs(missing - 0.02) < 0.002, `missing rate ${missing}`);
  const r = generate('regression', 20000, 28, 7, 0);
  assert.ok(r.features.every((v) => !Number.isNaN(v)));
  const ys = Array.from(r.labels);
  const mu = ys.reduce((s, y) => s + y, 0) / ys.length;
  const sd = Math.sqrt(ys.reduce((s, y) => s + (y - mu) ** 2, 0) / ys.length);
  const kurtosis = ys.reduce((s, y) => s + ((y - mu) / sd) ** 4, 0) / ys.length;
  assert.ok(kurtosis > 3, `kurtosis ${kurtosis}`);
});

test('fewer than 8 columns is refused', () => {
  assert.throws(() => generate('binary', 10, 7, 1, 0), /at least 8 columns/);
});
