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
    detail:
      'missing values are written as an empty field, NA, N/A, nan, NaN, null, None, ? (any case); infinities as inf, Infinity or 1e400',
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

test('infinities in every spelling, and missing markers in any case', async () => {
  const inf = [
    'inf',
    'INF',
    'Inf',
    '+inf',
    'infinity',
    'Infinity',
    '+Infinity',
    'INFINITY',
    '1e400',
    '"inf"',
  ];
  const neg = ['-inf', '-INF', '-Infinity', '-infinity', '-1e400'];
  const nan = ['NAN', 'Nan', 'NULL', 'N/A', 'None', '-nan', 'na', '""', '" "'];
  const tokens = [...inf, ...neg, ...nan];
  const names = tokens.map((_, i) => `c${i}`);
  const path = tmp.file('inf.csv', `label,${names.join(',')}\n1,${tokens.join(',')}\n`);
  const ds = await readCsv(path, {});
  assert.deepEqual(Array.from(ds.features), [
    ...inf.map(() => Infinity),
    ...neg.map(() => -Infinity),
    ...nan.map(() => Number.NaN),
  ]);
});

test('RFC 4180 quoting: quoted numbers and names, commas and doubled quotes inside quotes, CRLF', async () => {
  const path = tmp.file(
    'quoted.csv',
    '"label","my col","a,b", "say ""hi""" \r\n"1"," 1.5 ",2,"-3e1"\r\n0,"",  "4" ,5\r\n',
  );
  assert.deepEqual(await readCsv(path, {}), {
    rows: 2,
    cols: 3,
    features: f32([1.5, 2, -30, Number.NaN, 4, 5]),
    labels: f32([1, 0]),
    featureNames: ['my col', 'a,b', 'say "hi"'],
  });
  // A quoted label name is found by the name inside the quotes.
  assert.deepEqual((await readCsv(path, { label: 'a,b' })).labels, f32([2, 4]));
});

test('quoted fields that cannot be numbers name file, line and field', async () => {
  const cases: [string, string][] = [
    ['1,"2,5"', 'field 2 (a): "2,5" is not a number'],
    ['1,"say ""2"""', 'field 2 (a): "say \\"\\"2\\"\\"" is not a number'],
    ['1,2"5"', 'field 2 (a): "2\\"5\\"" is not a number'],
    ['1,"2"5', 'field 2 (a): text after its closing quote'],
    [
      '1,"2',
      'field 2 (a): the quote it opens is not closed on this line (quoted line breaks are not supported)',
    ],
    ['1,"2","3"', 'expected 2 fields (as on line 1), found 3'],
    ['"1,2"', 'field 1 (label): "1,2" is not a number'],
  ];
  for (const [line, message] of cases) {
    const path = tmp.file('q-bad.csv', `label,a\n0,1\n${line}\n`);
    await assert.rejects(
      readCsv(path, { displayName: 'q.csv' }),
      { code: 'E_DATA', message: `q.csv:3: ${message}` },
      line,
    );
  }
  const header = tmp.file('q-head.csv', 'label,"a\n1,2\n');
  await assert.rejects(readCsv(header, { displayName: 'q.csv' }), {
    message: 'q.csv:1: field 2: the quote it opens is not closed on this line',
  });
});

test('a header field without a name is refused at line 1 (golden text)', async () => {
  const trailing = tmp.file('trailing.csv', 'label,a,b,\n1,2,3,\n0,4,5,\n');
  await assert.rejects(readCsv(trailing, { displayName: 'data/train.csv' }), {
    name: 'DtrainError',
    code: 'E_DATA',
    category: 'config',
    message:
      'data/train.csv:1: header field 4 of 4 has no name (line 1 ends with a comma): name the column or remove the comma',
  });
  // pandas' to_csv with its index: the first column has no name.
  const index = tmp.file('index.csv', ',label,a\n0,1,2\n');
  await assert.rejects(readCsv(index, { displayName: 'index.csv' }), {
    message: 'index.csv:1: header field 1 of 3 has no name: name the column or remove it',
  });
  // Also when the unnamed column is not a feature, and when it is written as "".
  await assert.rejects(readCsv(tmp.file('q-empty.csv', 'label,"",a\n1,2,3\n'), { label: 1 }), {
    message: /:1: header field 2 of 3 has no name: /,
  });
  // A header-less file with a trailing comma is data: its last field is an empty (missing) feature.
  const plain = await readCsv(tmp.file('plain-trailing.csv', '1,2,\n0,3,\n'), {});
  assert.deepEqual(plain.features, f32([2, Number.NaN, 3, Number.NaN]));
});

test('repeated header names are refused at line 1', async () => {
  const path = tmp.file('dup.csv', 'label,a,b,a\n1,2,3,4\n');
  await assert.rejects(readCsv(path, { displayName: 'dup.csv' }), {
    code: 'E_DATA',
    message: 'dup.csv:1: header fields 2 and 4 are both named "a": column names must be unique',
  });
  const label = tmp.file('dup-label.csv', 'label,a,label\n1,2,3\n');
  await assert.rejects(readCsv(label, { displayName: 'dup.csv' }), {
    message: 'dup.csv:1: header fields 1 and 3 are both named "label": column names must be unique',
  });
});
