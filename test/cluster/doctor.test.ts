/**
 * `dtrain doctor` on real SSH hosts: every check per host (login, host key, Node, GPUs, disk, clock),
 * the peer mesh and the collective table; and GPU discovery refusing a host with too few GPUs
 * (nvidia-smi is faked: the test bed has no GPUs).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { clusterSupport, needCluster } from '../helpers/cluster.js';
import { runDtrain, tempDir } from '../helpers/dtrain-process.js';
import { clusterEnv, clusterJob } from './cluster-job.js';
import { createTestbed, type Testbed } from './testbed.js';

let bed: Testbed | undefined;
before(async () => {
  if (clusterSupport().ok) bed = await createTestbed({ hosts: 2, name: 'doctor' });
});
after(async () => {
  await bed?.destroy();
});

test('doctor checks every host and measures the collectives between them', async (t) => {
  if (!needCluster(t)) return;
  const b = bed!;
  const job = clusterJob(b, tempDir('dtrain-cluster-'), { name: 'doc' });
  const r = await runDtrain(['doctor', job, '--sizes', '8', '65536'], {
    home: tempDir(),
    env: clusterEnv(b, b.knownHostsPath),
  });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  for (const h of b.hosts) {
    const section = r.stdout.slice(r.stdout.indexOf(`host ${h.address}`));
    assert.match(section, /^ {2}host-key +ssh-ed25519 SHA256:\S+ matches known_hosts$/m);
    assert.match(section, /^ {2}node +v\d+\.\d+\.\d+$/m);
    assert.match(section, /^ {2}gpus +no GPUs asked for$/m);
    assert.match(section, /^ {2}disk +\d+\.\d GiB free under \//m);
    assert.match(section, /^ {2}clock +skew [+-]\d+ ms$/m);
  }
  assert.match(r.stdout, /^peers: all 4 ranks reached each other on their ports$/m);
  assert.match(r.stdout, /^ {2}64 KiB +\d+\.\d/m);
});

test('a host with fewer GPUs than the job file gives it is refused before anything starts', async (t) => {
  if (!needCluster(t)) return;
  const b = bed!;
  const fake = join(b.hosts[0]!.binDir, 'nvidia-smi');
  writeFileSync(fake, '#!/bin/sh\necho "NVIDIA Test GPU"\n', { mode: 0o755 });
  const dir = tempDir('dtrain-cluster-');
  const job = clusterJob(b, dir, { name: 'gpus' });
  const first = `  - address: ${b.hosts[0]!.address}\n    user: root\n`;
  writeFileSync(job, readFileSync(job, 'utf8').replace(first, `${first}    gpus: 2\n`));
  const r = await runDtrain(['run', job], { home: tempDir(), env: clusterEnv(b, b.knownHostsPath) });
  assert.equal(r.code, 2, r.stdout);
  assert.match(
    r.stdout,
    new RegExp(
      `host ${b.hosts[0]!.address.replace(/\./g, '\\.')} has 1 GPU\\(s\\) \\(nvidia-smi\\) but the job file uses GPU 1`,
    ),
  );
  assert.doesNotMatch(r.stdout, /rank \d started/);
});
