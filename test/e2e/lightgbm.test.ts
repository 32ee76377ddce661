/**
 * The lightgbm framework end to end through the binary: configs/examples/lightgbm-local.yaml (2 local
 * ranks on the shipped synthetic CSVs) exits 0 and writes a LightGBM text model that `dtrain predict`
 * scores; checkpoints are LightGBM text; feature (all rows on every rank) and voting parallelism train too.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO, runDtrain, tempDir } from '../helpers/dtrain-process.js';

const EXAMPLES = join(REPO, 'configs', 'examples');

function example(extra = '', replace: [string, string] = ['', '']): string {
  const dir = tempDir('dtrain-lgb-');
  cpSync(join(EXAMPLES, 'data'), join(dir, 'data'), { recursive: true });
  const text = readFileSync(join(EXAMPLES, 'lightgbm-local.yaml'), 'utf8').replace(replace[0], replace[1]);
  const path = join(dir, 'lightgbm-local.yaml');
  writeFileSync(path, text + extra);
  return path;
}

test('configs/examples/lightgbm-local.yaml trains, writes a LightGBM text model, and predicts', async () => {
  const home = tempDir();
  const job = example('checkpoint: {every: 20, keep: 2}\n');
  const run = await runDtrain(['run', job, '--json'], { home });
  assert.equal(run.code, 0, run.stderr + run.stdout.slice(-2000));
  const progress = run.events.filter((e) => e.type === 'progress' && e.rank === 0);
  assert.equal(progress.length, 50);
  const last = progress.at(-1)!.metrics as Record<string, number>;
  assert.ok(last['valid-auc']! > 0.8, JSON.stringify(last));
  const result = run.events.find((e) => e.type === 'result' && e.rank === 0)!.data as {
    model: string;
    rounds: number;
  };
  assert.equal(result.rounds, 50);
  const text = readFileSync(result.model, 'utf8');
  assert.match(text, /^tree\nversion=v4\n/);
  assert.match(text, /objective=binary sigmoid:1/);
  assert.deepEqual(
    readdirSync(join(result.model, '..', 'checkpoints')).sort(),
    ['iter-000040.txt', 'iter-000020.txt'].sort(),
  );
  const p = await runDtrain(['predict', result.model, join(job, '..', 'data', 'synthetic-valid.csv')], {
    home,
  });
  assert.equal(p.code, 0, p.stderr);
  const rows = p.stdout.trim().split('\n');
  assert.equal(rows.length, 1001);
  assert.ok(existsSync(result.model));
});

for (const mode of ['feature', 'voting'] as const) {
  test(`parallelism ${mode} trains on 2 ranks and writes a model (${mode === 'feature' ? 'all rows on each rank' : 'row shards'})`, async () => {
    const home = tempDir();
    const job = example('', ['parallelism: data', `parallelism: ${mode}`]);
    const run = await runDtrain(['run', job, '--json'], { home });
    assert.equal(run.code, 0, run.stderr + run.stdout.slice(-2000));
    const last = run.events.filter((e) => e.type === 'progress' && e.rank === 0).at(-1)!.metrics as Record<
      string,
      number
    >;
    assert.ok(last['valid-auc']! > 0.8, JSON.stringify(last));
    const result = run.events.find((e) => e.type === 'result' && e.rank === 0)!.data as {
      model: string;
      rows: number;
    };
    const lines = readFileSync(join(job, '..', 'data', 'synthetic-train.csv'), 'utf8')
      .trim()
      .split('\n');
    if (mode === 'feature') assert.equal(result.rows, lines.length - 1);
    else assert.ok(result.rows < lines.length - 1);
    assert.match(readFileSync(result.model, 'utf8'), /^tree\n/);
  });
}
