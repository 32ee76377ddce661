/**
 * The WorkerSpec crosses a process boundary on stdin: the worker checks it on arrival and names the
 * field that is wrong, and what the plan builds survives the trip unchanged.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseJob } from '../../../configs/index.js';
import { planJob } from '../../../launcher/index.js';
import { forRun } from '../../../launcher/plan/index.js';
import { parseBootstrap, parseStart, parseWorkerSpec } from '../../../runtimes/protocol/index.js';
import { REPO } from '../../helpers/dtrain-process.js';

function plannedSpecs(example: string, local = false) {
  const file = `configs/examples/${example}.yaml`;
  const { spec } = parseJob(readFileSync(join(REPO, file), 'utf8'), file);
  return planJob(spec!, { local, jobId: 'job-1' }).ranks.map((r) => forRun(r.worker, '/out', undefined));
}

test('a planned WorkerSpec survives JSON and the arrival check unchanged', () => {
  for (const example of [
    'quickstart',
    'xgboost-data',
    'lightgbm-voting',
    'tensorflow-model',
    'doctor-cluster',
  ]) {
    for (const w of plannedSpecs(example)) {
      const wire = JSON.parse(JSON.stringify(w));
      // Absent optional fields come back as undefined; compare the wire forms.
      assert.deepEqual(JSON.parse(JSON.stringify(parseWorkerSpec(wire))), wire, example);
    }
  }
});

test('the bootstrap line carries the token, secrets and the WorkerSpec', () => {
  const worker = plannedSpecs('quickstart')[2]!;
  const token = 'a'.repeat(64);
  const b = parseBootstrap(JSON.stringify({ token, secrets: { K: 'v' }, worker }));
  assert.equal(b.worker.rank, 2);
  assert.equal(b.worker.worldSize, 4);
  assert.deepEqual(b.secrets, { K: 'v' });
  assert.throws(
    () => parseBootstrap(JSON.stringify({ token, secrets: {} })),
    /worker spec: must be an object/,
  );
});

test('a bad field is named on arrival', () => {
  const w = JSON.parse(JSON.stringify(plannedSpecs('xgboost-data')[1]!));
  // biome-ignore lint/suspicious/noExplicitAny: the test breaks fields of the wire form on purpose
  const broken = (patch: (x: Record<string, any>) => void) => {
    const x = structuredClone(w);
    patch(x);
    return () => parseWorkerSpec(x);
  };
  assert.throws(
    broken((x) => (x.rank = '1')),
    /worker spec: rank: must be an integer/,
  );
  assert.throws(
    broken((x) => (x.rank = 4)),
    /worker spec: rank: must be below worldSize 4/,
  );
  assert.throws(
    broken((x) => delete x.jobId),
    /worker spec: jobId: must be a string/,
  );
  assert.throws(
    broken((x) => (x.job.framework = 'torch')),
    /worker spec: job.framework: unknown framework torch/,
  );
  assert.throws(
    broken((x) => (x.job.data.input = 'ftp')),
    /worker spec: job.data.input/,
  );
  assert.throws(
    broken((x) => (x.network.heartbeatTimeout = 0)),
    /worker spec: network.heartbeatTimeout/,
  );
  assert.throws(
    broken((x) => delete x.data.dir),
    /worker spec: data.dir: must be a string/,
  );
  assert.throws(
    broken((x) => (x.role = 'coordinator')),
    /worker spec: role/,
  );
});

test('the start message must list every rank in order', () => {
  const peers = [0, 1].map((rank) => ({ rank, host: '127.0.0.1', port: 4000 + rank }));
  assert.deepEqual(parseStart({ t: 'start', peers }, 2).peers, peers);
  assert.throws(() => parseStart({ t: 'start', peers }, 3), /peers must list all 3 ranks/);
  assert.throws(() => parseStart({ t: 'start', peers: [peers[1], peers[0]] }, 2), /peers\[0\]/);
});
