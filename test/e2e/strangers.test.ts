/**
 * Strangers on the job's ports: a client with a wrong token, one with another job's token and one
 * sending random bytes are dropped (and reported) while the job runs on and succeeds.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect as tcpConnect } from 'node:net';
import { test } from 'node:test';
import { connect } from '../../runtimes/protocol/index.js';
import { startDtrain, tempDir, writeJob } from '../helpers/dtrain-process.js';

const JOB = `name: strangers
framework: doctor
hosts:
  - address: localhost
    slots: 3
params:
  sizes: [8, 65536]
  iterations: 400
`;

function sendRandomBytes(port: number): Promise<void> {
  return new Promise((resolve) => {
    const s = tcpConnect({ host: '127.0.0.1', port }, () => s.write(randomBytes(4096)));
    s.on('error', () => resolve());
    s.on('close', () => resolve());
    setTimeout(() => {
      s.destroy();
      resolve();
    }, 3000);
  });
}

test('wrong-token, other-job and random-bytes clients are dropped; the job still succeeds', async () => {
  const file = writeJob(tempDir(), 'job.yaml', JOB);
  const run = startDtrain(['run', file, '--json'], { home: tempDir() });
  const ready = await run.waitFor((e) => e.type === 'coordinator-ready');
  const port = Number(ready.port);
  const jobId = String(run.events[0]!.jobId);
  const me = { role: 'worker' as const, rank: 1 };
  await assert.rejects(connect('127.0.0.1', port, me, { token: randomBytes(32).toString('hex'), jobId }));
  await assert.rejects(
    connect('127.0.0.1', port, me, { token: randomBytes(32).toString('hex'), jobId: 'other-job' }),
  );
  await sendRandomBytes(port);
  // A worker's own peer port rejects strangers too.
  const peer = await run.waitFor((e) => e.type === 'rank-ready');
  await assert.rejects(
    connect(
      '127.0.0.1',
      Number(peer.port),
      { role: 'peer', rank: 0 },
      { token: randomBytes(32).toString('hex'), jobId },
    ),
  );
  await sendRandomBytes(Number(peer.port));

  const code = await run.exited;
  assert.equal(code, 0, run.stderr);
  const end = run.events.find((e) => e.type === 'job-end')!;
  assert.equal(end.state, 'succeeded');
  const rejected = run.events.filter((e) => e.type === 'connection-rejected');
  assert.ok(rejected.length >= 3, `rejections seen: ${JSON.stringify(rejected)}`);
  const result = run.events.find((e) => e.type === 'result' && e.rank === 0)!.data as { rows: unknown[] };
  assert.equal(result.rows.length, 2);
});
