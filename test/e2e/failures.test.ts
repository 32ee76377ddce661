/**
 * Fail-fast gang stop: a rank killed with SIGKILL, a rank frozen with SIGSTOP, and Ctrl-C on the
 * launcher each end the whole job quickly, name the cause, and leave no process or port behind.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, portOpen, processesOfJob } from '../helpers/processes.js';
import { startDtrain, tempDir, writeJob } from '../helpers/dtrain-process.js';

// Long enough that the job is still running when the test interferes.
const LONG_JOB = `name: long
framework: doctor
hosts:
  - address: localhost
    slots: 4
params:
  sizes: [65536]
  iterations: 10000000
network:
  heartbeat_interval: 0.5
  heartbeat_timeout: 3
`;

async function startLong(home: string) {
  const file = writeJob(tempDir(), 'long.yaml', LONG_JOB);
  const run = startDtrain(['run', file, '--json'], { home });
  await run.waitFor((e) => e.type === 'training-start');
  const pids = new Map<number, number>();
  const ports: number[] = [];
  for (const e of run.events) {
    if (e.type === 'rank-start') pids.set(Number(e.rank), Number(e.pid));
    if (e.type === 'rank-ready') ports.push(Number(e.port));
    if (e.type === 'coordinator-ready') ports.push(Number(e.port));
  }
  return { run, pids, ports, jobId: String(run.events[0]!.jobId) };
}

async function assertNothingLeft(jobId: string, ports: readonly number[]) {
  assert.ok(
    await eventually(() => processesOfJob(jobId).length === 0, 2000),
    `left: ${processesOfJob(jobId)}`,
  );
  for (const port of ports) assert.equal(await portOpen(port), false, `port ${port} still open`);
}

test('SIGKILL of one rank ends the job within 5 s naming the rank; nothing remains', async () => {
  const { run, pids, ports, jobId } = await startLong(tempDir());
  await new Promise((r) => setTimeout(r, 300));
  const killedAt = Date.now();
  process.kill(pids.get(2)!, 'SIGKILL');
  const code = await run.exited;
  const took = Date.now() - killedAt;
  assert.ok(took < 5000, `took ${took} ms`);
  assert.equal(code, 1);
  const end = run.events.find((e) => e.type === 'job-end')!;
  assert.equal(end.state, 'failed');
  assert.match(String(end.error), /^rank 2 on localhost was killed by SIGKILL/);
  await assertNothingLeft(jobId, ports);
});

test('a rank frozen with SIGSTOP is declared lost after the heartbeat timeout', async () => {
  const { run, pids, ports, jobId } = await startLong(tempDir());
  process.kill(pids.get(1)!, 'SIGSTOP');
  const code = await run.exited;
  assert.equal(code, 1);
  const lost = run.events.find((e) => e.type === 'rank-lost');
  assert.ok(lost, 'no rank-lost event');
  assert.equal(lost.rank, 1);
  const end = run.events.find((e) => e.type === 'job-end')!;
  assert.match(String(end.error), /^rank 1 on localhost sent nothing for \d+\.\ds \(heartbeat timeout 3s\)/);
  await assertNothingLeft(jobId, ports);
});

test('Ctrl-C on dtrain run stops every worker and exits 130', async () => {
  const { run, ports, jobId } = await startLong(tempDir());
  run.child.kill('SIGINT');
  const code = await run.exited;
  assert.equal(code, 130);
  const end = run.events.find((e) => e.type === 'job-end')!;
  assert.equal(end.state, 'stopped');
  await assertNothingLeft(jobId, ports);
});

test('workers exit by themselves when the launcher dies without a word', async () => {
  const { run, ports, jobId } = await startLong(tempDir());
  run.child.kill('SIGKILL');
  await run.exited;
  await assertNothingLeft(jobId, ports);
});
