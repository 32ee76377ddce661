/**
 * How `dtrain predict` finds the label column of a CSV file: by the model's feature names when the
 * header holds them all (any order, any label name), never by guessing when the header names other
 * columns. The model is a hand-built one with feature names that need CSV quoting.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { toLightgbmText } from '../../../runtimes/gbdt/lightgbm/model.js';
import { toXgboostJson } from '../../../runtimes/gbdt/xgboost/model-json.js';
import { predictFile } from '../../../runtimes/predict/predict-file.js';
import { awkwardData, handModel } from '../gbdt/model-json-fixtures.js';
import { tempFiles } from '../data/temp-files.js';

const tmp = tempFiles();
const model = handModel('reg:squarederror', 0, 2.75, 2);
const json = tmp.file('model.json', toXgboostJson(model));
const txt = tmp.file('model.txt', toLightgbmText(model));
const rows = 60;
const x = awkwardData(rows, 5);
const cell = (v: number) => (Number.isNaN(v) ? '' : String(v));
const price = (r: number) => 100 + r;

/** The data as CSV with the given header; `order` lists model feature indices, -1 for the price column. */
function csv(name: string, header: string, order: readonly number[]): string {
  const lines = Array.from({ length: rows }, (_, r) =>
    order.map((f) => (f < 0 ? String(price(r)) : cell(x[r * 4 + f]!))).join(','),
  );
  return tmp.file(name, `${header}\n${lines.join('\n')}\n`);
}

const plain = csv('plain.csv', 'a,b,c,d', [0, 1, 2, 3]);

test('the label is the column the model does not use, found by name in any order', async () => {
  const reference = await predictFile(json, plain, { label: null });
  // Trained with label: price as the last column; here price comes first and the features are shuffled.
  const file = csv('named.csv', 'price,w,"x""q",age,"height cm"', [-1, 3, 2, 0, 1]);
  for (const m of [json, txt]) {
    const p = await predictFile(m, file);
    assert.deepEqual(p.header, ['row', 'label', 'prediction']);
    for (let r = 0; r < rows; r++) {
      const [, label, value] = p.line(r).split(',');
      assert.equal(Number(label), price(r));
      assert.equal(value, reference.line(r).split(',')[1], `${m} row ${r}`);
    }
  }
});

test('with one column more than the model and the label last, the label is not read as a feature', async () => {
  const reference = await predictFile(json, plain, { label: null });
  const file = csv('last.csv', 'age,"height cm","x""q",w,price', [0, 1, 2, 3, -1]);
  const p = await predictFile(json, file);
  for (let r = 0; r < rows; r++) {
    assert.equal(p.line(r), `${r},${price(r)},${reference.line(r).split(',')[1]}`);
  }
});

test('a header that names other columns than the model is refused, unless --label says how to read it', async () => {
  const file = csv('other.csv', 'age,height,xq,w,price', [0, 1, 2, 3, -1]);
  await assert.rejects(predictFile(json, file, { dataName: 'other.csv' }), {
    code: 'E_DATA',
    category: 'config',
    message:
      'other.csv:1: the header lacks 2 of the model\'s 4 feature names (height cm, x"q): name the columns as in training, or give --label (a column, or none) to score by position',
  });
  const told = await predictFile(json, file, { label: 'price' });
  assert.equal(told.line(0).split(',')[1], String(price(0)));
  // A file without a header is read by position, its label in field 0 (XGBoost's label_column=0).
  const bare = join(tmp.dir, 'bare.csv');
  writeFileSync(
    bare,
    `${Array.from({ length: rows }, (_, r) => `${price(r)},${[0, 1, 2, 3].map((f) => cell(x[r * 4 + f]!)).join(',')}`).join('\n')}\n`,
  );
  const reference = await predictFile(json, plain, { label: null });
  const p = await predictFile(json, bare);
  for (let r = 0; r < rows; r++)
    assert.equal(p.line(r), `${r},${price(r)},${reference.line(r).split(',')[1]}`);
});
