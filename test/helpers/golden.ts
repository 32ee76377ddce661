/**
 * The one golden-file check (help text, plans, validation errors, TUI frames). A golden file is
 * the exact expected text, committed under test/fixtures/. `DTRAIN_UPDATE_GOLDEN=1` rewrites it
 * from the actual text (then review the diff); without it a missing golden file is a failure, never
 * written quietly, so a test can only pass against a file someone committed.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { repoRoot } from './paths.js';

/** The variable that rewrites golden files. */
export const UPDATE_GOLDEN_ENV = 'DTRAIN_UPDATE_GOLDEN';

/** True when golden files are rewritten (`DTRAIN_UPDATE_GOLDEN=1`). */
export function updatingGolden(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[UPDATE_GOLDEN_ENV] === '1';
}

/**
 * Asserts `actual` equals the golden file `path` (relative to the repository root, e.g.
 * 'test/fixtures/cli/help-run.txt', or absolute), byte for byte. Under DTRAIN_UPDATE_GOLDEN=1 writes it first.
 */
export function assertGolden(path: string, actual: string): void {
  const file = resolve(repoRoot, path);
  // The old name, read by earlier tests; refuse it rather than silently compare instead of rewrite.
  if (process.env['UPDATE_GOLDEN'] !== undefined && !updatingGolden())
    assert.fail(`UPDATE_GOLDEN is no longer read: set ${UPDATE_GOLDEN_ENV}=1 to rewrite golden files`);
  if (updatingGolden()) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
  } else if (!existsSync(file)) {
    assert.fail(
      `missing golden file ${relative(repoRoot, file)}: write it with ${UPDATE_GOLDEN_ENV}=1, review, commit`,
    );
  }
  assert.equal(
    actual,
    readFileSync(file, 'utf8'),
    `differs from golden file ${path} (${UPDATE_GOLDEN_ENV}=1 rewrites it; review the diff)`,
  );
}
