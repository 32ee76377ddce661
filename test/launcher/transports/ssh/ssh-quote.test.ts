/**
 * Quoting checked by a real shell: hostile words go through `/bin/sh -c` (and bash when present) to
 * a tiny node program that prints its argv as JSON, which must equal what went in.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DtrainError } from '../../../../configs/errors.js';
import { envWords, rankCommand, shellJoin, shellQuote } from '../../../../launcher/transports/ssh/quote.js';

const dir = mkdtempSync(join(tmpdir(), 'dtrain quote $dir '));
const printArgv = join(dir, 'print-argv.mjs');
writeFileSync(
  printArgv,
  'process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), env: process.env.HOSTILE ?? null, cwd: process.cwd() }));\n',
);

const HOSTILE = [
  '',
  ' ',
  'plain',
  "it's",
  "''",
  '"double"',
  '$(touch /tmp/dtrain-pwned)',
  '`touch /tmp/dtrain-pwned`',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion the quoting must keep literal
  '${HOME}',
  '$HOME',
  'a;b',
  'a && b || c',
  'a | b',
  'line1\nline2',
  'tab\there',
  'trailing\\',
  "\\'",
  '-rf',
  '--coordinator=x',
  '*',
  '~',
  '~/x',
  '!',
  '#comment',
  'A=b',
  '{a,b}',
  '<in >out 2>&1',
  'ünïcødé ✓ 日本',
  '\u0007bell\u001b[31m',
  "'\"'\"'",
];

const shells = ['/bin/sh', '/bin/bash', '/usr/bin/dash'].filter((s) => existsSync(s));

test('every hostile word comes out of the shell exactly as it went in', () => {
  for (const shell of shells) {
    const out = execFileSync(shell, ['-c', shellJoin([process.execPath, printArgv, ...HOSTILE])], {
      encoding: 'utf8',
    });
    assert.deepEqual(JSON.parse(out).argv, HOSTILE, shell);
  }
  assert.ok(!existsSync('/tmp/dtrain-pwned'));
});

test('each word alone survives, and plain words stay readable', () => {
  for (const word of HOSTILE) {
    const out = execFileSync(
      '/bin/sh',
      ['-c', `${shellJoin([process.execPath, printArgv])} ${shellQuote(word)}`],
      {
        encoding: 'utf8',
      },
    );
    assert.deepEqual(JSON.parse(out).argv, [word], JSON.stringify(word));
  }
  assert.equal(
    shellQuote('/home/ml/.cache/dtrain/bundles/abc/worker.mjs'),
    '/home/ml/.cache/dtrain/bundles/abc/worker.mjs',
  );
  assert.equal(shellQuote('127.0.0.1:4000'), '127.0.0.1:4000');
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(shellQuote('A=b'), `'A=b'`);
});

test('templates (dtrain plan) use the same rules; only placeholders and a leading ~ count as plain', () => {
  const t = { template: true } as const;
  // What a shell would expand or redirect is quoted without the template option...
  assert.equal(shellQuote('<job-id>'), `'<job-id>'`);
  assert.equal(shellQuote('~/.cache/dtrain'), `'~/.cache/dtrain'`);
  // ...and left bare in a template, because it is filled in with plain words before anything runs.
  assert.equal(shellQuote('<dtrain>/dist/runtimes/worker.js', t), '<dtrain>/dist/runtimes/worker.js');
  assert.equal(shellQuote('127.0.0.1:<ssh-tunnel>', t), '127.0.0.1:<ssh-tunnel>');
  assert.equal(shellQuote('~/.cache/dtrain/jobs/<job-id>/x.csv', t), '~/.cache/dtrain/jobs/<job-id>/x.csv');
  assert.equal(shellQuote('~', t), '~');
  // Anything else is quoted exactly as for a shell: redirections, a `~` not leading, `=`, spaces.
  assert.equal(shellQuote('<in >out', t), `'<in >out'`);
  assert.equal(shellQuote('a<b', t), `'a<b'`);
  assert.equal(shellQuote('x/~', t), `'x/~'`);
  assert.equal(shellQuote('~user/x', t), `'~user/x'`);
  assert.equal(shellQuote('A=b', t), `'A=b'`);
  assert.equal(shellQuote('', t), `''`);
  assert.equal(shellQuote("<job-id> it's", t), `'<job-id> it'\\''s'`);
});

test('rankCommand: cd, the pid of the shell, then exec env VARS argv with hostile values', () => {
  const env = { HOSTILE: '$(id) `id` \'q\' "d"\nnext', DTRAIN_RANK: '3' };
  const cmd = rankCommand(dir, env, [process.execPath, printArgv, '--x', ...HOSTILE.slice(0, 8)]);
  for (const shell of shells) {
    const out = execFileSync(shell, ['-c', cmd], { encoding: 'utf8' });
    const nl = out.indexOf('\n');
    assert.match(out.slice(0, nl), /^\d+$/, 'the first line is the pid');
    const got = JSON.parse(out.slice(nl + 1));
    assert.deepEqual(got.argv, ['--x', ...HOSTILE.slice(0, 8)]);
    assert.equal(got.env, env.HOSTILE);
    assert.equal(got.cwd, dir);
  }
});

test('the pid printed is the pid of the program after exec', () => {
  const script = join(dir, 'pid.mjs');
  writeFileSync(script, 'process.stdout.write(String(process.pid));\n');
  const out = execFileSync('/bin/sh', ['-c', rankCommand(dir, {}, [process.execPath, script])], {
    encoding: 'utf8',
  });
  const [shellPid, nodePid] = out.split('\n');
  assert.equal(shellPid, nodePid);
});

test('environment names that are not identifiers are refused', () => {
  assert.deepEqual(envWords({ A_1: 'x y' }), ['A_1=x y']);
  for (const bad of ['1A', 'A-B', 'A B', '$(x)', '', 'A=B'])
    assert.throws(
      () => envWords({ [bad]: 'v' }),
      (e) => e instanceof DtrainError && e.code === 'E_ENV_NAME',
      bad,
    );
});
