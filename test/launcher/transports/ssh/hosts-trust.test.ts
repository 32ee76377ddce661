/**
 * `dtrain hosts trust JOB` against namespace hosts: it prints fingerprints as ssh-keygen does, refuses
 * to record without --yes on a non-TTY (exit 2), records with --yes (then strict ssh trusts them),
 * reaches hosts behind a jump host once the jump host is trusted, and never replaces a changed key.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { Command } from 'commander';
import { registerHosts } from '../../../../cli/commands/hosts.js';
import type { CliIO } from '../../../../cli/io.js';
import { createTestbed, type Testbed } from '../../../cluster/testbed.js';
import { clusterSupport, needCluster } from '../../../helpers/cluster.js';

describe('dtrain hosts trust', { timeout: 120_000 }, () => {
  let bed: Testbed;
  let dir: string;
  before(async () => {
    if (!clusterSupport().ok) return;
    bed = await createTestbed({ hosts: 2, name: 'hosts-trust' });
    dir = mkdtempSync(join(tmpdir(), 'dtrain-hosts-trust-'));
  });
  after(() => bed?.destroy());

  function jobFile(name: string, hosts: readonly number[], jump?: number): string {
    const path = join(dir, `${name}.yaml`);
    const lines = [
      `name: ${name}`,
      'framework: doctor',
      'hosts:',
      ...hosts.map((i) => `  - root@${bed.hosts[i]!.address}`),
      'ssh:',
      `  identity: ${bed.clientKeyPath}`,
      '  connect_timeout: 5',
      ...(jump === undefined ? [] : [`  jump: root@${bed.hosts[jump]!.address}`]),
    ];
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  }

  async function run(args: string[], knownHosts: string) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (d) => {
      out += d;
    });
    stderr.on('data', (d) => {
      err += d;
    });
    const io: CliIO = {
      stdout,
      stderr,
      stdin: new PassThrough(),
      env: { HOME: dir, USER: 'root', DTRAIN_KNOWN_HOSTS: knownHosts, DTRAIN_SSH_CONFIG: join(dir, 'none') },
      cwd: dir,
      exitCode: 0,
    };
    const program = new Command('dtrain').exitOverride();
    registerHosts(program, io);
    await program.parseAsync(['node', 'dtrain', 'hosts', 'trust', ...args]);
    return { code: io.exitCode, out, err };
  }

  test('without --yes on a non-TTY it prints the fingerprints and records nothing (exit 2)', async (t) => {
    if (!needCluster(t)) return;
    const kh = join(dir, 'kh-no');
    const r = await run([jobFile('two', [0, 1])], kh);
    assert.equal(r.code, 2, r.err);
    for (const h of bed.hosts) {
      const row = r.out.split('\n').find((l) => l.startsWith(h.address));
      assert.ok(row, r.out);
      assert.match(
        row,
        new RegExp(`${h.address}:22 +ssh-ed25519 +${h.hostKeyFingerprint.replace(/[+/]/g, '\\$&')} +unknown`),
      );
    }
    assert.match(r.err, /2 new host keys not recorded: check the fingerprints above, then pass --yes/);
    assert.ok(!existsSync(kh));
  });

  test('--yes records them; OpenSSH then trusts them; a second run says known (exit 0)', async (t) => {
    if (!needCluster(t)) return;
    const kh = join(dir, 'kh-yes');
    const file = jobFile('two', [0, 1]);
    const r = await run([file, '--yes'], kh);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`recorded 2 new host keys in ${kh}`));
    const ssh = execFileSync(
      'ssh',
      [
        '-o',
        'BatchMode=yes',
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        `UserKnownHostsFile=${kh}`,
        '-i',
        bed.clientKeyPath,
        `root@${bed.hosts[1]!.address}`,
        'echo ok',
      ],
      { encoding: 'utf8' },
    );
    assert.equal(ssh.trim(), 'ok');
    const again = await run([file], kh);
    assert.equal(again.code, 0, again.err);
    assert.equal(again.out.split('\n').filter((l) => / known$/.test(l)).length, 2);
  });

  test('a host behind a jump host is read once the jump host is trusted', async (t) => {
    if (!needCluster(t)) return;
    const kh = join(dir, 'kh-jump');
    const r = await run([jobFile('jump', [1], 0), '--yes'], kh);
    assert.equal(r.code, 0, r.err + r.out);
    const text = readFileSync(kh, 'utf8');
    assert.equal(text.trim().split('\n').length, 2);
    assert.match(r.out, new RegExp(`${bed.hosts[1]!.address} \\(via ${bed.hosts[0]!.address}\\)`));
  });

  test('a changed key is reported with the ssh-keygen -R line and never replaced (exit 3)', async (t) => {
    if (!needCluster(t)) return;
    const kh = join(dir, 'kh-changed');
    writeFileSync(kh, readFileSync(bed.knownHostsPath));
    await bed.changeHostKey(1);
    const r = await run([jobFile('two', [0, 1]), '--yes'], kh);
    assert.equal(r.code, 3);
    assert.match(r.out, new RegExp(`${bed.hosts[1]!.address}:22 +ssh-ed25519 +\\S+ +changed`));
    assert.ok(r.err.includes(`ssh-keygen -R '${bed.hosts[1]!.address}' -f ${kh}`), r.err);
    assert.deepEqual(readFileSync(kh), readFileSync(bed.knownHostsPath));
  });
});
