/** Where a job host is dialled, as whom, with which keys and through which jump host; the host-key policy table. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SshSpec } from '../../../../configs/job-spec.js';
import { parseSshConfig } from '../../../../launcher/transports/ssh/config.js';
import { hostKeyAction } from '../../../../launcher/transports/ssh/host-key.js';
import { describeTarget, resolveTarget } from '../../../../launcher/transports/ssh/target.js';

const ssh: SshSpec = { identity: undefined, host_keys: 'strict', jump: undefined, connect_timeout: 15 };
const config = parseSshConfig(`
Host gpu-a
  HostName 10.0.0.5
  User ml
  Port 2222
  IdentityFile ~/.ssh/lab
  ProxyJump ops@bastion:2022,inner
Host inner
  HostName 10.9.9.9
`);
const c = { config, ssh, home: '/home/me', localUser: 'me' };

test('the job file wins over ssh config, which wins over the defaults', () => {
  const t = resolveTarget({ address: 'gpu-a', port: 22, user: 'root' }, c);
  assert.equal(t.hostName, '10.0.0.5');
  assert.equal(t.port, 22);
  assert.equal(t.user, 'root');
  assert.deepEqual(t.identityFiles, ['/home/me/.ssh/lab']);
  assert.equal(t.defaultIdentities, false);
  const d = resolveTarget({ address: 'gpu-a', port: undefined, user: undefined }, c);
  assert.deepEqual([d.user, d.port], ['ml', 2222]);
  const plain = resolveTarget({ address: 'other', port: undefined, user: undefined }, c);
  assert.deepEqual([plain.hostName, plain.user, plain.port, plain.jump], ['other', 'me', 22, undefined]);
  assert.deepEqual(plain.identityFiles, [
    '/home/me/.ssh/id_ed25519',
    '/home/me/.ssh/id_ecdsa',
    '/home/me/.ssh/id_rsa',
  ]);
  assert.equal(plain.defaultIdentities, true);
  const withIdentity = resolveTarget(
    { address: 'gpu-a', port: undefined, user: undefined },
    { ...c, ssh: { ...ssh, identity: '~/.ssh/job' } },
  );
  assert.deepEqual(withIdentity.identityFiles, ['/home/me/.ssh/job', '/home/me/.ssh/lab']);
});

test('ProxyJump chains hop by hop; ssh.jump in the job file replaces it', () => {
  const t = resolveTarget({ address: 'gpu-a', port: undefined, user: undefined }, c);
  assert.equal(t.jump?.name, 'inner');
  assert.equal(t.jump?.hostName, '10.9.9.9');
  assert.equal(t.jump?.jump?.name, 'bastion');
  assert.deepEqual([t.jump?.jump?.user, t.jump?.jump?.port], ['ops', 2022]);
  assert.equal(describeTarget(t), 'ml@10.0.0.5:2222 via inner');
  const j = resolveTarget(
    { address: 'gpu-a', port: undefined, user: undefined },
    { ...c, ssh: { ...ssh, jump: 'root@jump.example' } },
  );
  assert.deepEqual([j.jump?.name, j.jump?.user, j.jump?.jump], ['jump.example', 'root', undefined]);
  assert.throws(
    () =>
      resolveTarget(
        { address: 'x', port: undefined, user: undefined },
        { ...c, ssh: { ...ssh, jump: 'a;b' } },
      ),
    /jump host "a;b" is not valid/,
  );
});

test('host-key policies: only accept-new records, only off ignores, revoked is always refused', () => {
  const table = (['strict', 'accept-new', 'off', 'collect'] as const).map((mode) =>
    (['ok', 'unknown', 'changed', 'revoked'] as const).map((status) => hostKeyAction(mode, status)),
  );
  assert.deepEqual(table, [
    ['accept', 'refuse', 'refuse', 'refuse'],
    ['accept', 'record', 'refuse', 'refuse'],
    ['accept', 'accept', 'accept', 'refuse'],
    ['refuse', 'refuse', 'refuse', 'refuse'],
  ]);
});
