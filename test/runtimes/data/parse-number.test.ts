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
  for (const t of ['abc', '1e', '-', '.', '1.2.3', '1,5', '--1', 'infinit', 'nan1', '++inf', '- inf'])
    assert.equal(parse(t), undefined, t);
});

test('every spelling of ±infinity that LightGBM, numpy and pandas read', () => {
  const positive = [
    'inf',
    'INF',
    'Inf',
    '+inf',
    'infinity',
    'Infinity',
    'INFINITY',
    '+Infinity',
    '1e400',
    '"inf"',
  ];
  for (const t of positive) assert.equal(parse(t), Number.POSITIVE_INFINITY, t);
  for (const t of ['-inf', '-INF', '-Inf', '-infinity', '-Infinity', '-1e400', ' -inf '])
    assert.equal(parse(t), Number.NEGATIVE_INFINITY, t);
  // Underflow is zero, as in strtod.
  assert.ok(Object.is(parse('1e-400'), 0) && Object.is(parse('-1e-400'), -0));
});

test('missing markers in any case (LightGBM lower-cases them), nan with a sign', () => {
  const missing = [
    'NAN',
    'Nan',
    'na',
    'Na',
    'NULL',
    'Null',
    'N/A',
    'n/a',
    'None',
    'NONE',
    '-nan',
    '+NaN',
    '-NAN',
  ];
  for (const t of missing) assert.ok(Number.isNaN(parse(t)), t);
  for (const t of ['-na', '-null', '+?', 'nul', 'nonee']) assert.equal(parse(t), undefined, t);
});

test('hexadecimal, binary and octal literals are not numbers (Number() reads them; no data tool does)', () => {
  for (const t of ['0x10', '0X1F', '0b101', '0o17', '+0x10', '-0x10']) assert.equal(parse(t), undefined, t);
  assert.equal(parse('0'), 0);
  assert.equal(parse('0.5e1'), 5);
});
