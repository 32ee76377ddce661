/**
 * `dtrain plan` text for example jobs, pinned in test/fixtures/plans/. After an intended change,
 * regenerate with DTRAIN_UPDATE_GOLDEN=1 and read the diff.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseJob } from '../../configs/index.js';
import { formatPlan, planJob } from '../../launcher/index.js';
import { REPO } from '../helpers/dtrain-process.js';
import { assertGolden } from '../helpers/golden.js';

const CASES: readonly { example: string; local: boolean }[] = [
  { example: 'quickstart', local: false },
  { example: 'xgboost-data', local: false },
  { example: 'xgboost-data', local: true },
  { example: 'lightgbm-voting', local: false },
  { example: 'tensorflow-model', local: false },
  { example: 'doctor-cluster', local: false },
];

function planText(example: string, local: boolean): string {
  const file = `configs/examples/${example}.yaml`;
  const { spec, problems } = parseJob(readFileSync(join(REPO, file), 'utf8'), file);
  assert.deepEqual(problems, []);
  return formatPlan(planJob(spec!, { local }));
}

for (const c of CASES) {
  const name = `${c.example}${c.local ? '-local' : ''}`;
  test(`plan golden: ${name}`, () => {
    assertGolden(`test/fixtures/plans/${name}.txt`, planText(c.example, c.local));
  });
}

test('--local keeps the ranks and slots of the file and only changes where they run', () => {
  const file = 'configs/examples/xgboost-data.yaml';
  const { spec } = parseJob(readFileSync(join(REPO, file), 'utf8'), file);
  const remote = planJob(spec!, { local: false });
  const local = planJob(spec!, { local: true });
  assert.equal(local.worldSize, remote.worldSize);
  assert.deepEqual(
    local.ranks.map((r) => [r.rank, r.hostName, r.localRank, r.gpu]),
    remote.ranks.map((r) => [r.rank, r.hostName, r.localRank, r.gpu]),
  );
  assert.ok(local.localMode && !remote.localMode);
  assert.ok(local.hosts.every((h) => h.uploads.length === 0));
  assert.ok(remote.hosts.every((h) => h.uploads.length > 0));
});

test('GPUs are handed out per local rank and hidden from ranks of GPU hosts that get none', () => {
  const yaml = `name: g\nframework: tensorflow\nmodel: {layers: [{dense: {units: 1}}]}\nhosts:\n  - address: gpu-a\n    gpus: [2, 5]\n    slots: 3\n  - cpu-b\n`;
  const { spec, problems } = parseJob(yaml, 'g.yaml');
  assert.deepEqual(problems, []);
  const plan = planJob(spec!, { local: false });
  assert.deepEqual(
    plan.ranks.map((r) => r.env['CUDA_VISIBLE_DEVICES']),
    ['2', '5', '2', undefined],
  );
  assert.deepEqual(
    plan.ranks.map((r) => r.hostName),
    ['gpu-a', 'gpu-a', 'gpu-a', 'cpu-b'],
  );
});

test("each rank's WorkerSpec says who it is; argv and env say nothing of it", () => {
  const file = 'configs/examples/xgboost-data.yaml';
  const { spec } = parseJob(readFileSync(join(REPO, file), 'utf8'), file);
  const plan = planJob(spec!, { local: false, jobId: 'job-7' });
  assert.deepEqual(
    plan.ranks.map((r) => [r.worker.rank, r.worker.worldSize, r.worker.localRank, r.worker.localWorldSize]),
    plan.ranks.map((r) => [r.rank, plan.worldSize, r.localRank, plan.hosts[r.host]!.slots]),
  );
  const r2 = plan.ranks[2]!;
  assert.equal(r2.worker.network.advertiseHost, r2.hostName);
  assert.equal(r2.worker.network.bindHost, '0.0.0.0');
  assert.equal(r2.worker.data.train, '~/.cache/dtrain/jobs/job-7/data/rank-2-train.csv');
  assert.equal(r2.worker.job.framework, 'xgboost');
  for (const r of plan.ranks) {
    assert.deepEqual(r.argv.slice(2), ['--coordinator', '127.0.0.1:<ssh-tunnel>']);
    assert.ok(
      Object.keys(r.env).every((k) => !k.startsWith('DTRAIN_') || k === 'DTRAIN_JOB'),
      Object.keys(r.env).join(),
    );
  }
  const local = planJob(spec!, { local: true, jobId: 'job-7' });
  assert.deepEqual(local.ranks[3]!.worker.data, { dir: spec!.source.dir });
  assert.equal(local.ranks[3]!.worker.network.advertiseHost, '127.0.0.1');
  assert.equal(local.ranks[3]!.worker.localWorldSize, 4);
});
