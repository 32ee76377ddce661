/** The TUI reducer: ranks move through their states, metrics become series, logs stay bounded. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobEvent } from '../../../launcher/index.js';
import {
  initialState,
  LOG_LINES,
  liveness,
  metricBase,
  reduce,
  SERIES_CAP,
  seen,
} from '../../../cli/render/tui/state.js';
import { localXgboostJob, T0, TWO_HOST_SEED, twoHostJob } from './recorded.js';

const run = (events: readonly JobEvent[], seed = {}) => events.reduce(reduce, initialState(seed));

test('a replay gives the job, its ranks, the phase and rank 0 metrics', () => {
  const s = run(localXgboostJob({ rounds: 10 }));
  assert.equal(s.jobId, 'quickstart-20260115-093000-7f3a');
  assert.equal(s.phase, 'training');
  assert.deepEqual(
    s.ranks.map((r) => [r.state, r.step, r.total]),
    Array(4).fill(['running', 10, 500]),
  );
  assert.deepEqual(s.metrics, ['logloss', 'auc']);
  assert.equal(s.series['valid-auc']!.values.length, 10);
  assert.deepEqual(s.series['train-logloss']!.steps, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
});

test('reduce is pure: the old state is untouched', () => {
  const events = localXgboostJob({ rounds: 2 });
  const before = run(events.slice(0, -1));
  const copy = JSON.stringify(before);
  const after = reduce(before, events.at(-1)!);
  assert.notEqual(after, before);
  assert.equal(JSON.stringify(before), copy);
});

test('the seed places ranks and GPUs before any event; host steps keep their order', () => {
  const s = run(twoHostJob('provisioning'), TWO_HOST_SEED);
  assert.equal(s.phase, 'provisioning');
  assert.deepEqual(
    s.ranks.map((r) => `${r.host}:${r.gpu}`),
    ['gpu-a:0', 'gpu-a:1', 'gpu-b:0', 'gpu-b:1'],
  );
  assert.deepEqual(
    s.hosts[0]!.steps.map((x) => `${x.step}=${x.state}`),
    ['connect=done', 'host-key=done', 'node=done', 'upload=done', 'setup=skipped', 'data=running'],
  );
});

test('exits during a stop are stops; a crash is a failure; lost ranks say how long they were silent', () => {
  const base = localXgboostJob({ rounds: 3 });
  const crashed = run([
    ...base,
    { type: 'rank-exit', ts: T0 + 9000, rank: 1, host: 'localhost', code: 137, signal: 'SIGKILL' },
  ]);
  assert.equal(crashed.ranks[1]!.state, 'failed');
  assert.equal(crashed.ranks[1]!.ended, 'SIGKILL');
  const stopped = run([
    ...base,
    { type: 'stopping', ts: T0 + 9000, reason: 'stopped by request' },
    { type: 'rank-exit', ts: T0 + 9001, rank: 1, host: 'localhost', code: null, signal: 'SIGTERM' },
  ]);
  assert.equal(stopped.phase, 'stopping');
  assert.equal(stopped.ranks[1]!.state, 'stopped');
  const lost = run([
    ...base,
    { type: 'rank-lost', ts: T0 + 9000, rank: 3, host: 'localhost', silentFor: 10.4 },
  ]);
  assert.equal(lost.ranks[3]!.state, 'lost');
  assert.equal(lost.ranks[3]!.ended, 'silent 10.4s');
});

test('liveness: ok, late after 2 intervals, stale after 3; heartbeats from state.json count', () => {
  const s = run(localXgboostJob({ rounds: 1 }), { heartbeatInterval: 2 });
  const r = s.ranks[0]!;
  const t = r.lastHeard!;
  assert.equal(liveness(r, t + 3900, 2), 'ok');
  assert.equal(liveness(r, t + 4100, 2), 'late');
  assert.equal(liveness(r, t + 6100, 2), 'stale');
  const later = seen(s, 0, t + 6000);
  assert.equal(liveness(later.ranks[0]!, t + 6100, 2), 'ok');
  assert.equal(seen(later, 0, t), later, 'an older heartbeat changes nothing');
  const ended = run([
    ...localXgboostJob({ rounds: 1 }),
    { type: 'rank-exit', ts: t + 1, rank: 0, host: 'localhost', code: 0, signal: null },
  ]);
  assert.equal(liveness(ended.ranks[0]!, t + 60000, 1), 'none');
});

test('backlog log lines (ts 0) say nothing about liveness; logs keep the last lines', () => {
  let s = run(localXgboostJob({ rounds: 1 }));
  const heard = s.ranks[1]!.lastHeard;
  for (let i = 0; i < LOG_LINES + 20; i++)
    s = reduce(s, { type: 'log', ts: 0, rank: 1, stream: 'stdout', line: `line ${i}` });
  assert.equal(s.ranks[1]!.lastHeard, heard);
  assert.equal(s.logs[1]!.length, LOG_LINES);
  assert.equal(s.logs[1]!.at(-1), `line ${LOG_LINES + 19}`);
  s = reduce(s, { type: 'log', ts: heard! + 5000, rank: 1, stream: 'stderr', line: 'oops' });
  assert.equal(s.logs[1]!.at(-1), '! oops');
  assert.equal(s.ranks[1]!.lastHeard, heard! + 5000);
});

test('long series are halved, not cut: the whole history stays in view', () => {
  const s = run(localXgboostJob({ ranks: 1, rounds: SERIES_CAP + 100, total: 2000 }));
  const series = s.series['train-auc']!;
  assert.ok(series.values.length <= SERIES_CAP);
  assert.ok(series.steps[0]! <= 2);
  assert.equal(series.steps.at(-1), SERIES_CAP + 100);
});

test('metric names group by what follows the set', () => {
  assert.equal(metricBase('valid-auc'), 'auc');
  assert.equal(metricBase('train-binary_logloss'), 'binary_logloss');
  assert.equal(metricBase('loss'), 'loss');
});

test('the end freezes the phase and keeps the exit code', () => {
  const s = run([
    ...localXgboostJob({ rounds: 2 }),
    {
      type: 'job-end',
      ts: T0 + 9999,
      state: 'failed',
      exitCode: 1,
      error: 'rank 2 on localhost exited with code 1',
      elapsed: 9.9,
    },
  ]);
  assert.equal(s.phase, 'ended');
  assert.deepEqual(s.end, {
    state: 'failed',
    exitCode: 1,
    error: 'rank 2 on localhost exited with code 1',
    elapsed: 9.9,
  });
});
