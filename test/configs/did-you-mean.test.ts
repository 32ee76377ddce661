import assert from 'node:assert/strict';
import { test } from 'node:test';
import { didYouMean, levenshtein, unknownNameMessage } from '../../configs/params/index.js';

test('levenshtein counts edits', () => {
  assert.equal(levenshtein('', 'abc'), 3);
  assert.equal(levenshtein('gpu', 'gpus'), 1);
  assert.equal(levenshtein('max_dept', 'max_depth'), 1);
  assert.equal(levenshtein('kitten', 'sitting'), 3);
});

test('suggests the nearest name within two edits, case-insensitively', () => {
  const keys = ['address', 'user', 'port', 'gpus', 'slots'];
  assert.equal(didYouMean('gpu', keys), 'gpus');
  assert.equal(didYouMean('Slots', keys), 'slots');
  assert.equal(didYouMean('adress', keys), 'address');
  assert.equal(didYouMean('zzzzzz', keys), undefined);
});

test('suggests by prefix when the edit distance is larger', () => {
  assert.equal(didYouMean('num_boost', ['num_boost_round', 'eta']), 'num_boost_round');
  assert.equal(
    didYouMean('heartbeat', ['heartbeat_interval', 'heartbeat_timeout', 'port']),
    'heartbeat_timeout',
  );
  assert.equal(didYouMean('ab', ['abcdef']), undefined);
});

test('messages list the known names when there is no near one and they are few', () => {
  assert.equal(unknownNameMessage('unknown key', 'gpu', ['gpus']), 'unknown key; did you mean `gpus`?');
  assert.equal(
    unknownNameMessage('unknown key', 'zzzz', ['every', 'keep']),
    'unknown key; expected one of every, keep',
  );
  assert.equal(unknownNameMessage('unknown key', 'zzzz', 'abcdefghi'.split('')), 'unknown key');
});
