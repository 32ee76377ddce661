/**
 * `dtrain run` on an invalid job file refuses it before anything starts, with the very lines
 * `dtrain validate` prints (the golden .expected of test/fixtures/jobs/invalid/): one parser, checked
 * once at the edge. In-process for every fixture; through the real binary for the parameter ones.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../cli/main.js';
import { fakeIO } from '../configs/fake-io.js';
import { runDtrain } from '../helpers/dtrain-process.js';
import { repoRoot } from '../helpers/paths.js';

const dir = join(repoRoot, 'test/fixtures/jobs/invalid');
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

function expected(fixture: string): string {
  return readFileSync(join(dir, fixture.replace(/\.yaml$/, '.expected')), 'utf8');
}

function header(fixture: string, lines: string): string {
  const n = lines.trimEnd().split('\n').length;
  return `dtrain: ${fixture}: ${n} problem${n === 1 ? '' : 's'}\n`;
}

for (const fixture of fixtures) {
  test(`run ${fixture}: exit 2 with validate's lines, nothing started`, async () => {
    const home = mkdtempSync(join(tmpdir(), 'dtrain-run-invalid-'));
    const io = fakeIO(dir);
    Object.assign(io, { env: { DTRAIN_HOME: home } });
    const code = await main(['node', 'dtrain', 'run', '--no-tui', fixture], io);
    const lines = expected(fixture);
    assert.equal(code, 2);
    assert.equal(io.err(), header(fixture, lines) + lines);
    assert.equal(io.out(), '');
    // No job was recorded: the refusal came before the store, the hosts and the ranks.
    assert.deepEqual(readdirSync(home), []);
  });
}

test('the real binary refuses parameter and tensorflow-name mistakes the same way, before any rank starts', async () => {
  const params = fixtures.filter((f) => /param|tensorflow-names/.test(f));
  assert.ok(params.length >= 5, params.join(', '));
  for (const fixture of params) {
    const home = mkdtempSync(join(tmpdir(), 'dtrain-run-invalid-'));
    const r = await runDtrain(['run', '--no-tui', fixture], { home, cwd: dir });
    const lines = expected(fixture);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr, header(fixture, lines) + lines);
    assert.equal(existsSync(join(home, 'jobs')), false);
  }
});
