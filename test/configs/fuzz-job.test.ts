/**
 * A seeded mutator of the shipped examples (delete, duplicate and swap lines, random bytes, deep
 * nesting, aliases, huge scalars, indentation shifts): each mutated file either validates or gives
 * positioned problems (file:line:col, line >= 1) that make a JobFileError with exit 2; nothing throws.
 * In-process through readJob (the function the CLI calls), and a handful through the real binary.
 * Bounded by the count, not by a clock; DTRAIN_FUZZ_CASES raises the count for a longer local run.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { JobFileError, readJob } from '../../configs/read-job.js';
import { runDtrain } from '../helpers/dtrain-process.js';
import { repoRoot } from '../helpers/paths.js';

const CASES = Number(process.env['DTRAIN_FUZZ_CASES'] ?? 2500);
const examples = readdirSync(join(repoRoot, 'configs/examples'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => readFileSync(join(repoRoot, 'configs/examples', f), 'utf8'));

/** mulberry32: a small seeded generator, so a failing case can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOISE = [
  '{',
  '}',
  '[',
  ']',
  ':',
  '- ',
  '&a ',
  '*a',
  '!!map ',
  '? ',
  '"',
  "'",
  '#',
  '\t',
  '\0',
  '\uFFFD',
  '\r',
  '|',
  '>',
];

function mutate(text: string, r: () => number): string {
  const lines = text.split('\n');
  const pick = (): number => Math.floor(r() * lines.length);
  const steps = 1 + Math.floor(r() * 3);
  for (let s = 0; s < steps; s++) {
    const i = pick();
    const line = lines[i] ?? '';
    switch (Math.floor(r() * 10)) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(i, 0, line);
        break;
      case 2: {
        const j = pick();
        [lines[i], lines[j]] = [lines[j] ?? '', line];
        break;
      }
      case 3: {
        const at = Math.floor(r() * (line.length + 1));
        const bytes = Array.from({ length: 1 + Math.floor(r() * 4) }, () =>
          String.fromCharCode(Math.floor(r() * 256)),
        );
        lines[i] = line.slice(0, at) + bytes.join('') + line.slice(at);
        break;
      }
      case 4: {
        const at = Math.floor(r() * (line.length + 1));
        lines[i] = line.slice(0, at) + (NOISE[Math.floor(r() * NOISE.length)] ?? '') + line.slice(at);
        break;
      }
      case 5: {
        const d = [10, 63, 65, 200, 2000][Math.floor(r() * 5)] ?? 10;
        const open = r() < 0.5 ? '[' : '{a: ';
        const close = open === '[' ? ']' : '}';
        lines.splice(i, 0, `${r() < 0.5 ? 'params' : 'deep'}: &a ${open.repeat(d)}${close.repeat(d)}`);
        break;
      }
      case 6: {
        const refs = Array.from({ length: 10 }, () => '*a').join(', ');
        lines.splice(
          i,
          0,
          'x0: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]',
          `x1: &b [${refs}]`,
          `hosts: &a [*a, ${refs.replaceAll('*a', '*b')}]`,
        );
        break;
      }
      case 7:
        lines[i] =
          `${line.replace(/:.*$/, '')}: ${r() < 0.5 ? '&s ' : ''}"${'y'.repeat(Math.floor(r() * 300_000))}"`;
        break;
      case 8:
        lines[i] = (r() < 0.5 ? ' ' : '   ') + line;
        break;
      default:
        lines[i] = line.replace(/^\s+/, '');
    }
  }
  return lines.join('\n');
}

test(`${CASES} mutated examples: valid, or positioned problems with exit 2`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dtrain-fuzz-'));
  const tally = { ok: 0, refused: 0 };
  for (let seed = 1; seed <= CASES; seed++) {
    const r = rng(seed);
    const text = mutate(examples[Math.floor(r() * examples.length)] ?? '', r);
    writeFileSync(join(dir, 'f.yaml'), text);
    try {
      await readJob('f.yaml', { cwd: dir });
      tally.ok++;
    } catch (error) {
      if (!(error instanceof JobFileError)) assert.fail(`seed ${seed}: ${String(error)}`);
      assert.equal(error.exitCode, 2, `seed ${seed}`);
      assert.ok(error.problems.length > 0, `seed ${seed}`);
      for (const p of error.problems) {
        assert.ok(p.line >= 1 && p.col >= 1, `seed ${seed}: unpositioned ${JSON.stringify(p)}`);
        assert.equal(p.file, 'f.yaml');
      }
      tally.refused++;
    }
  }
  // Both outcomes occur, or the mutator is not doing its job.
  assert.ok(tally.ok > 0 && tally.refused > CASES / 2, JSON.stringify(tally));
});

test('a handful through the real binary: exit 0 or 2, every stderr line positioned', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dtrain-fuzz-cli-'));
  for (let seed = 1; seed <= 6; seed++) {
    const r = rng(seed * 7919);
    writeFileSync(join(dir, 'f.yaml'), mutate(examples[seed % examples.length] ?? '', r));
    const run = await runDtrain(['validate', 'f.yaml'], { home: dir, cwd: dir });
    assert.ok(run.code === 0 || run.code === 2, `seed ${seed * 7919}: exit ${run.code}\n${run.stderr}`);
    if (run.code === 2) {
      for (const line of run.stderr.trimEnd().split('\n'))
        assert.match(line, /^f\.yaml:\d+:\d+ {2}\S/, `seed ${seed * 7919}`);
    } else assert.match(run.stdout, /^f\.yaml: ok /);
  }
});
