/**
 * Imports point down the module map (DESIGN.md §3): cli → launcher → configs; runtimes → configs;
 * launcher reaches runtimes only through runtimes/protocol. Heavy dependencies stay quarantined.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { REPO } from './helpers/dtrain-process.js';

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
