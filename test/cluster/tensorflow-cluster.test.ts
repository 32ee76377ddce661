/**
 * A tensorflow job over real OpenSSH hosts (the namespace test bed): the worker bundle carries tfjs,
 * its wasm binaries and the collectives thread; each rank reports its backend; rank 0's LayersModel
 * (model.json + weights.bin) comes back. The bed's hosts share this machine's file system, so
 * `data.input: host` finds the example CSV at the same path.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { clusterSupport, needCluster } from '../helpers/cluster.js';
import { tempDir, writeJob } from '../helpers/dtrain-process.js';
import { clusterEnv, runDtrainWithin, TRAIN_CSV, VALID_CSV } from './cluster-job.js';
import { createTestbed, type Testbed } from './testbed.js';

describe('tensorflow on 2 SSH hosts', { timeout: 240_000 }, () => {
  let bed: Testbed | undefined;
  before(async () => {
    if (clusterSupport().ok) bed = await createTestbed({ hosts: 2, name: 'tf' });
  });
  after(() => bed?.destroy());

  test('trains on wasm on both hosts and fetches the LayersModel back', async (t) => {
    if (!needCluster(t)) return;
    const b = bed!;
    const dir = tempDir('dtrain-cluster-tf-');
    const job = writeJob(
      dir,
      'tf.yaml',
      `name: cluster-tf
framework: tensorflow
hosts:
${b.hosts.map((h) => `  - address: ${h.address}\n    user: root`).join('\n')}
ssh: {identity: ${b.clientKeyPath}, host_keys: strict, connect_timeout: 5}
data: {train: ${TRAIN_CSV}, valid: ${VALID_CSV}, label: label, input: host}
model:
  layers:
    - dense: {units: 16, activation: relu}
    - dense: {units: 1, activation: sigmoid}
params: {loss: binaryCrossentropy, learning_rate: 0.01, epochs: 8, batch_size: 32, backend: auto}
`,
    );
    const run = await runDtrainWithin(
      ['run', job, '--json'],
      { home: tempDir(), env: clusterEnv(b, b.knownHostsPath) },
      180_000,
    );
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`.slice(-4000));
    const backends = run.events.filter((e) => e.type === 'backend');
    assert.deepEqual(
      backends.map((e) => e.name),
      ['wasm', 'wasm'],
    );
    const result = run.events.find((e) => e.type === 'result' && e.rank === 0)!.data as {
      model: string;
      metrics: Record<string, number>;
    };
    // The worker's result names the file on its host; the launcher fetched both files home.
    const jobId = String(run.events.find((e) => e.type === 'job-start')!.jobId);
    const home = join(dir, 'runs', jobId, 'model');
    for (const f of ['model.json', 'weights.bin']) assert.ok(existsSync(join(home, f)), `not fetched: ${f}`);
    assert.equal(
      (JSON.parse(readFileSync(join(home, 'model.json'), 'utf8')) as { format: string }).format,
      'layers-model',
    );
    assert.notEqual(result.model, join(home, 'model.json'));
    assert.ok(result.metrics['valid-accuracy']! > 0.6, JSON.stringify(result.metrics));
  });
});
