/**
 * Heartbeats from the worker's link thread, as it travels in the bundle to SSH hosts: ranks on two
 * bed hosts whose main threads are held in a synchronous loop (DTRAIN_TEST_BUSY_MS through
 * remote.env) for 4 × heartbeat_timeout are not lost, over the port forwarded back through SSH; and
 * when a host's link is cut while its ranks are busy, they still end themselves (their link thread
 * hears nothing from the coordinator, and the main thread cannot act).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { clusterSupport, needCluster } from '../helpers/cluster.js';
import { startDtrain, tempDir } from '../helpers/dtrain-process.js';
import { eventually } from '../helpers/processes.js';
import { clusterEnv, clusterJob } from './cluster-job.js';
import { createTestbed, type Testbed } from './testbed.js';

const TIMEOUT_S = 2;

function busyJob(bed: Testbed, name: string, busyMs: number): string {
  return clusterJob(bed, tempDir('dtrain-cluster-'), {
    name,
    slots: 1,
    rounds: 3,
    extra: [
      'remote:',
      `  env: {DTRAIN_TEST_BUSY_MS: "${busyMs}"}`,
      `network: {heartbeat_interval: 0.5, heartbeat_timeout: ${TIMEOUT_S}}`,
    ].join('\n'),
  });
}

describe('thread heartbeats on SSH hosts', { timeout: 180_000 }, () => {
  let bed: Testbed | undefined;
  before(async () => {
    if (clusterSupport().ok) bed = await createTestbed({ hosts: 2, name: 'heartbeat' });
  });
  after(() => bed?.destroy());

  test('ranks busy for 4 × heartbeat_timeout on two hosts are not lost; the job succeeds', async (t) => {
    if (!needCluster(t)) return;
    const b = bed!;
    const run = startDtrain(['run', busyJob(b, 'busy-remote', 4 * TIMEOUT_S * 1000), '--json'], {
      home: tempDir(),
      env: clusterEnv(b, b.knownHostsPath),
    });
    const timer = setTimeout(() => run.child.kill('SIGKILL'), 120_000);
    const code = await run.exited;
    clearTimeout(timer);
    const end = run.events.find((e) => e.type === 'job-end');
    assert.equal(end?.error, undefined, String(end?.error));
    assert.equal(code, 0, `${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`);
    assert.equal(
      run.events.find((e) => e.type === 'rank-lost'),
      undefined,
    );
    assert.ok(
      run.events.some((e) => e.type === 'log' && /test hook: busy/.test(String(e.line))),
      'the remote ranks ran the busy loop',
    );
  });

  test('a cut host whose ranks are busy: they end themselves', async (t) => {
    if (!needCluster(t)) return;
    const b = bed!;
    const run = startDtrain(['run', busyJob(b, 'busy-cut', 120_000), '--json'], {
      home: tempDir(),
      env: clusterEnv(b, b.knownHostsPath),
    });
    await run.waitFor(
      (e) => e.type === 'log' && e.rank === 1 && /test hook: busy/.test(String(e.line)),
      90_000,
    );
    const jobId = String(run.events.find((e) => e.type === 'job-start')?.jobId);
    const marker = `DTRAIN_JOB=${jobId}`;
    assert.ok(b.processesInHost(1, marker).length >= 1, 'no rank of the job runs on h1');
    await b.cutLink(1);
    const timer = setTimeout(() => run.child.kill('SIGKILL'), 60_000);
    await run.exited;
    clearTimeout(timer);
    // Silence past heartbeat_timeout, then the link thread's grace: well within 20 s.
    const gone = await eventually(() => b.processesInHost(1, marker).length === 0, 20_000);
    await b.restoreLink(1);
    assert.ok(gone, `left on h1: ${b.processesInHost(1, marker)}`);
  });
});
