/**
 * The GBDT engine's rooms (runtimes/gbdt/{core,xgboost,lightgbm,wasm,predict,workload}): no import
 * cycle (type imports included), the core never imports a flavour, every room's index.ts is its
 * surface (imports from outside a room go through it; from outside gbdt/, through gbdt/index.ts).
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

test('no import cycle inside the GBDT engine, type imports included', () => {
  const edges = new Map(files.map((f) => [f, imports(f).filter((t) => files.includes(t))]));
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (f: string, path: string[]) => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') {
      cycles.push([...path.slice(path.indexOf(f)), f].join(' → '));
      return;
    }
    state.set(f, 'open');
    for (const t of edges.get(f)!) visit(t, [...path, f]);
    state.set(f, 'done');
  };
  for (const f of files) visit(f, []);
  assert.deepEqual(cycles, []);
});

test('the core never imports a flavour or the predictor', () => {
  const bad = files
    .filter((f) => roomOf(f) === 'core')
    .flatMap((f) => imports(f).map((t) => [f, t] as const))
    .filter(([, t]) => ['xgboost', 'lightgbm', 'predict', 'workload', ''].includes(roomOf(t) ?? 'outside'));
  assert.deepEqual(bad, []);
});

test('imports from outside a room go through its index.ts; from outside gbdt/, through gbdt/index.ts', () => {
  const bad: string[] = [];
  const everyone = ['cli', 'launcher', 'configs', 'runtimes', 'bench'].flatMap((d) => sources(d));
  for (const f of everyone) {
    const from = roomOf(f);
    for (const t of imports(f)) {
      const to = roomOf(t);
      if (to === undefined || to === from) continue;
      // A room never imports gbdt/index.ts (it imports the rooms): that edge would close a cycle.
      const surface = from === undefined ? `${GBDT}/index.ts` : to === '' ? '' : `${GBDT}/${to}/index.ts`;
      if (t !== surface) bad.push(`${f} → ${t}`);
    }
  }
  assert.deepEqual(bad, []);
});
