/**
 * A background coordinator that dies before its job exists: its first output line becomes the error
 * message and its exit code carries over (bad input 2, infrastructure 3, anything else 1).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DtrainError } from '../../configs/errors.js';
import { startDetached } from '../../launcher/index.js';

async function dieWith(status: number): Promise<DtrainError> {
  const home = mkdtempSync(join(tmpdir(), 'dtrain-detach-'));
  const script = `console.log('dtrain: data.train: no such file x.csv'); process.exit(${status});`;
  const error = await startDetached({
    command: process.execPath,
    args: ['-e', script],
    cwd: home,
    env: process.env,
    home,
    timeoutMs: 10_000,
  }).then(
    () => assert.fail('the coordinator made no job, yet startDetached resolved'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof DtrainError, String(error));
  assert.deepEqual(readdirSync(join(home, 'detached')), [], 'its spool file is removed');
  return error;
}

test('a coordinator that exits before its job began: its message, its exit code', async () => {
  const input = await dieWith(2);
  assert.deepEqual(
    [input.code, input.exitCode, input.message],
    ['E_DETACH_INPUT', 2, 'data.train: no such file x.csv'],
  );
  const infra = await dieWith(3);
  assert.deepEqual([infra.code, infra.exitCode], ['E_DETACH_INFRA', 3]);
  for (const status of [1, 4]) {
    const other = await dieWith(status);
    assert.deepEqual([other.code, other.exitCode], ['E_DETACH_FAILED', 1], `exit ${status}`);
  }
});
