/** The supervision rules apart from processes: root cause, heartbeat silence, rendezvous. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RankPlan } from '../../../launcher/index.js';
import type { RankRecord } from '../../../launcher/store/types.js';
import {
  type Cause,
  findSilence,
  RootCause,
  Rendezvous,
  SYMPTOM_GRACE_MS,
} from '../../../launcher/supervise/index.js';

test('root cause: the first real failure wins; a symptom waits for it', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const named: Cause[] = [];
  const rc = new RootCause((c) => named.push(c));
  rc.fail('rank 1 lost its connection', true);
  assert.equal(rc.named, false);
  rc.fail('rank 0 exited with code 137 (SIGKILL)');
  rc.fail('rank 2 failed too');
  t.mock.timers.tick(SYMPTOM_GRACE_MS + 1);
  assert.deepEqual(
    named.map((c) => c.message),
    ['rank 0 exited with code 137 (SIGKILL)'],
  );
  rc.late({ message: 'could not fetch', state: 'failed', code: 'E_FETCH' });
  assert.equal(rc.final()?.message, 'rank 0 exited with code 137 (SIGKILL)');
});

test('root cause: a symptom alone names itself after the grace', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const named: Cause[] = [];
  const rc = new RootCause((c) => named.push(c));
  rc.fail('peer lost', true, 'E_WORKER');
  assert.equal(rc.final()?.message, 'peer lost');
  t.mock.timers.tick(SYMPTOM_GRACE_MS - 1);
  assert.equal(named.length, 0);
  t.mock.timers.tick(2);
  assert.deepEqual(
    named.map((c) => c.message),
    ['peer lost'],
  );
});

function rank(
  rank: number,
  host: string,
  state: RankRecord['state'],
  lastSeen: number | undefined,
): RankRecord {
  return {
    rank,
    host,
    state,
    lastSeen,
    pid: undefined,
    port: undefined,
    step: 0,
    total: 0,
    unit: '',
    rate: undefined,
    exitCode: undefined,
    signal: undefined,
  };
}

test('silence: the first rank past the timeout, with the quiet ranks of its host', () => {
  const now = 100_000;
  const ranks = [
    rank(0, 'a', 'running', now - 1000),
    rank(1, 'b', 'running', now - 12_000),
    rank(2, 'b', 'running', now - 3000),
    rank(3, 'b', 'running', now - 500),
    rank(4, 'b', 'failed', now - 20_000),
  ];
  // timeout 10 s, interval 1 s: rank 1 is silent; rank 2 (quiet > 2 s) shares its fate, rank 3 not.
  const s = findSilence(ranks, now, 10, 1);
  assert.equal(s?.rank, 1);
  assert.equal(s?.silentFor, 12);
  assert.deepEqual(
    s?.lost.map((l) => l.rank),
    [1, 2],
  );
  assert.equal(findSilence(ranks.slice(0, 1), now, 10, 1), undefined);
});

test('rendezvous: complete once every rank registered; the deadline names the missing', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const plan = [0, 1, 2].map((r) => ({ rank: r, hostName: `h${r}` }) as RankPlan);
  const rv = new Rendezvous(plan);
  let missed = '';
  rv.startDeadline(5000, (m) => {
    missed = m;
  });
  assert.equal(rv.register({ rank: 2, host: 'x', port: 3 }), false);
  assert.equal(rv.register({ rank: 0, host: 'x', port: 1 }), false);
  t.mock.timers.tick(5000);
  assert.equal(missed, '1 (h1)');
  assert.equal(rv.register({ rank: 1, host: 'x', port: 2 }), true);
  assert.deepEqual(
    rv.table().map((p) => p.rank),
    [0, 1, 2],
  );
});
