/**
 * CSV data through the real binary (`dtrain run --local`): a header with a trailing comma fails
 * before training with one `FILE:1` line and exit 2; the same rows with quoted names and numbers
 * and every spelling of infinity train.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeSynthetic } from '../../bench/gen-synthetic.js';
import { runDtrain, tempDir, writeJob } from '../helpers/dtrain-process.js';

const dir = tempDir('dtrain-csv-');
writeSynthetic(join(dir, 'train.csv'), 'binary', 600, 8, 3, 0.02);
const lines = readFileSync(join(dir, 'train.csv'), 'utf8').trimEnd().split('\n');

const PARAMS = {
  xgboost: 'objective: binary:logistic\n  max_depth: 3\n  num_boost_round: 4\n  nthread: 1',
  // Infinite values train here: the xgboost framework refuses them as XGBoost 1.7 does.
  lightgbm: 'objective: binary\n  num_leaves: 7\n  num_iterations: 4\n  num_threads: 1',
};

function job(name: string, train: string, framework: keyof typeof PARAMS = 'xgboost'): string {
  return writeJob(
    dir,
    `${name}.yaml`,
    `name: ${name}
framework: ${framework}
hosts:
  - address: node-a
    slots: 2
data:
  train: ${train}
  label: label
params:
  ${PARAMS[framework]}
`,
  );
}

test('a header ending with a comma fails before training: FILE:1, exit 2', async () => {
  writeFileSync(join(dir, 'trailing.csv'), `${lines.map((l) => `${l},`).join('\n')}\n`);
  const run = await runDtrain(['run', job('trailing', 'trailing.csv'), '--local', '--json'], {
    home: tempDir(),
  });
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.equal(run.events.filter((e) => e.type === 'progress').length, 0, 'no training round ran');
  const plain = await runDtrain(['run', job('trailing2', 'trailing.csv'), '--local'], { home: tempDir() });
  assert.equal(plain.code, 2);
  assert.match(
    plain.stdout,
    /^job failed after .*: rank \d on node-a failed: trailing\.csv:1: header field 10 of 10 has no name \(line 1 ends with a comma\): name the column or remove the comma$/m,
  );
});

test('quoted names and numbers, CRLF and every infinity spelling train', async () => {
  const spellings = ['inf', 'INF', 'Inf', '+inf', '-inf', 'infinity', 'Infinity', '-Infinity', '1e400'];
  const body = lines.slice(1).map((l, i) => {
    const f = l.split(',');
    if (i < spellings.length) f[3] = spellings[i]!;
    return f.map((v) => `"${v}"`).join(',');
  });
  const header = lines[0]!
    .split(',')
    .map((n) => `"${n}"`)
    .join(',');
  writeFileSync(join(dir, 'quoted.csv'), `${header}\r\n${body.join('\r\n')}\r\n`);
  const run = await runDtrain(['run', job('quoted', 'quoted.csv', 'lightgbm'), '--local', '--json'], {
    home: tempDir(),
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const result = run.events.find((e) => e.type === 'result' && e.rank === 0)!.data as { rounds: number };
  assert.equal(result.rounds, 4);
});
