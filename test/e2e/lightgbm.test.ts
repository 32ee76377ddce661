/**
 * The lightgbm framework end to end through the binary: configs/examples/lightgbm-local.yaml (2 local
 * ranks on the shipped synthetic CSVs) exits 0 and writes a LightGBM text model that `dtrain predict`
 * scores; checkpoints are LightGBM text; feature (all rows on every rank) and voting parallelism train too;
 * lambdarank reads its queries from a CSV column and keeps them whole per rank.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO, runDtrain, tempDir } from '../helpers/dtrain-process.js';
import { synthRanking } from '../runtimes/gbdt/helpers.js';

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

function rankingCsv(path: string, queries: number, seed: number): void {
  const d = synthRanking(queries, seed);
  const lines = [`label,qid,${d.featureNames.join(',')}`];
  for (let r = 0; r < d.rows; r++)
    lines.push(
      `${d.labels[r]},${d.groups![r]},${Array.from(d.features.subarray(r * d.cols, (r + 1) * d.cols)).join(',')}`,
    );
  writeFileSync(path, `${lines.join('\n')}\n`);
}

test('lambdarank on 2 ranks: queries from group_column stay whole per rank, ndcg@5 rises, objective=lambdarank', async () => {
  const home = tempDir();
  const dir = tempDir('dtrain-rank-');
  rankingCsv(join(dir, 'train.csv'), 150, 1);
  rankingCsv(join(dir, 'valid.csv'), 50, 2);
  const job = join(dir, 'rank.yaml');
  writeFileSync(
    job,
    `name: rank
framework: lightgbm
parallelism: data
hosts: [{address: localhost, slots: 2}]
data: {train: train.csv, valid: valid.csv, label: label}
params: {objective: lambdarank, group_column: "name:qid", metric: ndcg, eval_at: [5], num_iterations: 20, num_threads: 1}
output: runs/
`,
  );
  const run = await runDtrain(['run', job, '--json'], { home });
  assert.equal(run.code, 0, run.stderr + run.stdout.slice(-2000));
  const progress = run.events.filter((e) => e.type === 'progress' && e.rank === 0);
  const first = progress[0]!.metrics as Record<string, number>;
  const last = progress.at(-1)!.metrics as Record<string, number>;
  assert.ok(
    last['valid-ndcg@5']! > 0.85 && last['valid-ndcg@5']! > first['valid-ndcg@5']!,
    JSON.stringify(last),
  );
  const result = run.events.find((e) => e.type === 'result' && e.rank === 0)!.data as {
    model: string;
    rows: number;
  };
  // Byte ranges cut a 20-document query; whole queries make rank 0's share a multiple of 20.
  assert.equal(result.rows % 20, 0);
  assert.ok(result.rows > 0 && result.rows < 3000, String(result.rows));
  assert.match(readFileSync(result.model, 'utf8'), /^objective=lambdarank$/m);
  // The validation file still has its label and qid columns: predict picks the model's features by
  // header name (or leaves qid out when told), and both agree with the file's documents and labels.
  const byName = await runDtrain(['predict', result.model, join(dir, 'valid.csv')], { home });
  assert.equal(byName.code, 0, byName.stderr);
  const told = await runDtrain(['predict', result.model, join(dir, 'valid.csv'), '--group', 'qid'], { home });
  assert.equal(told.code, 0, told.stderr);
  assert.equal(told.stdout, byName.stdout);
  const out = byName.stdout.trim().split('\n');
  const csv = readFileSync(join(dir, 'valid.csv'), 'utf8').trim().split('\n');
  assert.equal(out[0], 'row,label,prediction');
  assert.equal(out.length, csv.length);
  assert.equal(out[1]!.split(',')[1], csv[1]!.split(',')[0]);
  const scores = out.slice(1).map((l) => Number(l.split(',')[2]));
  assert.ok(new Set(scores).size > 10, 'the documents get different scores');
  // Naming the label column gives the same.
  const bare = await runDtrain(['predict', result.model, join(dir, 'valid.csv'), '--label', 'label'], {
    home,
  });
  assert.equal(bare.code, 0, bare.stderr);
  assert.equal(bare.stdout, byName.stdout);
});
