import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTerminal, nextRankState, type RankState } from '../../launcher/rank-state.js';

test('a rank goes pending → starting → ready → running → succeeded', () => {
  let s: RankState = 'pending';
  for (const [event, expected] of [
    ['spawned', 'starting'],
    ['registered', 'ready'],
    ['started', 'running'],
    ['exited-ok', 'succeeded'],
  ] as const) {
    s = nextRankState(s, event);
    assert.equal(s, expected);
  }
  assert.ok(isTerminal(s));
});

test('terminal states never change; early exit 0 is a failure', () => {
  assert.equal(nextRankState('failed', 'exited-ok'), 'failed');
  assert.equal(nextRankState('succeeded', 'crashed'), 'succeeded');
  assert.equal(nextRankState('starting', 'exited-ok'), 'failed');
  assert.equal(nextRankState('running', 'silent'), 'lost');
  assert.equal(nextRankState('ready', 'stopped'), 'stopped');
});
