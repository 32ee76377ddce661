import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Dataset, readCsv, readLibsvm, splitRanges } from '../../../runtimes/data/index.js';
import { scanLines } from '../../../runtimes/data/scan-lines.js';
import { rng, tempFiles } from './temp-files.js';

const tmp = tempFiles();

function concat(parts: Dataset[]): { rows: number; features: number[]; labels: number[]; groups: number[] } {
  return {
    rows: parts.reduce((n, p) => n + p.rows, 0),
    features: parts.flatMap((p) => Array.from(p.features)),
    labels: parts.flatMap((p) => Array.from(p.labels)),
    groups: parts.flatMap((p) => Array.from(p.groups ?? [])),
  };
}

function randomCsv(rand: () => number): string {
  const cols = 1 + Math.floor(rand() * 5);
  const rows = 1 + Math.floor(rand() * 40);
  const eol = rand() < 0.3 ? '\r\n' : '\n';
  const token = () => {
    const r = rand();
    if (r < 0.1) return '';
    if (r < 0.15) return 'NA';
    return ((rand() - 0.5) * 10 ** Math.floor(rand() * 6 - 2)).toPrecision(1 + Math.floor(rand() * 7));
  };
  const lines =
    rand() < 0.5 ? [Array.from({ length: cols }, (_, i) => (i === 0 ? 'label' : `c${i}`)).join(',')] : [];
  for (let r = 0; r < rows; r++) {
    lines.push([String(r), ...Array.from({ length: cols - 1 }, token)].join(','));
    if (rand() < 0.05) lines.push('');
  }
  return lines.join(eol) + (rand() < 0.7 ? eol : '');
}

test('scanLines sees every line once across ranges, whatever the chunk size', async () => {
  const rand = rng(7);
  for (let trial = 0; trial < 30; trial++) {
    const text = randomCsv(rand);
    const path = tmp.file(`scan-${trial}.csv`, text);
    const expected = text.split('\n').map((l) => l.replace(/\r$/, ''));
    if (expected.at(-1) === '') expected.pop();
    for (let parts = 1; parts <= 7; parts++) {
      const got: string[] = [];
      for (const range of splitRanges(Buffer.byteLength(text), parts)) {
        await scanLines(
          path,
          range,
          (buf, from, to) => {
            got.push(buf.toString('utf8', from, to));
            return true;
          },
          1 + (trial % 9),
        );
      }
      assert.deepEqual(got, expected, `trial ${trial}, ${parts} parts`);
    }
  }
});

test('CSV range reads concatenate to the whole read, for 1..7 parts', async () => {
  const rand = rng(11);
  for (let trial = 0; trial < 40; trial++) {
    const text = randomCsv(rand);
    const path = tmp.file(`ranges-${trial}.csv`, text);
    const whole = await readCsv(path, {});
    for (let parts = 1; parts <= 7; parts++) {
      const shards = [];
      for (const range of splitRanges(Buffer.byteLength(text), parts))
        shards.push(await readCsv(path, { range }));
      for (const s of shards) assert.equal(s.cols, whole.cols);
      assert.deepEqual(concat(shards), concat([whole]), `trial ${trial}, ${parts} parts`);
    }
  }
});

test('LibSVM range reads concatenate to the whole read', async () => {
  const rand = rng(5);
  for (let trial = 0; trial < 20; trial++) {
    const lines = [];
    for (let r = 0; r < 1 + rand() * 30; r++) {
      const entries = [];
      for (let i = 0; i < 10; i++) if (rand() < 0.4) entries.push(`${i}:${(rand() * 100 - 50).toFixed(3)}`);
      lines.push(`${r % 2} qid:${Math.floor(r / 4)} ${entries.join(' ')}${rand() < 0.2 ? ' # note' : ''}`);
    }
    const text = `${lines.join('\n')}\n`;
    const path = tmp.file(`ranges-${trial}.svm`, text);
    const whole = await readLibsvm(path, { numFeatures: 10 });
    for (let parts = 1; parts <= 7; parts++) {
      const shards = [];
      for (const range of splitRanges(text.length, parts))
        shards.push(await readLibsvm(path, { range, numFeatures: 10 }));
      assert.deepEqual(concat(shards), concat([whole]), `trial ${trial}, ${parts} parts`);
    }
  }
});

test('a range reader reports the line number in the whole file', async () => {
  const lines = ['label,a'];
  for (let i = 0; i < 50; i++) lines.push(`${i},${i === 41 ? 'oops' : i}`);
  const text = `${lines.join('\n')}\n`;
  const path = tmp.file('late.csv', text);
  const [, last] = splitRanges(text.length, 2);
  assert.ok(last && last.start > 0 && text.indexOf('oops') > last.start);
  await assert.rejects(readCsv(path, { range: last, displayName: 'late.csv' }), {
    code: 'E_DATA',
    message: 'late.csv:43: field 2 (a): "oops" is not a number',
  });
  // The first range stops before that line: it reads its own rows (all but the header) and no more.
  const [first] = splitRanges(text.length, 2);
  const owned = text.slice(0, last.start - 1).split('\n').length - 1;
  assert.equal((await readCsv(path, { range: first! })).rows, owned);
});

test('a range with no line starts is empty, not an error; the header is data for nobody', async () => {
  const path = tmp.file('short.csv', 'label,a\n1,2\n');
  const ranges = splitRanges(12, 7);
  const shards = await Promise.all(ranges.map((range) => readCsv(path, { range })));
  assert.deepEqual(
    shards.map((s) => s.rows),
    [0, 0, 0, 0, 0, 1, 0], // line 2 starts at byte 8, in [8, 10)
  );
  assert.ok(shards.every((s) => s.cols === 1 && s.featureNames[0] === 'a'));
});

test('splitRanges tiles [0, size)', () => {
  assert.deepEqual(splitRanges(10, 3), [
    { start: 0, end: 3 },
    { start: 3, end: 6 },
    { start: 6, end: 10 },
  ]);
  assert.throws(() => splitRanges(10, 0), RangeError);
});
