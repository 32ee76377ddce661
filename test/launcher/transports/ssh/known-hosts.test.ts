/**
 * known_hosts as OpenSSH reads it: plain, [host]:port, comma lists, patterns, hashed names made by
 * `ssh-keygen -H`, @revoked and @cert-authority; fingerprints as `ssh-keygen -lf` prints them; and
 * the atomic append, checked with `ssh-keygen -F`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  appendKnownHost,
  checkHostKey,
  fingerprint,
  keyTypeOf,
  knownHostsPath,
  knownKeyTypes,
  parseKnownHosts,
  readKnownHosts,
} from '../../../../launcher/transports/ssh/known-hosts.js';

const dir = mkdtempSync(join(tmpdir(), 'dtrain-known-hosts-'));

/** A fresh public key of a type, as [type, blob, path of the .pub file]. */
function newKey(
  type: 'ed25519' | 'ecdsa' | 'rsa',
  name: string,
): { type: string; blob: Buffer; pub: string } {
  const path = join(dir, name);
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    type,
    ...(type === 'rsa' ? ['-b', '2048'] : []),
    '-N',
    '',
    '-f',
    path,
  ]);
  const [t, b64] = readFileSync(`${path}.pub`, 'utf8').trim().split(/\s+/);
  return { type: t!, blob: Buffer.from(b64!, 'base64'), pub: `${path}.pub` };
}

const a = newKey('ed25519', 'a');
const b = newKey('ed25519', 'b');
const e = newKey('ecdsa', 'e');
const line = (hosts: string, k: { type: string; blob: Buffer }) =>
  `${hosts} ${k.type} ${k.blob.toString('base64')}`;

test('fingerprints equal ssh-keygen -lf for ed25519, ecdsa and rsa keys', () => {
  for (const k of [a, e, newKey('rsa', 'r')]) {
    const printed = execFileSync('ssh-keygen', ['-lf', k.pub], { encoding: 'utf8' }).split(/\s+/)[1];
    assert.equal(fingerprint(k.blob), printed);
    assert.equal(keyTypeOf(k.blob), k.type);
  }
});

test('plain names, [host]:port, comma lists, comments and junk lines', () => {
  const entries = parseKnownHosts(
    [
      '# a comment',
      '',
      line('gpu-a,10.0.0.5', a),
      line('[gpu-b]:2222', b),
      'not a valid line',
      `gpu-c ssh-ed25519 !!!notbase64`,
    ].join('\n'),
  );
  assert.equal(entries.length, 2);
  assert.equal(checkHostKey(entries, 'gpu-a', 22, a.type, a.blob), 'ok');
  assert.equal(checkHostKey(entries, '10.0.0.5', 22, a.type, a.blob), 'ok');
  assert.equal(
    checkHostKey(entries, 'gpu-a', 2222, a.type, a.blob),
    'unknown',
    'port 2222 needs [gpu-a]:2222',
  );
  assert.equal(checkHostKey(entries, 'gpu-b', 2222, b.type, b.blob), 'ok');
  assert.equal(checkHostKey(entries, 'gpu-b', 22, b.type, b.blob), 'unknown');
  assert.equal(checkHostKey(entries, 'GPU-A', 22, a.type, a.blob), 'ok', 'host names are case-insensitive');
});

test('a different key of the same type is changed; only other types known is unknown', () => {
  const entries = parseKnownHosts(line('gpu-a', a));
  assert.equal(checkHostKey(entries, 'gpu-a', 22, b.type, b.blob), 'changed');
  assert.equal(checkHostKey(entries, 'gpu-a', 22, e.type, e.blob), 'unknown');
  assert.deepEqual(knownKeyTypes(entries, 'gpu-a', 22), ['ssh-ed25519']);
  // A second line with the new key makes it known again (ssh accepts any listed key).
  assert.equal(
    checkHostKey(parseKnownHosts(`${line('gpu-a', a)}\n${line('gpu-a', b)}`), 'gpu-a', 22, b.type, b.blob),
    'ok',
  );
});

test('wildcards and negations', () => {
  const entries = parseKnownHosts(line('*.lab,!bad.lab', a));
  assert.equal(checkHostKey(entries, 'n1.lab', 22, a.type, a.blob), 'ok');
  assert.equal(checkHostKey(entries, 'bad.lab', 22, a.type, a.blob), 'unknown');
  assert.equal(checkHostKey(entries, 'n1.lab.evil', 22, a.type, a.blob), 'unknown');
  assert.equal(checkHostKey(parseKnownHosts(line('gpu-?', a)), 'gpu-7', 22, a.type, a.blob), 'ok');
});

test('@revoked keys are refused, @cert-authority lines are ignored', () => {
  const entries = parseKnownHosts(
    [
      `@revoked * ${a.type} ${a.blob.toString('base64')}`,
      line('gpu-a', a),
      `@cert-authority *.lab ${b.type} ${b.blob.toString('base64')}`,
    ].join('\n'),
  );
  assert.equal(entries.length, 2);
  assert.equal(checkHostKey(entries, 'gpu-a', 22, a.type, a.blob), 'revoked');
  assert.equal(checkHostKey(entries, 'x.lab', 22, b.type, b.blob), 'unknown', 'a CA key is not a host key');
});

test('hashed entries written by ssh-keygen -H match their hosts and no others', () => {
  const path = join(dir, 'hashed');
  writeFileSync(path, `${line('gpu-a,10.0.0.5', a)}\n${line('[gpu-b]:2222', b)}\n`);
  execFileSync('ssh-keygen', ['-q', '-H', '-f', path]);
  const text = readFileSync(path, 'utf8');
  assert.doesNotMatch(text, /gpu-a|gpu-b/);
  const entries = parseKnownHosts(text);
  assert.equal(entries.length, 3);
  assert.ok(entries.every((x) => x.hosts.startsWith('|1|')));
  assert.equal(checkHostKey(entries, 'gpu-a', 22, a.type, a.blob), 'ok');
  assert.equal(checkHostKey(entries, '10.0.0.5', 22, a.type, a.blob), 'ok');
  assert.equal(checkHostKey(entries, 'gpu-b', 2222, b.type, b.blob), 'ok');
  assert.equal(checkHostKey(entries, 'gpu-b', 22, b.type, b.blob), 'unknown');
  assert.equal(checkHostKey(entries, 'gpu-a', 22, b.type, b.blob), 'changed');
  assert.equal(checkHostKey(entries, 'gpu-c', 22, a.type, a.blob), 'unknown');
});

test('DTRAIN_KNOWN_HOSTS overrides ~/.ssh/known_hosts', () => {
  assert.equal(knownHostsPath({}, '/home/u'), '/home/u/.ssh/known_hosts');
  assert.equal(knownHostsPath({ DTRAIN_KNOWN_HOSTS: '/tmp/kh' }, '/home/u'), '/tmp/kh');
});

test('appendKnownHost writes atomically with mode 600, keeps old lines, loses none in parallel', async () => {
  const path = join(dir, 'nested', '.ssh', 'known_hosts');
  await appendKnownHost(path, 'first', 22, a.blob);
  // An existing file without a final newline keeps its last line intact.
  writeFileSync(path, readFileSync(path, 'utf8').trimEnd());
  const hosts = Array.from({ length: 8 }, (_, i) => `h${i}`);
  await Promise.all(hosts.map((h, i) => appendKnownHost(path, h, 2200 + i, i % 2 ? a.blob : b.blob)));
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const entries = await readKnownHosts(path);
  assert.equal(entries.length, 9);
  assert.equal(checkHostKey(entries, 'first', 22, a.type, a.blob), 'ok');
  hosts.forEach((h, i) => {
    assert.equal(checkHostKey(entries, h, 2200 + i, 'ssh-ed25519', i % 2 ? a.blob : b.blob), 'ok');
    // OpenSSH itself finds what we wrote.
    const found = execFileSync('ssh-keygen', ['-F', `[${h}]:${2200 + i}`, '-f', path], { encoding: 'utf8' });
    assert.match(found, /ssh-ed25519/);
  });
  assert.deepEqual(await readKnownHosts(join(dir, 'missing')), []);
});
