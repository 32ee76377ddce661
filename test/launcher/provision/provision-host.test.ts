/**
 * The launcher's provisioning sequence over a RemoteHost that is this machine (/bin/sh and the file
 * system): the steps in order with their states, the worker entry it hands back, everything skipped
 * the second time, and a failing setup command marked failed with nothing run after it.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DtrainError } from '../../../configs/errors.js';
import { parseJob } from '../../../configs/parse-job.js';
import { planJob } from '../../../launcher/plan/plan-job.js';
import type { HostPlan } from '../../../launcher/plan/index.js';
import { provisionHost, type WorkerBundle } from '../../../launcher/provision/index.js';
import type { HostStep, StepState } from '../../../launcher/transports/index.js';
import { localRemote } from './local-remote.js';

/** A one-file bundle (the real one is built in provision.test.ts; here only the sequence matters). */
function tinyBundle(): WorkerBundle {
  const dir = mkdtempSync(join(tmpdir(), 'dtrain-tiny-bundle-'));
  const text = 'console.log("worker");\n';
  writeFileSync(join(dir, 'worker.mjs'), text);
  const sha256 = createHash('sha256').update(text).digest('hex');
  return {
    hash: sha256.slice(0, 16),
    dir,
    entry: 'worker.mjs',
    files: [{ name: 'worker.mjs', path: join(dir, 'worker.mjs'), size: text.length, sha256 }],
  };
}

function hostWith(setup: readonly string[]): HostPlan {
  const yaml = [
    'name: p',
    'framework: doctor',
    'hosts: [gpu-a]',
    'remote:',
    `  setup: ${JSON.stringify(setup)}`,
  ];
  const { spec, problems } = parseJob(yaml.join('\n'), 'p.yaml');
  assert.deepEqual(problems, []);
  return planJob(spec!, { local: false, jobId: 'job-p' }).hosts[0]!;
}

type Step = [HostStep, StepState, string | undefined];

async function provision(host: HostPlan, workdir: string, bundle: WorkerBundle) {
  const steps: Step[] = [];
  const remote = localRemote('gpu-a');
  let error: unknown;
  let placed: { entry: string } | undefined;
  try {
    placed = await provisionHost(
      host,
      remote,
      workdir,
      (name, step, state, detail) => {
        assert.equal(name, 'gpu-a');
        steps.push([step, state, detail]);
      },
      { bundle: async () => bundle, setupEnv: { GREETING: "it's me" } },
    );
  } catch (e) {
    error = e;
  }
  return { steps, placed, error, remote };
}

test('steps run in order; the entry is in the uploaded bundle; a second time uploads and sets up nothing', async () => {
  const workdir = mkdtempSync(join(tmpdir(), 'dtrain-provision-'));
  const b = tinyBundle();
  const host = hostWith(['echo "$GREETING" > greeting.txt']);
  const first = await provision(host, workdir, b);
  assert.equal(first.error, undefined, String(first.error));
  assert.deepEqual(
    first.steps.map(([s, state]) => `${s}:${state}`),
    [
      'node:running',
      'node:done',
      'gpus:running',
      'gpus:done',
      'disk:done',
      'clock:done',
      'upload:running',
      'upload:done',
      'setup:running',
      'setup:running',
      'setup:done',
    ],
  );
  assert.equal(first.steps[1]![2], process.version);
  assert.equal(first.placed?.entry, `${workdir}/bundles/${b.hash}/worker.mjs`);
  assert.ok(existsSync(first.placed!.entry));
  assert.equal(readFileSync(join(workdir, 'greeting.txt'), 'utf8'), "it's me\n", 'setup saw remote.env');

  const second = await provision(host, workdir, b);
  assert.equal(second.error, undefined, String(second.error));
  const of = (s: Step[], step: HostStep) => s.filter(([x]) => x === step).map(([, state, d]) => [state, d]);
  assert.deepEqual(of(second.steps, 'upload').at(-1), ['skipped', `bundle ${b.hash} already on host`]);
  assert.deepEqual(of(second.steps, 'setup').at(-1), ['skipped', 'already done for this bundle']);
  assert.deepEqual(second.remote.puts, [], 'nothing copied the second time');
});

test('a failing setup command is the failed step, with its message; nothing runs after it', async () => {
  const workdir = mkdtempSync(join(tmpdir(), 'dtrain-provision-fail-'));
  const r = await provision(hostWith(['exit 7', 'touch after.txt']), workdir, tinyBundle());
  assert.ok(r.error instanceof DtrainError, String(r.error));
  assert.equal(r.error.code, 'E_SETUP_FAILED');
  assert.deepEqual(r.steps.at(-1), ['setup', 'failed', r.error.message]);
  assert.match(r.error.message, /^setup failed on gpu-a: `exit 7` exited with code 7$/);
  assert.ok(!existsSync(join(workdir, 'after.txt')));
  assert.equal(r.placed, undefined);
});
