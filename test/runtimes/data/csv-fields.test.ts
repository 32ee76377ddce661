import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closingQuote, countFields, splitFields } from '../../../runtimes/data/csv-fields.js';

const bytes = (s: string) => Buffer.from(s, 'latin1');

test('splitFields: plain, quoted, doubled quotes, commas inside quotes, blanks, empty fields', () => {
  assert.deepEqual(splitFields('a, b ,c'), ['a', 'b', 'c']);
  assert.deepEqual(splitFields('"my col", "a,b" ,"say ""hi""",""'), ['my col', 'a,b', 'say "hi"', '']);
  assert.deepEqual(splitFields('a,,b,'), ['a', '', 'b', '']);
  assert.deepEqual(splitFields(''), ['']);
  assert.deepEqual(splitFields('" a "'), [' a ']);
});

test('splitFields: a quote left open and text after a closing quote are errors', () => {
  assert.deepEqual(splitFields('a,"b'), { error: 'field 2: the quote it opens is not closed on this line' });
  assert.deepEqual(splitFields('"a"b,c'), { error: 'field 1: text after its closing quote' });
});

test('countFields does not count commas inside quotes', () => {
  for (const [line, n] of [
    ['1,2,3', 3],
    ['"1,2",3', 2],
    ['"a ""b,c""",d', 2],
    ['', 1],
    [',', 2],
  ] as const) {
    const b = bytes(line);
    assert.equal(countFields(b, 0, b.length), n, line);
  }
});

test('closingQuote skips doubled quotes and says when it saw one', () => {
  const b = bytes('"a""b",c');
  assert.deepEqual(closingQuote(b, 0, b.length), { at: 5, escapes: true });
  const c = bytes('"ab"');
  assert.deepEqual(closingQuote(c, 0, c.length), { at: 3, escapes: false });
  // The quote closing the range's last byte pair is not taken for a doubled quote past the end.
  const d = bytes('"a"",');
  assert.deepEqual(closingQuote(d, 0, 3), { at: 2, escapes: false });
  assert.equal(closingQuote(bytes('"ab'), 0, 3).at, -1);
});
