/**
 * Imports point down the module map (DESIGN.md §3): cli → launcher → configs; runtimes → configs;
 * launcher reaches runtimes only through runtimes/protocol. Heavy dependencies stay quarantined.
 * And the structure rules of issue 17 (test/layers/rules.ts): no import cycle, core never imports
 * a flavour, runtimes/ rooms import only shared rooms, folders are entered through their index.ts,
 * no file over 400 lines (one named exception), no function over 150 lines.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { REPO } from './helpers/dtrain-process.js';
import { type Edge, functionsOf, importsOf, lineCount, sourceFiles } from './helpers/source-graph.js';
import * as allow from './layers/allowlist.js';
import {
  coreToFlavourRule,
  cycleRule,
  edgeKeys,
  indexBypassRule,
  LAYERS,
  MAX_FILE_LINES,
  MAX_FUNCTION_LINES,
  ratchet,
  SHARED_ROOMS,
  siblingRoomRule,
} from './layers/rules.js';

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(join(REPO, dir))) {
    const rel = join(dir, name);
    if (statSync(join(REPO, rel)).isDirectory()) sources(rel, out);
    else if (/\.tsx?$/.test(name)) out.push(rel);
  }
  return out;
}

function imports(file: string): string[] {
  const text = readFileSync(join(REPO, file), 'utf8');
  return [
    ...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1] ?? m[2]!);
}

function target(file: string, spec: string): string {
  return spec.startsWith('.') ? relative(REPO, resolve(REPO, dirname(file), spec)) : spec;
}

const RULES: Record<string, (t: string) => boolean> = {
  configs: (t) => t.startsWith('configs/') || !t.includes('/') || !/^(cli|launcher|runtimes)\//.test(t),
  runtimes: (t) => !/^(cli|launcher)\//.test(t),
  launcher: (t) =>
    !t.startsWith('cli/') && (!t.startsWith('runtimes/') || t === 'runtimes/protocol/index.js'),
  // Scoring a file is local work: the CLI calls the predictor's public surface, nothing else of runtimes/.
  cli: (t) => !t.startsWith('runtimes/') || t === 'runtimes/predict/index.js',
};

test('imports point down the module map', () => {
  const bad: string[] = [];
  for (const [layer, ok] of Object.entries(RULES)) {
    for (const file of sources(layer))
      for (const spec of imports(file)) if (!ok(target(file, spec))) bad.push(`${file} → ${spec}`);
  }
  assert.deepEqual(bad, []);
});

test('heavy dependencies are quarantined', () => {
  const bad: string[] = [];
  for (const layer of ['cli', 'launcher', 'configs', 'runtimes']) {
    for (const file of sources(layer)) {
      for (const spec of imports(file)) {
        if ((spec === 'ink' || spec === 'react') && !file.startsWith('cli/render/tui/'))
          bad.push(`${file} → ${spec}`);
        if (spec === 'ssh2' && !file.startsWith('launcher/transports/ssh/')) bad.push(`${file} → ${spec}`);
        if (spec.startsWith('@tensorflow/') && !file.startsWith('runtimes/tensorflow/'))
          bad.push(`${file} → ${spec}`);
      }
    }
  }
  assert.deepEqual(bad, []);
});

// ---------------------------------------------------------------------------------------------------
// Structure rules (issue 17, test/layers/rules.ts): no import cycle, core never imports a flavour,
// runtimes/ rooms import only shared rooms, imports from outside a folder go through its index.ts,
// and size limits. The import graph comes from the TypeScript compiler API
// (helpers/source-graph.ts): `import type`, `export … from` and dynamic `import()` are edges too.
// Each rule is checked against today's tree with the ratchet allowlists of test/layers/allowlist.ts,
// and against planted violations (the last two tests), so none of them can pass vacuously.

let graph: { files: string[]; edges: Edge[] } | undefined;
function sourceGraph(): { files: string[]; edges: Edge[] } {
  if (!graph) {
    const files = sourceFiles(LAYERS);
    graph = { files, edges: files.flatMap((f) => importsOf(f)) };
  }
  return graph;
}

test('no import cycle among cli/, launcher/, configs/, runtimes/ (type imports count)', () => {
  const { edges } = sourceGraph();
  const found = new Map([...cycleRule(edges)].map(([c, path]) => [c.join(' ↔ '), `path: ${path}`]));
  ratchet('import cycle', 'CYCLES', found, allow.CYCLES, (key, entry) =>
    key.split(' ↔ ').every((f) => entry.includes(f)),
  );
});

test('runtimes/gbdt/core never imports a flavour (xgboost/, lightgbm/)', () => {
  const found = edgeKeys(coreToFlavourRule(sourceGraph().edges));
  ratchet('core → flavour', 'CORE_TO_FLAVOUR', found, allow.CORE_TO_FLAVOUR, (k, a) => k === a);
});

test(`runtimes/ rooms import only the shared rooms (${SHARED_ROOMS.join(', ')}) and contracts`, () => {
  const found = edgeKeys(siblingRoomRule(sourceGraph().edges));
  ratchet('sibling runtimes/ room', 'SIBLING_ROOMS', found, allow.SIBLING_ROOMS, (k, a) => k === a);
});

test("imports from outside a folder go through the folder's index.ts", () => {
  const { edges, files } = sourceGraph();
  const found = edgeKeys(indexBypassRule(edges, files));
  ratchet('index bypass', 'INDEX_BYPASS', found, allow.INDEX_BYPASS, (k, a) => k === a);
});

test(`no file over ${MAX_FILE_LINES} lines but the one named exception`, () => {
  const { files } = sourceGraph();
  const { declares, limit } = allow.FILE_LENGTH_EXCEPTION;
  const holder = files.filter((f) =>
    readFileSync(join(REPO, f), 'utf8').includes(`export class ${declares} `),
  );
  assert.equal(holder.length, 1, `FILE_LENGTH_EXCEPTION: exactly one file declares class ${declares}`);
  const long = files.map((f) => [f, lineCount(f)] as const).filter(([, n]) => n > MAX_FILE_LINES);
  const exempt = long.find(([f]) => f === holder[0]);
  assert.ok(
    !exempt || exempt[1] <= limit,
    `${holder[0]} (class ${declares}) is over its own limit of ${limit}`,
  );
  const found = new Map(long.filter(([f]) => f !== holder[0]).map(([f, n]) => [f, `${n} lines`]));
  ratchet(`file over ${MAX_FILE_LINES} lines`, 'LONG_FILES', found, allow.LONG_FILES, (k, a) => k === a);
});

test(`no function over ${MAX_FUNCTION_LINES} lines`, () => {
  const spans = sourceGraph().files.flatMap((f) => functionsOf(f));
  const found = new Map(
    spans
      .filter((s) => s.lines > MAX_FUNCTION_LINES)
      .map((s) => [`${s.file}#${s.name}`, `line ${s.line}, ${s.lines} lines`]),
  );
  ratchet(
    `function over ${MAX_FUNCTION_LINES} lines`,
    'LONG_FUNCTIONS',
    found,
    allow.LONG_FUNCTIONS,
    (k, a) => k === a,
  );
});

test('each structure rule reports a planted violation, and only that', () => {
  const e = (from: string, to: string, typeOnly = false): Edge => ({
    from,
    to,
    spec: to,
    external: false,
    typeOnly,
    dynamic: false,
  });
  const cyc = cycleRule([e('a.ts', 'b.ts'), e('b.ts', 'c.ts', true), e('c.ts', 'a.ts'), e('c.ts', 'd.ts')]);
  assert.deepEqual([...cyc], [[['a.ts', 'b.ts', 'c.ts'], 'a.ts → b.ts → c.ts → a.ts']]);
  const core = e('runtimes/gbdt/core/grow.ts', 'runtimes/gbdt/lightgbm/split.ts');
  assert.deepEqual(
    coreToFlavourRule([core, e('runtimes/gbdt/lightgbm/split.ts', 'runtimes/gbdt/core/grow.ts')]),
    [core],
  );
  const sibling = e('runtimes/tensorflow/tf-data.ts', 'runtimes/gbdt/rng.ts');
  const contractValue = e('runtimes/tensorflow/p.ts', 'runtimes/predict/predict-contract.ts');
  const fine = [
    e('runtimes/tensorflow/p.ts', 'runtimes/data/index.ts'),
    e('runtimes/predict/predict-file.ts', 'runtimes/gbdt/index.ts'),
    e('runtimes/tensorflow/p.ts', 'runtimes/predict/predict-contract.ts', true),
    e('runtimes/worker.ts', 'runtimes/gbdt/index.ts'),
  ];
  assert.deepEqual(siblingRoomRule([sibling, contractValue, ...fine]), [sibling, contractValue]);
  const files = [
    'configs/index.ts',
    'configs/parse-job.ts',
    'runtimes/gbdt/index.ts',
    'runtimes/gbdt/core/index.ts',
  ];
  const bypass = [
    e('launcher/a.ts', 'configs/parse-job.ts', true),
    e('runtimes/x.ts', 'runtimes/gbdt/core/index.ts'),
  ];
  const through = [
    e('launcher/a.ts', 'configs/index.ts'),
    e('launcher/a.ts', 'configs/errors.ts'),
    e('configs/a.ts', 'configs/parse-job.ts'),
    e('launcher/a.ts', 'configs/job-spec.ts', true),
    e('runtimes/gbdt/lightgbm/a.ts', 'runtimes/gbdt/core/index.ts'),
  ];
  assert.deepEqual(indexBypassRule([...bypass, ...through], files), bypass);
});

test('source-graph reads every kind of import and measures functions and files', () => {
  const root = mkdtempSync(join(tmpdir(), 'dtrain-layers-'));
  mkdirSync(join(root, 'src/sub'), { recursive: true });
  const body = Array.from({ length: 149 }, (_, i) => `  const v${i} = ${i};`).join('\n');
  writeFileSync(join(root, 'src/sub/index.ts'), 'export const x = 1;\n');
  writeFileSync(
    join(root, 'src/a.ts'),
    [
      "import type { T } from './b.js';",
      "import { type U, type V } from './b.js';",
      "export { x } from './sub/index.js';",
      "export * from './sub';",
      "import ssh from 'ssh2';",
      "type M = typeof import('./b.js');",
      `export function long(): void {\n${body}\n}`,
      "export const late = async () => (await import('./b.js')).y;",
      'class K { m(): void {} }',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(root, 'src/b.ts'),
    'export type T = 1; export type U = 2; export type V = 3; export const y = 1;\n',
  );
  const got = importsOf('src/a.ts', root).map((i) => [i.to, i.typeOnly, i.dynamic, i.external]);
  assert.deepEqual(got, [
    ['src/b.ts', true, false, false],
    ['src/b.ts', true, false, false],
    ['src/sub/index.ts', false, false, false],
    ['src/sub/index.ts', false, false, false],
    ['ssh2', false, false, true],
    ['src/b.ts', true, false, false],
    ['src/b.ts', false, true, false],
  ]);
  const spans = functionsOf('src/a.ts', root).map((s) => [s.name, s.lines]);
  assert.deepEqual(spans, [
    ['long', 151],
    ['late', 1],
    ['K.m', 1],
  ]);
  assert.equal(lineCount('src/a.ts', root), 159);
  assert.deepEqual(sourceFiles(['src'], root), ['src/a.ts', 'src/b.ts', 'src/sub/index.ts']);
});

test('the ratchet fails on a new violation and on a stale allowlist entry, printing both', () => {
  const eq = (k: string, a: string): boolean => k === a;
  const found = new Map([['a.ts → b.ts', 'type']]);
  ratchet('rule', 'LIST', found, ['a.ts → b.ts'], eq);
  assert.throws(
    () => ratchet('rule', 'LIST', found, [], eq),
    /rule: 1 new violation\(s\)[^\n]*add to LIST[^\n]*\n {2}'a\.ts → b\.ts', \/\/ type$/,
  );
  assert.throws(
    () => ratchet('rule', 'LIST', found, ['a.ts → b.ts', 'c.ts → d.ts'], eq),
    /no longer needed; delete from LIST:\n {2}'c\.ts → d\.ts',$/,
  );
});
