import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readLibsvm } from '../../../runtimes/data/index.js';
import { tempFiles } from './temp-files.js';

const tmp = tempFiles();
const NaN_ = Number.NaN;

test('sparse entries leave the rest missing; indices are columns as given (0-based)', async () => {
  const path = tmp.file('zero.svm', '1 0:1.5 2:-3\n0 1:2e1\n');
  const ds = await readLibsvm(path, {});
  assert.equal(ds.rows, 2);
  assert.equal(ds.cols, 3);
  assert.deepEqual(ds.features, Float32Array.from([1.5, NaN_, -3, NaN_, 20, NaN_]));
  assert.deepEqual(ds.labels, Float32Array.from([1, 0]));
  assert.deepEqual(ds.featureNames, ['f0', 'f1', 'f2']);
  assert.equal(ds.groups, undefined);
});

test('a 1-based file gets an all-missing column 0, as in XGBoost', async () => {
  const path = tmp.file('one.svm', '+1 1:1 3:3\n-1 2:2\n');
  const ds = await readLibsvm(path, {});
  assert.equal(ds.cols, 4);
  assert.deepEqual(ds.features, Float32Array.from([NaN_, 1, NaN_, 3, NaN_, NaN_, 2, NaN_]));
  assert.deepEqual(ds.labels, Float32Array.from([1, -1]));
});

test('qid becomes groups; comments, blank lines, tabs and CRLF are fine', async () => {
  const path = tmp.file(
    'rank.svm',
    '# ranking data\r\n2 qid:1 0:1\r\n\r\n1\tqid:1\t1:1 # tail\r\n0 qid:7 0:0.5\r\n',
  );
  const ds = await readLibsvm(path, {});
  assert.deepEqual(ds.groups, Int32Array.from([1, 1, 7]));
  assert.deepEqual(ds.labels, Float32Array.from([2, 1, 0]));
  assert.equal(ds.cols, 2);
});

test('numFeatures fixes the width and bounds the indices', async () => {
  const path = tmp.file('width.svm', '1 0:1\n0 2:1\n');
  assert.equal((await readLibsvm(path, { numFeatures: 5 })).cols, 5);
  await assert.rejects(readLibsvm(path, { numFeatures: 2, displayName: 'w.svm' }), {
    code: 'E_DATA',
    message: 'w.svm:2: feature index 2 is out of range: numFeatures is 2 (indices 0..1)',
  });
});

test('bad lines are errors with their line number', async () => {
  const cases: [string, string][] = [
    ['1 0:1\nx 0:1\n', 'f.svm:2: label "x" is not a number'],
    ['1 0:1\n1 0:y\n', 'f.svm:2: value "y" is not a number'],
    ['1 0:1\n1 a:1\n', 'f.svm:2: feature index "a" is not a non-negative integer'],
    ['1 0:1\n1 -1:1\n', 'f.svm:2: feature index "-1" is not a non-negative integer'],
    ['1 0:1\n1 3\n', 'f.svm:2: "3" is not index:value'],
    ['1 0:1 0:2\n', 'f.svm:1: feature index 0 appears twice'],
    ['1 qid:1 0:1\n1 0:1\n', 'f.svm:2: qid missing (earlier lines have one)'],
    ['1 0:1\n\n1 qid:2 0:1\n', 'f.svm:3: qid given (earlier lines have none)'],
  ];
  for (const [i, [text, message]] of cases.entries()) {
    const path = tmp.file(`bad-${i}.svm`, text);
    await assert.rejects(readLibsvm(path, { displayName: 'f.svm' }), { code: 'E_DATA', message });
  }
});

test('an empty file and a file of comments are errors', async () => {
  await assert.rejects(readLibsvm(tmp.file('empty.svm', ''), { displayName: 'e.svm' }), {
    message: 'e.svm: the file is empty',
  });
  await assert.rejects(readLibsvm(tmp.file('notes.svm', '# nothing\n\n'), { displayName: 'n.svm' }), {
    message: 'n.svm: no data lines (only blank lines and comments)',
  });
});
