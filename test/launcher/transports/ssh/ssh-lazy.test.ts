/**
 * ssh2 loads late: nothing reached by static imports from the CLI's entry or the launcher's surface
 * imports it, so `dtrain plan`, local runs and every command without remote hosts never load it. Only
 * the SSH folder's index loads its ssh2 half, by a dynamic import on first call.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../../helpers/paths.js';

/** Relative static imports (`import … from` / `export … from`, types included) of a source file. */
function staticImports(file: string): { local: string[]; packages: string[] } {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  const specs = [...text.matchAll(/^(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)]
    .filter((m) => !/^(?:import|export)\s+type\b/.test(m[0]))
    .map((m) => m[1]!);
  const local = specs
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(repoRoot, resolve(repoRoot, dirname(file), s)).replace(/\.js$/, '.ts'))
    .map((s) => (existsSync(join(repoRoot, s)) ? s : `${s}x`));
  return { local, packages: specs.filter((s) => !s.startsWith('.')) };
}

/** Every file reachable from `entry` by value imports, with the packages each one imports. */
function closure(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    const { local, packages } = staticImports(file);
    seen.set(file, packages);
    todo.push(...local);
  }
  return seen;
}

for (const entry of ['cli/main.ts', 'launcher/index.ts', 'launcher/transports/ssh/index.ts']) {
  test(`no static import path from ${entry} reaches ssh2`, () => {
    const reached = closure(entry);
    assert.ok(reached.size > 1 || entry.endsWith('index.ts'), `${entry} imports nothing?`);
    const importers = [...reached].filter(([, packages]) => packages.includes('ssh2')).map(([f]) => f);
    assert.deepEqual(importers, []);
  });
}

test('the SSH folder does load ssh2 behind its index (the check above can see it)', () => {
  const reached = closure('launcher/transports/ssh/transport.ts');
  assert.ok([...reached.values()].some((packages) => packages.includes('ssh2')));
});
