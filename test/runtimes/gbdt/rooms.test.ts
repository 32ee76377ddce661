/**
 * The GBDT engine's rooms (runtimes/gbdt/{core,xgboost,lightgbm,wasm,predict,workload}) beyond what
 * test/layers.test.ts checks for every folder (cycles, core → flavour, index bypass): each room has
 * its index.ts, and the core reaches no room above it — neither the predictor, nor the workloads,
 * nor gbdt/index.ts — so it stays the bottom layer both flavours stand on.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { REPO } from '../../helpers/dtrain-process.js';

const GBDT = 'runtimes/gbdt';
const ROOMS = ['core', 'xgboost', 'lightgbm', 'wasm', 'predict', 'workload'];

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(join(REPO, dir))) {
    const rel = join(dir, name);
    if (statSync(join(REPO, rel)).isDirectory()) sources(rel, out);
    else if (/\.tsx?$/.test(name)) out.push(rel);
  }
  return out;
}

/** The repository paths (as .ts) that `file` imports by relative specifier, type imports included. */
function imports(file: string): string[] {
  const text = readFileSync(join(REPO, file), 'utf8');
  const specs = [
    ...text.matchAll(/(?:import|export)[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1] ?? m[2]!);
  return specs
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(REPO, resolve(REPO, dirname(file), s)).replace(/\.js$/, '.ts'));
}

/** The room of a path under runtimes/gbdt ('' for gbdt/ itself), or undefined outside. */
function roomOf(path: string): string | undefined {
  if (!path.startsWith(`${GBDT}/`)) return undefined;
  const rest = path.slice(GBDT.length + 1);
  return rest.includes('/') ? rest.slice(0, rest.indexOf('/')) : '';
}

const files = [...sources(GBDT), ...sources('runtimes/random')];

test('every room has an index.ts', () => {
  for (const room of ROOMS) assert.ok(files.includes(`${GBDT}/${room}/index.ts`), `${room}/index.ts`);
  assert.ok(files.includes(`${GBDT}/index.ts`));
});

test('the core imports no room above it: no flavour, predictor, workload or gbdt/index.ts', () => {
  const bad = files
    .filter((f) => roomOf(f) === 'core')
    .flatMap((f) => imports(f).map((t) => [f, t] as const))
    .filter(([, t]) => ['xgboost', 'lightgbm', 'predict', 'workload', ''].includes(roomOf(t) ?? 'outside'));
  assert.deepEqual(bad, []);
});
