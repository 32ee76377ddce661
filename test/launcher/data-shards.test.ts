import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeShards } from '../../launcher/data-shards.js';
import { tempDir } from '../helpers/dtrain-process.js';

test('shards tile the file by lines, each with the CSV header, for any part count', () => {
  const dir = tempDir();
  const lines = Array.from({ length: 101 }, (_, i) => `${i % 2},${i * 1.5},${i % 7 === 0 ? '' : i}`);
  const file = join(dir, 'd.csv');
  writeFileSync(file, `label,a,b\n${lines.join('\n')}\n`);
  for (const parts of [1, 2, 3, 7, 150]) {
    const shards = writeShards(file, parts, dir, `p${parts}`, '.csv', true);
    assert.equal(shards.length, parts);
    const rows: string[] = [];
    for (const s of shards) {
      const text = readFileSync(s, 'utf8').split('\n').filter(Boolean);
      assert.equal(text[0], 'label,a,b');
      rows.push(...text.slice(1));
    }
    assert.deepEqual(rows, lines);
  }
});

test('a CSV without a header and a LibSVM file are split without adding lines', () => {
  const dir = tempDir();
  const file = join(dir, 'd.txt');
  const lines = Array.from({ length: 33 }, (_, i) => `${i % 2} 1:${i} 3:${i / 2}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const rows = writeShards(file, 4, dir, 's', '.txt', false).flatMap((s) =>
    readFileSync(s, 'utf8').split('\n').filter(Boolean),
  );
  assert.deepEqual(rows, lines);
  const csv = join(dir, 'n.csv');
  writeFileSync(csv, '1,2,3\n4,5,6\n7,8,9\n');
  const parts = writeShards(csv, 2, dir, 'n', '.csv', true).map((s) => readFileSync(s, 'utf8'));
  assert.equal(parts.join(''), '1,2,3\n4,5,6\n7,8,9\n');
});

test('each shipped part holds exactly the rows a range reader of the whole file would read', async () => {
  const { readCsv, splitRanges } = await import('../../runtimes/data/index.js');
  const { statSync } = await import('node:fs');
  const dir = tempDir();
  const file = join(dir, 'r.csv');
  const body = Array.from(
    { length: 997 },
    (_, i) => `${i % 2},${(i * 0.37).toFixed(3)},${i % 5 === 0 ? 'NA' : i * 3}`,
  );
  writeFileSync(file, `y,a,b\n${body.join('\n')}\n`);
  for (const parts of [2, 3, 5]) {
    const shards = writeShards(file, parts, dir, `q${parts}`, '.csv', true);
    const ranges = splitRanges(statSync(file).size, parts);
    for (let k = 0; k < parts; k++) {
      const whole = await readCsv(shards[k]!, { label: 'y' });
      const ranged = await readCsv(file, { label: 'y', range: ranges[k]! });
      assert.equal(whole.rows, ranged.rows, `parts ${parts} shard ${k}`);
      assert.deepEqual(whole.labels, ranged.labels);
      assert.deepEqual(whole.features, ranged.features);
    }
  }
});

test('the header test agrees with the CSV reader: inf, quoted numbers and missing markers are data', async () => {
  const { readCsv, splitRanges } = await import('../../runtimes/data/index.js');
  const { statSync } = await import('node:fs');
  const dir = tempDir();
  const body = Array.from({ length: 40 }, (_, i) => `${i % 2},${i},${i * 2}`);
  const firsts = [
    '1,inf,-Infinity',
    '0,"1.5", "NA" ',
    '1,INF,N/A',
    '0,1e400,None',
    '1,+inf,-nan',
    '"label","my, col",b',
    'label,a,b',
  ];
  for (const [n, first] of firsts.entries()) {
    const file = join(dir, `h${n}.csv`);
    writeFileSync(file, `${first}\r\n${body.join('\r\n')}\r\n`);
    const header = (await readCsv(file)).rows === body.length;
    const shards = writeShards(file, 3, dir, `h${n}`, '.csv', true);
    const ranges = splitRanges(statSync(file).size, 3);
    let rows = 0;
    for (let k = 0; k < 3; k++) {
      const part = await readCsv(shards[k]!);
      assert.deepEqual(part.features, (await readCsv(file, { range: ranges[k]! })).features, first);
      rows += part.rows;
    }
    assert.equal(rows, body.length + (header ? 0 : 1), first);
    assert.equal(readFileSync(shards[1]!, 'utf8').startsWith(first), header, first);
  }
});
