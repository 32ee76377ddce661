/**
 * Golden files: each test/fixtures/jobs/invalid/NN-name.yaml is validated and its stderr compared
 * with NN-name.expected exactly. Regenerate with DTRAIN_UPDATE_GOLDEN=1, then review every diff.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { registerValidate } from '../../cli/commands/validate.js';
import { assertGolden } from '../helpers/golden.js';
import { repoRoot } from '../helpers/paths.js';
import { fakeIO, runVerb } from './fake-io.js';

const dir = join(repoRoot, 'test/fixtures/jobs/invalid');
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

test('there are twenty-four invalid fixtures, each with its .expected', () => {
  assert.equal(fixtures.length, 24);
  for (const f of fixtures) assert.match(f, /^\d\d-[a-z0-9-]+\.yaml$/);
});

for (const fixture of fixtures) {
  test(`validate ${fixture}`, async () => {
    const io = fakeIO(dir);
    await runVerb(io, registerValidate, ['validate', fixture]);
    assertGolden(`test/fixtures/jobs/invalid/${fixture.replace(/\.yaml$/, '.expected')}`, io.err());
    assert.equal(io.out(), '');
    assert.equal(io.exitCode, 2);
  });
}

test('one fixture holds five different mistakes, each on its own line and position', async () => {
  const io = fakeIO(dir);
  await runVerb(io, registerValidate, ['validate', '18-five-mistakes.yaml']);
  const lines = io.err().trimEnd().split('\n');
  assert.equal(lines.length, 5);
  const positions = lines.map((l) => l.split('  ')[0]);
  assert.equal(new Set(positions).size, 5);
  for (const p of positions) assert.match(p ?? '', /^18-five-mistakes\.yaml:\d+:\d+$/);
});
