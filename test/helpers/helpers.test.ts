/**
 * The skip and golden helpers keep their promises: a test that cannot run is skipped with its
 * reason, or fails with it under DTRAIN_REQUIRE_ALL=1; a missing golden file fails unless
 * DTRAIN_UPDATE_GOLDEN=1, which writes it. Each case runs a tiny real test file in a child node.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

const here = import.meta.dirname;

/** Runs `body` as a one-test file under `node --test` with `env`; returns its exit code and output. */
function runChild(
  body: string,
  env: Record<string, string>,
  dir = mkdtempSync(join(tmpdir(), 'dtrain-helpers-')),
): { code: number | null; out: string } {
  const file = join(dir, 'child.test.mjs');
  const url = (name: string) => pathToFileURL(join(here, name)).href;
  writeFileSync(
    file,
    `import { test } from 'node:test';
import { cannotRun } from ${JSON.stringify(url('skip.js'))};
import { assertGolden } from ${JSON.stringify(url('golden.js'))};
const dir = ${JSON.stringify(dir)};
test('child', (t) => { ${body} });
`,
  );
  const clean = { ...process.env };
  // NODE_TEST_CONTEXT would make the child think it runs inside this runner and skip its file.
  for (const k of ['DTRAIN_REQUIRE_ALL', 'DTRAIN_UPDATE_GOLDEN', 'UPDATE_GOLDEN', 'NODE_TEST_CONTEXT'])
    delete clean[k];
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', file], {
    encoding: 'utf8',
    env: { ...clean, ...env },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const SKIP = "cannotRun(t, 'frobnicator not installed: apt-get install frobnicator');";

test('cannotRun skips with the reason when DTRAIN_REQUIRE_ALL is unset, empty or 0', () => {
  for (const env of [{}, { DTRAIN_REQUIRE_ALL: '' }, { DTRAIN_REQUIRE_ALL: '0' }] as Record<
    string,
    string
  >[]) {
    const r = runChild(SKIP, env);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /# SKIP frobnicator not installed: apt-get install frobnicator/);
  }
});

test('cannotRun fails with the reason under DTRAIN_REQUIRE_ALL=1', () => {
  const r = runChild(SKIP, { DTRAIN_REQUIRE_ALL: '1' });
  assert.equal(r.code, 1, r.out);
  assert.doesNotMatch(r.out, /# SKIP/);
  assert.match(r.out, /cannot run \(DTRAIN_REQUIRE_ALL is set\): frobnicator not installed/);
});

test('a missing golden file fails and is not written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dtrain-helpers-'));
  const r = runChild("assertGolden(dir + '/new.txt', 'text\\n');", {}, dir);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /missing golden file .*new\.txt: write it with DTRAIN_UPDATE_GOLDEN=1/);
  assert.equal(existsSync(join(dir, 'new.txt')), false);
});

test('DTRAIN_UPDATE_GOLDEN=1 writes the golden file; then it passes without the variable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dtrain-helpers-'));
  const body = "assertGolden(dir + '/sub/g.txt', 'line 1\\nline 2\\n');";
  const w = runChild(body, { DTRAIN_UPDATE_GOLDEN: '1' }, dir);
  assert.equal(w.code, 0, w.out);
  assert.equal(readFileSync(join(dir, 'sub/g.txt'), 'utf8'), 'line 1\nline 2\n');
  assert.equal(runChild(body, {}, dir).code, 0);
});

test('a golden file that differs by one byte fails; the old UPDATE_GOLDEN name is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dtrain-helpers-'));
  writeFileSync(join(dir, 'g.txt'), 'line 1\n');
  const body = "assertGolden(dir + '/g.txt', 'line 1');";
  const r = runChild(body, {}, dir);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /differs from golden file .*g\.txt \(DTRAIN_UPDATE_GOLDEN=1 rewrites it/);
  const old = runChild(body, { UPDATE_GOLDEN: '1' }, dir);
  assert.equal(old.code, 1, old.out);
  assert.match(old.out, /UPDATE_GOLDEN is no longer read: set DTRAIN_UPDATE_GOLDEN=1/);
  assert.equal(readFileSync(join(dir, 'g.txt'), 'utf8'), 'line 1\n');
});
