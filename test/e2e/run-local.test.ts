/**
 * A real local job end to end through the binary: 4 rank processes, real TCP, the doctor workload;
 * then status and logs read it back from the store.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { processesOfJob } from '../helpers/processes.js';
import { runDtrain, tempDir, writeJob } from '../helpers/dtrain-process.js';

const JOB = `name: e2e-local
framework: doctor
hosts:
  - address: localhost
    slots: 4
params:
  sizes: [8, 4096, 262144]
  iterations: 5
`;

test('a 4-rank local job runs, records its result, and leaves nothing running', async () => {
  const home = tempDir();
  const dir = tempDir();
  const file = writeJob(dir, 'job.yaml', JOB);
  const run = await runDtrain(['run', file, '--json'], { home });
  assert.equal(run.code, 0, run.stderr);
  const types = run.events.map((e) => e.type);
  for (const t of [
    'job-start',
    'coordinator-ready',
    'host-ready',
    'rank-start',
    'rank-ready',
    'training-start',
    'progress',
    'result',
    'rank-exit',
    'job-end',
  ])
    assert.ok(types.includes(t), `missing ${t} event in ${types.join(',')}`);
  const end = run.events.at(-1)!;
  assert.equal(end.type, 'job-end');
  assert.equal(end.state, 'succeeded');
  const result = run.events.find((e) => e.type === 'result' && e.rank === 0)!.data as {
    worldSize: number;
    rows: { bytes: number; busBwMBs: number; latencyUs: number }[];
  };
  assert.equal(result.worldSize, 4);
  assert.deepEqual(
    result.rows.map((r) => r.bytes),
    [8, 4096, 262144],
  );
  for (const r of result.rows) assert.ok(r.latencyUs > 0 && r.busBwMBs > 0);

  const jobId = String(run.events[0]!.jobId);
  assert.deepEqual(processesOfJob(jobId), []);
  const jobDir = join(home, 'jobs', jobId);
  for (const f of ['job.json', 'state.json', 'events.jsonl']) assert.ok(existsSync(join(jobDir, f)), f);
  const state = JSON.parse(readFileSync(join(jobDir, 'state.json'), 'utf8'));
  assert.equal(state.state, 'succeeded');
  assert.deepEqual(
    state.ranks.map((r: { state: string }) => r.state),
    ['succeeded', 'succeeded', 'succeeded', 'succeeded'],
  );

  const status = await runDtrain(['status', jobId], { home });
  assert.equal(status.code, 0);
  assert.match(status.stdout, /succeeded \(exit 0\)/);
  assert.equal((status.stdout.match(/^\d+\s+localhost\s+succeeded\s/gm) ?? []).length, 4, status.stdout);
  const list = await runDtrain(['status', '--json'], { home });
  assert.equal(JSON.parse(list.stdout)[0].id, jobId);

  // The token never reaches a log or the event stream.
  const logs = await runDtrain(['logs', jobId], { home });
  assert.equal(logs.code, 0);
  const everything =
    readFileSync(join(jobDir, 'events.jsonl'), 'utf8') +
    logs.stdout +
    readFileSync(join(jobDir, 'job.json'), 'utf8');
  assert.doesNotMatch(everything, /[0-9a-f]{64}/);
});

test('plain output is one line per event and ends with the job result', async () => {
  const home = tempDir();
  const dir = tempDir();
  const file = writeJob(dir, 'job.yaml', JOB.replace('slots: 4', 'slots: 2'));
  const run = await runDtrain(['run', file, '--no-tui'], { home });
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stdout,
    /^job e2e-local-\d{8}-\d{6}-[0-9a-f]{4}: doctor, data parallel, 2 ranks on 1 host, as local processes$/m,
  );
  assert.match(run.stdout, /^rank 1 started on localhost \(pid \d+\)$/m);
  assert.match(run.stdout, /^all-reduce \(float32 sum\) across 2 ranks:$/m);
  assert.match(run.stdout, /^job succeeded in /m);
});

test('unknown job and bad rank are bad input (exit 2) with one line', async () => {
  const home = tempDir();
  const r = await runDtrain(['status', 'nope'], { home });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^dtrain: no job "nope" in /);
});
