/**
 * bench:job-read — how long reading a hostile job file takes, through readJob (what every verb
 * calls). Files: 200,000 keys (over the size limit: refused unparsed), keys at the value limit
 * (10,000 values: unknown params, each with a did-you-mean), 20,000 keys (over the value limit),
 * the deepest nesting allowed and one level more, and an alias fan-out just under the value limit.
 * Each is read `--repeat` times (default 3); the best wall time is printed. Target: under 2 s each.
 *   npm run bench:job-read -- [--repeat 3]
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobFileError, readJob } from '../configs/index.js';

const i = process.argv.indexOf('--repeat');
const REPEAT = i > 0 ? Number(process.argv[i + 1]) : 3;
const head = 'framework: xgboost\ndata: {train: t.csv}\n';
const keys = (n: number, indent = ''): string =>
  Array.from({ length: n }, (_, k) => `${indent}k${k}: ${k}\n`).join('');

const files: Record<string, string> = {
  'keys-200000': head + keys(200_000),
  'params-9990': `${head}params:\n${keys(9_990, '  ')}`,
  'keys-20000': head + keys(20_000),
  'depth-63': `${head}x: ${'['.repeat(62)}${']'.repeat(62)}\n`,
  'depth-65': `${head}x: ${'['.repeat(65)}${']'.repeat(65)}\n`,
  'aliases-9000': `${head}a: &a [${Array(90).fill('1').join(', ')}]\nb: [${Array(99).fill('*a').join(', ')}]\n`,
};

const dir = mkdtempSync(join(tmpdir(), 'dtrain-bench-job-'));
for (const [name, text] of Object.entries(files)) {
  writeFileSync(join(dir, `${name}.yaml`), text);
  let best = Number.POSITIVE_INFINITY;
  let outcome = '';
  for (let r = 0; r < REPEAT; r++) {
    const t = performance.now();
    try {
      await readJob(`${name}.yaml`, { cwd: dir });
      outcome = 'ok';
    } catch (error) {
      outcome =
        error instanceof JobFileError
          ? `${error.problems.length} problem(s): ${error.problems[0]?.message.slice(0, 60)}`
          : `THREW ${String(error)}`;
    }
    best = Math.min(best, performance.now() - t);
  }
  const bytes = Buffer.byteLength(text);
  console.log(`bench job-read: ${name} bytes=${bytes} ms=${best.toFixed(0)} ${outcome}`);
}
