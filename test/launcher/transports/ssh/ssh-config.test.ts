/** ~/.ssh/config resolution, cross-checked against `ssh -G` where OpenSSH prints the same field. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  matchPatternList,
  parseSshConfig,
  resolveHost,
  sshConfigPath,
} from '../../../../launcher/transports/ssh/config.js';
import { cannotRun } from '../../../helpers/skip.js';

const CONFIG = `
# options before any Host apply to every host
ConnectTimeout 7

Host gpu-* !gpu-bad
  HostName %h.lab.example
  User ml
  IdentityFile ~/.ssh/lab_ed25519

Host gpu-a
  Port 2222
  User ignored-because-first-wins
  IdentityFile "/keys/with space"

Host bastion
  HostName 192.0.2.1
  User=jumper
  Port=2022
  ProxyJump none

Host = tiny?
  ProxyJump bastion

Match host gpu-a
  User from-match-block

Host *
  User fallback
  Port 22
`;

const config = parseSshConfig(CONFIG);
const ctx = { home: '/home/me', localUser: 'me' };

test('first value wins; IdentityFile accumulates; %h and ~ expanded', () => {
  const a = resolveHost(config, 'gpu-a', ctx);
  assert.equal(a.hostName, 'gpu-a.lab.example');
  assert.equal(a.user, 'ml');
  assert.equal(a.port, 2222);
  assert.deepEqual(a.identityFiles, ['/home/me/.ssh/lab_ed25519', '/keys/with space']);
  assert.equal(a.connectTimeout, 7);
  assert.equal(a.proxyJump, undefined);
});

test('negated patterns exclude; * and ? match; Match blocks are not applied', () => {
  const bad = resolveHost(config, 'gpu-bad', ctx);
  assert.equal(bad.hostName, 'gpu-bad');
  assert.equal(bad.user, 'fallback');
  assert.equal(bad.port, 22);
  const tiny = resolveHost(config, 'tiny1', ctx);
  assert.equal(tiny.proxyJump, 'bastion');
  assert.equal(resolveHost(config, 'tiny12', ctx).proxyJump, undefined);
  const b = resolveHost(config, 'bastion', ctx);
  assert.deepEqual([b.hostName, b.user, b.port, b.proxyJump], ['192.0.2.1', 'jumper', 2022, undefined]);
  assert.equal(matchPatternList('x', ['*', '!x']), false);
  assert.equal(matchPatternList('a.b', ['a?b']), true);
  assert.equal(matchPatternList('aXb', ['a.b']), false, '. is literal');
});

test('an alias no block names resolves to itself with nothing set but the global options', () => {
  const r = resolveHost(parseSshConfig('Host other\n  User x\n'), 'plain', ctx);
  assert.deepEqual(r, {
    hostName: 'plain',
    user: undefined,
    port: undefined,
    identityFiles: [],
    proxyJump: undefined,
    connectTimeout: undefined,
  });
});

test('DTRAIN_SSH_CONFIG overrides ~/.ssh/config', () => {
  assert.equal(sshConfigPath({}, '/h'), '/h/.ssh/config');
  assert.equal(sshConfigPath({ DTRAIN_SSH_CONFIG: '/c' }, '/h'), '/c');
});

test('agrees with ssh -G on hostname, user, port, proxyjump', (t) => {
  let ssh = true;
  try {
    execFileSync('ssh', ['-V'], { stdio: 'ignore' });
  } catch {
    ssh = false;
  }
  if (!ssh) {
    cannotRun(t, 'the OpenSSH client (ssh) is not installed: apt-get install openssh-client');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'dtrain-ssh-config-'));
  const path = join(dir, 'config');
  // ssh -G rejects Match lines it cannot evaluate offline the same way; keep the rest.
  writeFileSync(path, CONFIG);
  for (const alias of ['gpu-a', 'gpu-b', 'gpu-bad', 'bastion', 'tiny1', 'elsewhere']) {
    const out = execFileSync('ssh', ['-G', '-F', path, alias], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const g = new Map(
      out.split('\n').map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)] as const),
    );
    const r = resolveHost(config, alias, ctx);
    assert.equal(r.hostName, g.get('hostname'), `${alias} hostname`);
    assert.equal(r.user, g.get('user'), `${alias} user`);
    assert.equal(String(r.port ?? 22), g.get('port'), `${alias} port`);
    assert.equal(r.proxyJump, g.get('proxyjump'), `${alias} proxyjump`);
  }
});
