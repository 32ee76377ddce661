/** Whole-frame goldens under test/fixtures/tui/ (UPDATE_GOLDEN=1 rewrites; CI never writes them). */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../../helpers/dtrain-process.js';

export function assertGolden(name: string, actual: string): void {
  const dir = join(REPO, 'test', 'fixtures', 'tui');
  const path = join(dir, `${name}.txt`);
  if (process.env['UPDATE_GOLDEN'] || !existsSync(path)) {
    if (process.env['CI']) assert.fail(`missing golden frame ${path}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, `${actual}\n`);
  }
  assert.equal(`${actual}\n`, readFileSync(path, 'utf8'), `frame ${name} differs from ${path}`);
}
