/**
 * The error table is the whole vocabulary: every code in it is thrown or named somewhere, every code
 * the sources name is in it, each category has its own exit code, and the user's documents (man
 * page, README) list exactly those exit codes.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ERROR_CODES, EXIT, EXIT_BY_CATEGORY, exitCodeFor, isErrorCode } from '../../configs/error-codes.js';
import { DtrainError, exitCodeOf } from '../../configs/errors.js';
import { REPO } from '../helpers/dtrain-process.js';

const TABLE_FILE = join('configs', 'error-codes.ts');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(join(REPO, dir))) {
    const rel = join(dir, name);
    if (statSync(join(REPO, rel)).isDirectory()) sources(rel, out);
    else if (/\.tsx?$/.test(name) && rel !== TABLE_FILE) out.push(rel);
  }
  return out;
}

/** Quoted codes ('E_X' or "E_X") per source file: what a throw, a comparison or a reply names. */
function namedCodes(): Map<string, string[]> {
  const where = new Map<string, string[]>();
  for (const file of ['cli', 'launcher', 'configs', 'runtimes'].flatMap((d) => sources(d))) {
    const text = readFileSync(join(REPO, file), 'utf8');
    for (const m of text.matchAll(/['"`](E_[A-Z0-9_]+)['"`]/g))
      where.set(m[1]!, [...(where.get(m[1]!) ?? []), file]);
  }
  return where;
}

test('every code in the table is named in the sources, and every named code is in the table', () => {
  const named = namedCodes();
  const unused = Object.keys(ERROR_CODES).filter((code) => !named.has(code));
  const unknown = [...named]
    .filter(([code]) => !isErrorCode(code))
    .map(([code, files]) => `${code} in ${files}`);
  assert.deepEqual(unused, [], 'codes nothing throws: remove them from configs/error-codes.ts');
  assert.deepEqual(unknown, [], 'codes missing from configs/error-codes.ts');
});

test('each category has one exit code of its own, and errors exit with it', () => {
  const byCategory = new Map<string, Set<number>>();
  for (const [code, row] of Object.entries(ERROR_CODES)) {
    byCategory.set(row.category, (byCategory.get(row.category) ?? new Set()).add(row.exit));
    assert.equal(row.exit, EXIT_BY_CATEGORY[row.category], code);
    assert.ok(row.stem.length > 0 && !row.stem.endsWith('.'), `${code}: a short stem, no full stop`);
  }
  assert.deepEqual(
    [...byCategory.keys()].sort(),
    Object.keys(EXIT_BY_CATEGORY).sort(),
    'every category is used',
  );
  for (const [category, exits] of byCategory) assert.equal(exits.size, 1, `${category}: one exit code`);
  const exits = Object.values(EXIT_BY_CATEGORY);
  assert.equal(new Set([...exits, EXIT.ok]).size, exits.length + 1, 'categories exit distinctly, never 0');
  const e = new DtrainError('E_DATA', 'x.csv:3: bad value');
  assert.deepEqual([e.category, e.exitCode, exitCodeOf(e)], ['config', EXIT.badInput, EXIT.badInput]);
  assert.equal(exitCodeFor('E_WORKER'), EXIT.jobFailed);
  assert.equal(exitCodeOf(new Error('not ours')), EXIT.internal);
});

test('man/dtrain.1 EXIT STATUS and the README list exactly the exit codes of the table', () => {
  const want = [...new Set(Object.values(EXIT))].sort((a, b) => a - b);
  const man = readFileSync(join(REPO, 'man', 'dtrain.1'), 'utf8');
  const section = man.split(/^\.SH EXIT STATUS$/m)[1]?.split(/^\.SH /m)[0];
  assert.ok(section, 'man/dtrain.1 has an EXIT STATUS section');
  const listed = [...section.matchAll(/^\.TP\n\.B (\d+)$/gm)].map((m) => Number(m[1]));
  assert.deepEqual(listed, want);
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const sentence = /Exit codes: ([\s\S]*?)\.(?:\n\n|\s*$)/.exec(readme)?.[1];
  assert.ok(sentence, 'README.md has an "Exit codes: …" sentence');
  const inReadme = [...sentence.matchAll(/(?:^|, )(\d+) /g)].map((m) => Number(m[1]));
  assert.deepEqual(inReadme, want);
});
