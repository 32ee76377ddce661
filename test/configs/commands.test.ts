import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { registerInit } from '../../cli/commands/init.js';
import { registerValidate } from '../../cli/commands/validate.js';
import { DtrainError } from '../../configs/errors.js';
import { parseJob } from '../../configs/parse-job.js';
import { repoRoot } from '../helpers/paths.js';
import { fakeIO, runVerb } from './fake-io.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'dtrain-configs-'));

test('validate prints a one-line summary for a valid job, path as given', async () => {
  const io = fakeIO(repoRoot);
  await runVerb(io, registerValidate, ['validate', 'configs/examples/xgboost-data.yaml']);
  assert.equal(
    io.out(),
    'configs/examples/xgboost-data.yaml: ok (framework xgboost, parallelism data, 3 hosts, 4 ranks)\n',
  );
  assert.equal(io.err(), '');
  assert.equal(io.exitCode, 0);
});

test('validate --json prints ok and the problems', async () => {
  const good = fakeIO(join(repoRoot, 'configs/examples'));
  await runVerb(good, registerValidate, ['validate', '--json', 'quickstart.yaml']);
  assert.deepEqual(JSON.parse(good.out()), { ok: true, problems: [] });
  assert.equal(good.exitCode, 0);

  const bad = fakeIO(join(repoRoot, 'test/fixtures/jobs/invalid'));
  await runVerb(bad, registerValidate, ['validate', '--json', '03-parallelism-mismatch.yaml']);
  assert.deepEqual(JSON.parse(bad.out()), {
    ok: false,
    problems: [
      {
        file: '03-parallelism-mismatch.yaml',
        line: 3,
        col: 14,
        path: 'parallelism',
        message: 'must be data for xgboost, its only mode',
        got: '"feature"',
      },
    ],
  });
  assert.equal(bad.err(), '');
  assert.equal(bad.exitCode, 2);
});

test('validate of a missing file: a config error, or a JSON problem with --json', async () => {
  const dir = scratch();
  const io = fakeIO(dir);
  await assert.rejects(runVerb(io, registerValidate, ['validate', 'nope.yaml']), (error: unknown) => {
    assert.ok(error instanceof DtrainError);
    assert.equal(error.code, 'E_JOB_NOT_FOUND');
    assert.equal(error.exitCode, 2);
    assert.match(error.message, /^cannot read job file nope\.yaml: ENOENT/);
    return true;
  });
  const json = fakeIO(dir);
  await runVerb(json, registerValidate, ['validate', '--json', 'nope.yaml']);
  const out = JSON.parse(json.out()) as { ok: boolean; problems: { message: string }[] };
  assert.equal(out.ok, false);
  assert.match(out.problems[0]?.message ?? '', /^cannot read job file nope\.yaml/);
  assert.equal(json.exitCode, 2);
});

test('init writes a starter job that validates, and will not overwrite without --force', async () => {
  const dir = scratch();
  const io = fakeIO(dir);
  await runVerb(io, registerInit, ['init']);
  assert.equal(io.out(), 'wrote job.yaml (framework xgboost) — next: dtrain validate job.yaml\n');
  const text = readFileSync(join(dir, 'job.yaml'), 'utf8');
  assert.equal(parseJob(text, 'job.yaml').spec?.framework, 'xgboost');

  writeFileSync(join(dir, 'job.yaml'), 'mine\n');
  await assert.rejects(runVerb(fakeIO(dir), registerInit, ['init']), (error: unknown) => {
    assert.ok(error instanceof DtrainError);
    assert.equal(error.category, 'config');
    assert.equal(error.exitCode, 2);
    assert.equal(error.message, 'job.yaml already exists; use --force to overwrite it');
    return true;
  });
  assert.equal(readFileSync(join(dir, 'job.yaml'), 'utf8'), 'mine\n');

  const forced = fakeIO(dir);
  await runVerb(forced, registerInit, ['init', '--framework', 'tensorflow', '--force']);
  assert.equal(forced.out(), 'wrote job.yaml (framework tensorflow) — next: dtrain validate job.yaml\n');
  assert.equal(
    parseJob(readFileSync(join(dir, 'job.yaml'), 'utf8'), 'job.yaml').spec?.framework,
    'tensorflow',
  );
});

test('init takes a file name and refuses an unknown framework', async () => {
  const dir = scratch();
  const io = fakeIO(dir);
  await runVerb(io, registerInit, ['init', 'doctor.yaml', '--framework', 'doctor']);
  assert.equal(io.out(), 'wrote doctor.yaml (framework doctor) — next: dtrain validate doctor.yaml\n');
  await assert.rejects(runVerb(fakeIO(dir), registerInit, ['init', 'x.yaml', '--framework', 'pytorch']), {
    code: 'commander.invalidArgument',
  });
});
