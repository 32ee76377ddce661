/** The exact `--help` text of the program and each verb, pinned (DTRAIN_UPDATE_GOLDEN=1 rewrites). */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type { CliIO } from '../../cli/io.js';
import { main } from '../../cli/main.js';
import { REPO } from '../helpers/dtrain-process.js';
import { assertGolden } from '../helpers/golden.js';

function fakeIO(): CliIO & { out: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = '';
  stdout.on('data', (d: Buffer) => {
    text += d.toString();
  });
  stderr.on('data', (d: Buffer) => {
    text += d.toString();
  });
  return { stdout, stderr, stdin: new PassThrough(), env: {}, cwd: REPO, exitCode: 0, out: () => text };
}

for (const verb of [
  '',
  'init',
  'validate',
  'plan',
  'run',
  'doctor',
  'status',
  'logs',
  'attach',
  'stop',
  'predict',
  'hosts',
]) {
  test(`dtrain ${verb || '(program)'} --help`, async () => {
    const io = fakeIO();
    const code = await main(['node', 'dtrain', ...(verb ? [verb] : []), '--help'], io);
    assert.equal(code, 0);
    assertGolden(`test/fixtures/cli/help-${verb || 'program'}.txt`, io.out());
  });
}

test('an unknown verb is a usage error (exit 2)', async () => {
  const io = fakeIO();
  assert.equal(await main(['node', 'dtrain', 'frobnicate'], io), 2);
  assert.match(io.out(), /unknown command 'frobnicate'/);
});
