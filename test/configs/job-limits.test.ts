/**
 * The job file's shape limits (configs/yaml-limits.ts): each breach is one positioned problem, exit 2,
 * and the work a hostile file causes is bounded by the limits, not by the file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatProblem } from '../../configs/job-spec.js';
import { parseJob } from '../../configs/parse-job.js';
import { JobFileError, readJob } from '../../configs/read-job.js';
import { JOB_LIMITS } from '../../configs/yaml-limits.js';

const lines = (text: string): string[] => parseJob(text, 'job.yaml').problems.map(formatProblem);
const head = 'framework: xgboost\ndata: {train: t.csv}\n';

test('a file over the size limit is refused at 1:1, unread by readJob', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dtrain-limits-'));
  const big = `${head}# ${'x'.repeat(JOB_LIMITS.bytes)}\n`;
  writeFileSync(join(dir, 'big.yaml'), big);
  await assert.rejects(readJob('big.yaml', { cwd: dir }), (error: unknown) => {
    assert.ok(error instanceof JobFileError);
    assert.equal(error.exitCode, 2);
    assert.match(
      error.detail ?? '',
      /^big\.yaml:1:1 {2}the file is \d+ bytes \(0\.3 MiB\); a job file may be at most 262144 bytes$/,
    );
    return true;
  });
  assert.equal(parseJob(big, 'big.yaml').problems.length, 1);
});

test('200,000 keys are refused by the size limit; 10,000 values and one more by the value limit', () => {
  const keys = (n: number): string => Array.from({ length: n }, (_, i) => `k${i}: ${i}\n`).join('');
  assert.match(lines(head + keys(200_000)).join('\n'), /^job\.yaml:1:1 {2}the file is \d+ bytes/);
  assert.ok(Buffer.byteLength(head + keys(JOB_LIMITS.values)) < JOB_LIMITS.bytes);
  assert.deepEqual(lines(head + keys(JOB_LIMITS.values)), [
    `job.yaml:${JOB_LIMITS.values - 1}:8  k${JOB_LIMITS.values - 4}: has more than 10000 values (aliases expanded); a job file needs far fewer`,
  ]);
});

test('nesting deeper than the limit, in flow or block style or through aliases', () => {
  const flow = `${head}params: {x: ${'['.repeat(100)}${']'.repeat(100)}}\n`;
  assert.deepEqual(lines(flow), ['job.yaml:3:75  params.x.0.….0.0: is nested more than 64 levels deep']);
  const chain = Array.from({ length: 70 }, (_, i) => `a${i}: &a${i} [${i ? `*a${i - 1}` : '1'}, 2]`);
  const out = lines(`${head}${chain.join('\n')}\nhosts: [*a69, *a69]\n`);
  assert.equal(out.length, 1);
  assert.match(out[0] ?? '', /^job\.yaml:\d+:\d+ {2}a\d+\.0\.0\.….0\.0: is nested more than 64 levels deep$/);
  // Just under the limit is fine as far as the shape goes.
  assert.doesNotMatch(lines(`${head}x: ${'['.repeat(60)}${']'.repeat(60)}\n`).join('\n'), /nested/);
});

test('aliases: a cycle, a missing anchor and exponential expansion are positioned problems', () => {
  assert.deepEqual(lines('framework: xgboost\nhosts: &a [*a]\n'), [
    'job.yaml:2:12  hosts.0: alias *a is inside the value it names (a cycle)',
  ]);
  assert.deepEqual(lines('framework: xgboost\ndata: &d {train: *d}\n'), [
    'job.yaml:2:18  data.train: alias *d is inside the value it names (a cycle)',
  ]);
  assert.deepEqual(lines('framework: xgboost\nhosts: *nope\n'), [
    'job.yaml:2:8  hosts: alias *nope has no anchor &nope before it',
  ]);
  const laughs = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 9; i++)
    laughs.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  const out = lines(`${head}${laughs.join('\n')}\n`);
  assert.equal(out.length, 1);
  assert.match(
    out[0] ?? '',
    /^job\.yaml:\d+:\d+ {2}a\d\.\S+: has more than 10000 values \(aliases expanded\)/,
  );
});

test('keys must be plain and unique', () => {
  assert.deepEqual(lines('framework: xgboost\n? [a, b]\n: 1\n'), [
    'job.yaml:2:3  a key must be a plain name, not a list, mapping or alias',
  ]);
  assert.deepEqual(lines(`${head}params: {eta: 0.1, eta: 0.2}\n`), [
    'job.yaml:3:20  params.eta: is given twice (first on line 3)',
  ]);
});
