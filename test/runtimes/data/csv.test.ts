import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readCsv } from '../../../runtimes/data/index.js';
import { tempFiles } from './temp-files.js';

const tmp = tempFiles();
const f32 = (xs: number[]) => Float32Array.from(xs);

test('a header is detected and the label column found by its conventional name', async () => {
  const path = tmp.file('named.csv', 'a,target,b\n1,0,2\n3,1,4\n');
  const ds = await readCsv(path, {});
  assert.deepEqual(ds, {
    rows: 2,
    cols: 2,
    features: f32([1, 2, 3, 4]),
    labels: f32([0, 1]),
    featureNames: ['a', 'b'],
  });
});

test('without a header the label defaults to field 0 and features are named f0..', async () => {
  const path = tmp.file('plain.csv', '1,2,3\n0,5,6\n');
  const ds = await readCsv(path, {});
  assert.deepEqual(ds.labels, f32([1, 0]));
  assert.deepEqual(ds.features, f32([2, 3, 5, 6]));
  assert.deepEqual(ds.featureNames, ['f0', 'f1']);
});

test('label by name, by index, and none', async () => {
  const path = tmp.file('pick.csv', 'x,y2,z\n1,2,3\n4,5,6\n');
  assert.deepEqual((await readCsv(path, { label: 'z' })).labels, f32([3, 6]));
  const byIndex = await readCsv(path, { label: 1 });
  assert.deepEqual(byIndex.labels, f32([2, 5]));
  assert.deepEqual(byIndex.featureNames, ['x', 'z']);
  const none = await readCsv(path, { label: null });
  assert.equal(none.cols, 3);
  assert.ok(none.labels.every(Number.isNaN));
});

test('header: false reads line 1 as data; header: true names columns even when numeric', async () => {
  const path = tmp.file('numhead.csv', '7,8\n1,2\n');
  assert.equal((await readCsv(path, { header: false })).rows, 2);
  const ds = await readCsv(path, { header: true, label: '8' });
  assert.deepEqual(ds, { rows: 1, cols: 1, features: f32([1]), labels: f32([2]), featureNames: ['7'] });
});

test('missing markers read as NaN', async () => {
  const path = tmp.file('missing.csv', 'label,a,b,c,d,e,f\n1,,NA,nan,NaN,?,null\n0, 1 ,"2",-0.5,,,\n');
  const ds = await readCsv(path, {});
  assert.ok(ds.features.subarray(0, 6).every(Number.isNaN));
  assert.deepEqual(Array.from(ds.features.subarray(6, 9)), [1, 2, -0.5]);
});

test('CRLF line ends, a BOM and a last line without a line break', async () => {
  const path = tmp.file('crlf.csv', '\ufefflabel,a\r\n1,2\r\n0,3');
  const ds = await readCsv(path, {});
  assert.deepEqual(ds.featureNames, ['a']);
  assert.deepEqual(ds.features, f32([2, 3]));
});

test('signs, decimals and exponents parse as Number() does', async () => {
  const tokens = [
    '-1.5e3',
    '+2E-2',
    '.5',
    '7.',
    '-0.000123',
    '1e+10',
    '123456789012345678',
    '3.4028235e38',
    '5e-30',
  ];
  const path = tmp.file('numbers.csv', `0,${tokens.join(',')}\n`);
  const ds = await readCsv(path, {});
  assert.deepEqual(ds.features, f32(tokens.map(Number)));
});

test('blank lines are skipped', async () => {
  const path = tmp.file('blank.csv', 'label,a\n1,2\n\n0,3\n\n');
  assert.equal((await readCsv(path, {})).rows, 2);
});

test('a bad token names file, line, field and token', async () => {
  const path = tmp.file('bad.csv', 'label,a,b\n1,2,3\n0,4,abc\n');
  await assert.rejects(readCsv(path, { displayName: 'data/bad.csv' }), {
    name: 'DtrainError',
    code: 'E_DATA',
    category: 'config',
    message: 'data/bad.csv:3: field 3 (b): "abc" is not a number',
    detail: 'missing values are written as an empty field, NA, nan, NaN, ?, null',
  });
});

test('a wrong field count names the line', async () => {
  const path = tmp.file('count.csv', '1,2,3\n4,5,6\n7,8\n');
  await assert.rejects(readCsv(path, {}), {
    message: `${path}:3: expected 3 fields (as on line 1), found 2`,
  });
  const extra = tmp.file('extra.csv', '1,2\r\n4,5,6\r\n');
  await assert.rejects(readCsv(extra, {}), {
    message: `${extra}:2: expected 2 fields (as on line 1), found 3`,
  });
});

test('a label column that is not there', async () => {
  const path = tmp.file('nolabel.csv', 'a,b\n1,2\n');
  await assert.rejects(readCsv(path, { label: 'y' }), {
    message: `${path}:1: label column "y" not found (columns: a, b)`,
  });
  await assert.rejects(readCsv(path, { label: 2 }), {
    message: `${path}:1: label column 2 not found: line 1 has 2 fields (0..1)`,
  });
  const plain = tmp.file('plain-nolabel.csv', '1,2\n');
  await assert.rejects(readCsv(plain, { label: 'y' }), {
    message: `${plain}:1: label column "y" not found: the file has no header line`,
  });
});

test('an empty file and a header-only file are errors', async () => {
  const empty = tmp.file('empty.csv', '');
  await assert.rejects(readCsv(empty, { displayName: 'empty.csv' }), {
    code: 'E_DATA',
    message: 'empty.csv: the file is empty',
  });
  const headerOnly = tmp.file('header.csv', 'label,a\n');
  await assert.rejects(readCsv(headerOnly, { displayName: 'header.csv' }), {
    message: 'header.csv: the file has a header but no data rows',
  });
});

test('a group column (by name, or by LightGBM index not counting the label) gives groups, not a feature', async () => {
  const path = tmp.file('rank.csv', 'label,a,qid,b\n2,1,7,2\n0,3,7,4\n1,5,9,6\n');
  const byName = await readCsv(path, { group: 'qid' });
  assert.deepEqual(byName, {
    rows: 3,
    cols: 2,
    features: f32([1, 2, 3, 4, 5, 6]),
    labels: f32([2, 0, 1]),
    featureNames: ['a', 'b'],
    groups: Int32Array.of(7, 7, 9),
  });
  // LightGBM's group_column=1: the second column once the label is left out.
  assert.deepEqual(await readCsv(path, { group: 1 }), byName);
  await assert.rejects(readCsv(path, { group: 'query' }), { message: /group column "query" not found/ });
  const bad = tmp.file('rank-bad.csv', 'label,a,qid\n1,2,3.5\n');
  await assert.rejects(readCsv(bad, { group: 'qid' }), {
    message: /rank-bad.csv:2: field 3 \(qid\): query id "3.5" is not an integer/,
  });
});
