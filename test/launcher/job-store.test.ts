import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DtrainError } from '../../configs/errors.js';
import { JobStore } from '../../launcher/store/job-store.js';
import { JobWriter } from '../../launcher/store/job-writer.js';
import type { JobRecord } from '../../launcher/store/types.js';
import { tempDir } from '../helpers/dtrain-process.js';

function record(id: string, name: string, createdAt: number): JobRecord {
  return {
    id,
    name,
    framework: 'doctor',
    parallelism: 'data',
    worldSize: 1,
    local: true,
    jobFile: '/x.yaml',
    output: '/out',
    state: 'succeeded',
    createdAt,
    startedAt: createdAt,
    endedAt: createdAt + 1,
    exitCode: 0,
    error: undefined,
    coordinatorPid: 1,
    ranks: [],
    result: undefined,
  };
}

test('job ids are unique even when created in the same second', () => {
  const store = new JobStore(tempDir());
  const now = new Date('2026-11-26T10:00:00Z');
  const ids = new Set(Array.from({ length: 50 }, () => store.createJobDir('job', now).id));
  assert.equal(ids.size, 50);
  for (const id of ids) assert.match(id, /^job-20261126-100000-[0-9a-f]{4}$/);
});

test('find by id, unique prefix, name and latest; ambiguity and unknown are config errors', () => {
  const store = new JobStore(tempDir());
  const a = store.createJobDir('alpha', new Date('2026-01-01T00:00:00Z'));
  const b = store.createJobDir('alpha', new Date('2026-01-02T00:00:00Z'));
  const c = store.createJobDir('beta', new Date('2026-01-03T00:00:00Z'));
  for (const [job, name, t] of [
    [a, 'alpha', 1],
    [b, 'alpha', 2],
    [c, 'beta', 3],
  ] as const) {
    const w = new JobWriter(job.dir);
    w.writeState(record(job.id, name, t));
    w.close();
  }
  assert.equal(store.find(a.id).id, a.id);
  assert.equal(store.find('alpha').id, b.id);
  assert.equal(store.find('latest').id, c.id);
  assert.equal(store.find('beta-2026').id, c.id);
  assert.throws(
    () => store.find('alpha-2026'),
    (e: unknown) => e instanceof DtrainError && e.code === 'E_JOB_AMBIGUOUS',
  );
  assert.throws(
    () => store.find('gamma'),
    (e: unknown) => e instanceof DtrainError && e.exitCode === 2,
  );
  assert.deepEqual(
    store.list().map((j) => j.id),
    [a.id, b.id, c.id],
  );
});

test('state is replaced atomically (no temp files left) and a torn event line is skipped', () => {
  const store = new JobStore(tempDir());
  const job = store.createJobDir('t', new Date());
  const w = new JobWriter(job.dir);
  for (let i = 0; i < 20; i++) w.writeState({ ...record(job.id, 't', i) });
  w.appendEvent({ type: 'stopping', ts: 1, reason: 'x' });
  w.appendLog(3, 'hello');
  w.close();
  appendFileSync(store.eventsPath(job.id), '{"type":"sto');
  assert.deepEqual(readdirSync(job.dir).sort(), ['events.jsonl', 'logs', 'state.json']);
  assert.equal(store.read(job.id).createdAt, 19);
  assert.deepEqual(store.readEvents(job.id), [{ type: 'stopping', ts: 1, reason: 'x' }]);
  assert.equal(readFileSync(join(job.dir, 'logs', 'rank-3.log'), 'utf8'), 'hello\n');
});
