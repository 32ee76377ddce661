import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import type { JobSpec } from '../../../../configs/job-spec.js';
import { readerThreads } from '../../../../runtimes/gbdt/workload/index.js';

const spec = (framework: string, params: Record<string, unknown>) =>
  ({ framework, params }) as unknown as JobSpec;

test("a job's CSV is parsed with the engine's thread setting", () => {
  assert.equal(readerThreads(spec('lightgbm', { num_threads: 2 })), 2);
  assert.equal(readerThreads(spec('lightgbm', { n_jobs: 3 })), 3);
  assert.equal(readerThreads(spec('lightgbm', { nthread: 5 })), 5);
  assert.equal(readerThreads(spec('xgboost', { nthread: 4 })), 4);
  // An alias the framework does not read, or 0 (the library's default), leaves the default.
  const sharing = Number(process.env['DTRAIN_LOCAL_WORLD_SIZE'] ?? 1) || 1;
  const fallback = Math.max(1, Math.floor(availableParallelism() / sharing));
  assert.equal(readerThreads(spec('xgboost', { num_threads: 7 })), fallback);
  assert.equal(readerThreads(spec('lightgbm', { num_threads: 0 })), fallback);
});
