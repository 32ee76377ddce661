/**
 * Liveness that compute cannot starve: a rank whose main thread is held in a synchronous loop (the
 * worker's DTRAIN_TEST_BUSY_MS hook, standing in for a long parse, binning or checkpoint write) keeps
 * its heartbeats flowing from its link thread, and the job succeeds; a rank frozen with SIGSTOP in
 * the middle of that loop still goes silent and is declared lost within heartbeat_timeout.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runDtrain, startDtrain, tempDir, writeJob } from '../helpers/dtrain-process.js';
import { eventually, processesOfJob } from '../helpers/processes.js';

const TIMEOUT_S = 2;

const JOB = `name: busy
framework: doctor
hosts:
  - address: localhost
    slots: 2
params:
  sizes: [1024]
  iterations: 20
network:
  heartbeat_interval: 0.5
  heartbeat_timeout: ${TIMEOUT_S}
`;

test('a rank busy (synchronously) for 4 × heartbeat_timeout is not lost; status sees it busy', async () => {
  const home = tempDir();
  const file = writeJob(tempDir(), 'busy.yaml', JOB);
  // Over the 3 × asked for, leaving `dtrain status` time to start on a loaded machine mid-loop.
  const busyMs = 4 * TIMEOUT_S * 1000;
  const run = startDtrain(['run', file, '--json'], { home, env: { DTRAIN_TEST_BUSY_MS: String(busyMs) } });
  await run.waitFor((e) => e.type === 'training-start');
  const jobId = String(run.events[0]!.jobId);
  // While the ranks spin, their heartbeats say how long their main threads have not answered.
  const state = join(home, 'jobs', jobId, 'state.json');
  const busiest = () => {
    try {
      const record = JSON.parse(readFileSync(state, 'utf8')) as { ranks: { busy?: number }[] };
      return Math.max(0, ...record.ranks.map((r) => r.busy ?? 0));
    } catch {
      return 0; // state.json is replaced atomically, but may not exist yet
    }
  };
  assert.ok(await eventually(() => busiest() >= TIMEOUT_S, busyMs), 'state.json never showed a rank busy');
  const status = await runDtrain(['status', jobId], { home });
  assert.match(status.stdout, /^\s*\d+\s+localhost\s+running\s.*ago, busy \d+\.\ds/m, status.stdout);
  const code = await run.exited;
  const end = run.events.find((e) => e.type === 'job-end')!;
  assert.equal(end.error, undefined, String(end.error));
  assert.equal(code, 0, run.stderr);
  assert.equal(end.state, 'succeeded');
  assert.equal(
    run.events.find((e) => e.type === 'rank-lost'),
    undefined,
  );
  assert.ok(Number(end.elapsed) >= busyMs / 1000, `the hook held the ranks (${end.elapsed}s)`);
});

test('a rank frozen with SIGSTOP in a long synchronous phase is lost within heartbeat_timeout + 2 s', async () => {
  const home = tempDir();
  const file = writeJob(tempDir(), 'busy.yaml', JOB);
  const run = startDtrain(['run', file, '--json'], { home, env: { DTRAIN_TEST_BUSY_MS: '30000' } });
  await run.waitFor((e) => e.type === 'log' && e.rank === 1 && /test hook: busy/.test(String(e.line)));
  const jobId = String(run.events[0]!.jobId);
  const pid = Number(run.events.find((e) => e.type === 'rank-start' && e.rank === 1)!.pid);
  // Into the loop, and past a heartbeat or two from the link thread.
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(
    run.events.find((e) => e.type === 'rank-lost'),
    undefined,
    'lost before it was frozen',
  );
  const frozenAt = Date.now();
  process.kill(pid, 'SIGSTOP');
  const lost = await run.waitFor((e) => e.type === 'rank-lost', 20000);
  const took = (Date.now() - frozenAt) / 1000;
  assert.equal(lost.rank, 1);
  assert.ok(took <= TIMEOUT_S + 2, `declared lost ${took.toFixed(1)} s after SIGSTOP`);
  const code = await run.exited;
  assert.equal(code, 1);
  const end = run.events.find((e) => e.type === 'job-end')!;
  assert.match(
    String(end.error),
    new RegExp(`^rank 1 on localhost sent nothing for \\d+\\.\\ds \\(heartbeat timeout ${TIMEOUT_S}s\\)`),
  );
  assert.ok(
    await eventually(() => processesOfJob(jobId).length === 0, 5000),
    `left: ${processesOfJob(jobId)}`,
  );
});

test('ranks busy in a long synchronous phase still exit soon after the launcher dies', async () => {
  const home = tempDir();
  const file = writeJob(tempDir(), 'busy.yaml', JOB);
  const run = startDtrain(['run', file, '--json'], { home, env: { DTRAIN_TEST_BUSY_MS: '60000' } });
  await run.waitFor((e) => e.type === 'log' && /test hook: busy/.test(String(e.line)));
  const jobId = String(run.events[0]!.jobId);
  run.child.kill('SIGKILL');
  await run.exited;
  // Their link threads see the coordinator go and end the process the main thread cannot end.
  assert.ok(
    await eventually(() => processesOfJob(jobId).length === 0, 10_000),
    `left: ${processesOfJob(jobId)}`,
  );
});
