import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DtrainError } from '../../configs/errors.js';
import { JobFileError, readJob } from '../../configs/read-job.js';

test('readJob resolves against cwd, names the job after the file and records its absolute source', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dtrain-read-'));
  mkdirSync(join(dir, 'jobs'));
  writeFileSync(join(dir, 'jobs/higgs.yaml'), 'framework: doctor\n');
  const spec = await readJob('jobs/higgs.yaml', { cwd: dir });
  assert.equal(spec.name, 'higgs');
  assert.deepEqual(spec.source, { file: join(dir, 'jobs/higgs.yaml'), dir: join(dir, 'jobs') });
});

test('an invalid file throws JobFileError with every problem, named as given', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dtrain-read-'));
  writeFileSync(join(dir, 'bad.yaml'), 'framework: caffe\nrestarts: -1\n');
  await assert.rejects(readJob('bad.yaml', { cwd: dir }), (error: unknown) => {
    assert.ok(error instanceof JobFileError);
    assert.ok(error instanceof DtrainError);
    assert.equal(error.code, 'E_JOB_INVALID');
    assert.equal(error.category, 'config');
    assert.equal(error.message, 'bad.yaml: 2 problems');
    assert.equal(
      error.detail,
      'bad.yaml:1:12  framework: must be one of xgboost, lightgbm, tensorflow, doctor (got "caffe")\n' +
        'bad.yaml:2:11  restarts: must be a whole number ≥ 0 (got -1)',
    );
    assert.equal(error.problems.length, 2);
    return true;
  });
});

test('a missing file is E_JOB_NOT_FOUND', async () => {
  await assert.rejects(readJob('/nonexistent/job.yaml'), {
    code: 'E_JOB_NOT_FOUND',
    category: 'config',
    message: /^cannot read job file \/nonexistent\/job\.yaml: ENOENT/,
  });
});
