/**
 * The job token and `remote.secrets` travel on the channel's stdin only: while a 2-host job runs,
 * no process's command line on any host holds them, and after it no log, event or state file does.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { clusterSupport, needCluster } from '../helpers/cluster.js';
import { startDtrain, tempDir } from '../helpers/dtrain-process.js';
import { clusterEnv, clusterJob } from './cluster-job.js';
import { createTestbed, type Testbed } from './testbed.js';

let bed: Testbed | undefined;
before(async () => {
  if (clusterSupport().ok) bed = await createTestbed({ hosts: 2, name: 'secrets' });
});
after(async () => {
  await bed?.destroy();
});

const SECRET = 'sekr3t-Value-7f3a9c-dtrain';

function everyFile(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) everyFile(p, out);
    else out.push(p);
  }
  return out;
}

function commandLines(): string {
  let all = '';
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      all += `${readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ')}\n`;
    } catch {
      // gone
    }
  }
  return all;
}

test('token and secrets never reach argv, logs, events or state', async (t) => {
  if (!needCluster(t)) return;
  const b = bed!;
  const dir = tempDir('dtrain-cluster-');
  const home = tempDir();
  const job = clusterJob(b, dir, {
    name: 'secrets',
    rounds: 400,
    extra: 'remote:\n  secrets: [DTRAIN_TEST_SECRET]',
  });
  const run = startDtrain(['run', job, '--json'], {
    home,
    env: { ...clusterEnv(b, b.knownHostsPath), DTRAIN_TEST_SECRET: SECRET },
  });
  await run.waitFor((e) => e.type === 'progress' && Number(e.step) >= 2, 90_000);
  const argvDuringRun = commandLines();
  run.child.kill('SIGINT');
  await run.exited;
  assert.doesNotMatch(argvDuringRun, new RegExp(SECRET));
  assert.doesNotMatch(argvDuringRun, /\b[0-9a-f]{64}\b/, 'a 64-hex token on some command line');
  const files = everyFile(join(home, 'jobs'));
  assert.ok(files.some((f) => f.endsWith('events.jsonl')));
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    assert.ok(!text.includes(SECRET), `secret in ${f}`);
    assert.doesNotMatch(text, /\b[0-9a-f]{64}\b/, `token-like string in ${f}`);
  }
  assert.ok(!run.stdout.includes(SECRET) && !run.stderr.includes(SECRET));
});
