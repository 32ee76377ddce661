/** Following a job through its folder: the backlog, then new lines (whole lines only), logs, the end. */
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { followJob, type JobEvent, JobStore } from '../../launcher/index.js';
import { tempDir } from '../helpers/dtrain-process.js';

function newJob(store: JobStore): string {
  const { id, dir } = store.createJobDir('follow', new Date(0));
  const record = { id, state: 'running', coordinatorPid: process.pid, ranks: [], createdAt: 0 };
  writeFileSync(join(dir, 'state.json'), JSON.stringify(record));
  return id;
}

const line = (e: object) => `${JSON.stringify(e)}\n`;

test('replays the backlog, then follows new events and log lines until the end', async () => {
  const store = new JobStore(tempDir());
  const id = newJob(store);
  const events = store.eventsPath(id);
  appendFileSync(events, line({ type: 'job-start', ts: 1, jobId: id, worldSize: 2, hosts: ['localhost'] }));
  appendFileSync(store.logPath(id, 1), 'old line\n');
  const seen: JobEvent[] = [];
  const following = followJob(store, id, { onEvent: (e) => seen.push(e), intervalMs: 10 });
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(
    seen.map((e) => e.type),
    ['job-start', 'log'],
  );
  assert.equal(seen[1]!.ts, 0, 'backlog log lines carry ts 0');
  // Half a line waits for its end.
  const progress = line({ type: 'progress', ts: 2, rank: 0, step: 1, total: 5 });
  appendFileSync(events, progress.slice(0, 10));
  appendFileSync(store.logPath(id, 0), 'new line\n');
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(
    seen.map((e) => e.type),
    ['job-start', 'log', 'log'],
  );
  assert.ok(seen[2]!.ts > 0);
  appendFileSync(events, progress.slice(10));
  appendFileSync(events, line({ type: 'job-end', ts: 3, state: 'succeeded', exitCode: 0, elapsed: 1 }));
  const end = await following;
  assert.equal(end.how, 'ended');
  assert.deepEqual(
    seen.map((e) => e.type),
    ['job-start', 'log', 'log', 'progress', 'job-end'],
  );
});

test('a job whose coordinator is gone ends the follow as abandoned; an abort ends it at once', async () => {
  const store = new JobStore(tempDir());
  const id = newJob(store);
  const dead = { id, state: 'running', coordinatorPid: 2 ** 22 + 12345, ranks: [], createdAt: 0 };
  writeFileSync(join(store.jobDir(id), 'state.json'), JSON.stringify(dead));
  const end = await followJob(store, id, { onEvent: () => {}, intervalMs: 10 });
  assert.equal(end.how, 'abandoned');

  const live = newJob(store);
  const abort = new AbortController();
  const following = followJob(store, live, { onEvent: () => {}, intervalMs: 10, signal: abort.signal });
  abort.abort();
  assert.equal((await following).how, 'aborted');
});
