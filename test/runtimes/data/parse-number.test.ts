import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNumber } from '../../../runtimes/data/parse-number.js';
import { rng } from './temp-files.js';

const parse = (text: string) => {
  const bytes = Buffer.from(text, 'latin1');
  return parseNumber(bytes, 0, bytes.length);
};

test('the fast path gives exactly what Number() gives', () => {
  const rand = rng(3);
  for (let i = 0; i < 20000; i++) {
    const digits = 1 + Math.floor(rand() * 17);
    const v = (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20);
    const forms = [
      v.toPrecision(Math.min(digits, 21)),
      v.toExponential(digits - 1),
      v.toFixed(Math.floor(rand() * 8)),
    ];
    for (const t of forms) assert.ok(Object.is(parse(t), Number(t)), t);
  }
});

test('missing markers, blanks, quotes and odd tokens', () => {
  for (const t of ['', '  ', 'NA', 'nan', 'NaN', '?', 'null', '"NA"']) assert.ok(Number.isNaN(parse(t)), t);
  assert.equal(parse(' 1.5 '), 1.5);
  assert.equal(parse('"2"'), 2);
  assert.equal(parse('Infinity'), Number.POSITIVE_INFINITY);
  assert.equal(parse('0x10'), 16);
  for (const t of ['abc', '1e', '-', '.', '1.2.3', '1,5', 'NAN', '--1']) assert.equal(parse(t), undefined, t);
});
