/**
 * The xgboost framework end to end through the binary: train on a CSV with 2 local ranks, export
 * XGBoost JSON, score with `dtrain predict`, and load the model in the real XGBoost, which must
 * predict the same numbers. Then: 1, 2 and 4 ranks give the same model; checkpoints and --resume;
 * bad data and bad parameters exit 2 with one positioned line.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeSynthetic } from '../../bench/gen-synthetic.js';
import { runDtrain, startDtrain, tempDir, writeJob } from '../helpers/dtrain-process.js';
import { needXgboost, runPython } from '../helpers/xgboost-py.js';

const dir = tempDir('dtrain-xgb-');
writeSynthetic(join(dir, 'train.csv'), 'binary', 4000, 10, 7, 0.02);
writeSynthetic(join(dir, 'valid.csv'), 'binary', 1000, 10, 8, 0.02);

function job(name: string, slots: number, extra = ''): string {
  return writeJob(
    dir,
    `${name}.yaml`,
    `name: ${name}
framework: xgboost
hosts:
  - address: localhost
    slots: ${slots}
data:
  train: train.csv
  valid: valid.csv
  label: label
params:
  objective: binary:logistic
  eta: 0.3
  max_depth: 4
  num_boost_round: 12
  eval_metric: [logloss, auc]
  nthread: 1
${extra}`,
  );
}

function predictions(csv: string): number[] {
  return csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => Number(line.split(',').at(-1)));
}

async function train(name: string, slots: number, home: string, extra = '') {
  const run = await runDtrain(['run', job(name, slots, extra), '--json'], { home });
  assert.equal(run.code, 0, run.stderr + run.stdout.slice(-2000));
  const result = run.events.find((e) => e.type === 'result' && e.rank === 0)!.data as {
    model: string;
    rounds: number;
  };
  return { run, result };
}

test('train on 2 ranks, predict with dtrain and with the real XGBoost: same numbers', async (t) => {
  const home = tempDir();
  const { run, result } = await train('xgb2', 2, home);
  const progress = run.events.filter((e) => e.type === 'progress' && e.rank === 0);
  assert.equal(progress.length, 12);
  const last = progress.at(-1)!.metrics as Record<string, number>;
  assert.ok(last['valid-auc']! > 0.75, JSON.stringify(last));
  assert.ok(last['train-logloss']! < 0.6, JSON.stringify(last));
  assert.equal(result.rounds, 12);

  const out = join(dir, 'pred.csv');
  const p = await runDtrain(['predict', result.model, join(dir, 'valid.csv'), '--out', out], { home });
  assert.equal(p.code, 0, p.stderr);
  const text = readFileSync(out, 'utf8');
  assert.equal(text.split('\n')[0], 'row,label,prediction');
  const ours = predictions(text);
  assert.equal(ours.length, 1000);

  if (!needXgboost(t)) return;
  const theirs = runPython<number[]>(
    `import xgboost as xgb, numpy as np
m = np.genfromtxt(inp['data'], delimiter=',', skip_header=1, missing_values='', filling_values=np.nan)
b = xgb.Booster(model_file=inp['model'])
emit(b.predict(xgb.DMatrix(m[:, 1:], missing=np.nan, feature_names=b.feature_names)))`,
    { data: join(dir, 'valid.csv'), model: result.model },
  );
  assert.equal(theirs.length, ours.length);
  for (let i = 0; i < ours.length; i++)
    assert.ok(Math.abs(ours[i]! - theirs[i]!) <= 1e-5, `row ${i}: ${ours[i]} vs ${theirs[i]}`);
});

test('1, 2 and 4 ranks train the same model', async () => {
  const home = tempDir();
  const preds: number[][] = [];
  for (const slots of [1, 2, 4]) {
    const { result } = await train(`same${slots}`, slots, home);
    const p = await runDtrain(['predict', result.model, join(dir, 'valid.csv')], { home });
    assert.equal(p.code, 0, p.stderr);
    preds.push(predictions(p.stdout));
  }
  for (const other of preds.slice(1))
    for (let i = 0; i < other.length; i++) assert.ok(Math.abs(other[i]! - preds[0]![i]!) <= 1e-6, `row ${i}`);
});

test('checkpoints every N rounds, and --resume continues to the same model as one long run', async () => {
  const home = tempDir();
  const first = await train('ckpt', 2, home, 'checkpoint: {every: 4, keep: 2}\n');
  const ckptDir = join(first.result.model, '..', 'checkpoints');
  assert.deepEqual(readdirSync(ckptDir).sort(), ['round-000008.json', 'round-000012.json']);
  // num_boost_round is the total: raise it to 24, resume the 12-round run, compare with a straight 24.
  const more = job('ckpt', 2, 'checkpoint: {every: 4, keep: 2}\n');
  writeFileSync(more, readFileSync(more, 'utf8').replace('num_boost_round: 12', 'num_boost_round: 24'));
  const resumed = await runDtrain(['run', more, '--resume', 'ckpt', '--json'], { home });
  assert.equal(resumed.code, 0, resumed.stderr);
  const rr = resumed.events.find((e) => e.type === 'result')!.data as { model: string; rounds: number };
  assert.equal(rr.rounds, 24);
  const long = job('long', 2);
  writeFileSync(long, readFileSync(long, 'utf8').replace('num_boost_round: 12', 'num_boost_round: 24'));
  const l = await runDtrain(['run', long, '--json'], { home });
  assert.equal(l.code, 0, l.stderr);
  const lr = l.events.find((e) => e.type === 'result')!.data as { model: string };
  const a = await runDtrain(['predict', rr.model, join(dir, 'valid.csv')], { home });
  const b = await runDtrain(['predict', lr.model, join(dir, 'valid.csv')], { home });
  const pa = predictions(a.stdout);
  const pb = predictions(b.stdout);
  for (let i = 0; i < pa.length; i++)
    assert.ok(Math.abs(pa[i]! - pb[i]!) <= 1e-6, `row ${i}: ${pa[i]} vs ${pb[i]}`);
});

test('a corrupt CSV line, a missing label column and an unknown objective exit 2 with one line', async () => {
  const home = tempDir();
  const bad = join(dir, 'bad.csv');
  const lines = readFileSync(join(dir, 'train.csv'), 'utf8').split('\n');
  lines[1500] = lines[1500]!.replace(/,[^,]*$/, ',abc');
  writeFileSync(bad, lines.join('\n'));
  const badJob = writeJob(
    dir,
    'badcsv.yaml',
    readFileSync(job('badcsv', 2), 'utf8').replace('train: train.csv', 'train: bad.csv'),
  );
  const r1 = await runDtrain(['run', badJob], { home });
  assert.equal(r1.code, 2, r1.stdout);
  assert.match(r1.stdout, /^job failed after .*: rank \d on localhost failed: bad\.csv:1501: /m);

  const noLabel = writeJob(
    dir,
    'nolabel.yaml',
    readFileSync(job('nolabel', 1), 'utf8').replace('label: label', 'label: price'),
  );
  const r2 = await runDtrain(['run', noLabel], { home });
  assert.equal(r2.code, 2, r2.stdout);
  assert.match(r2.stdout, /train\.csv:1: label column "price" not found/);

  const badObj = writeJob(
    dir,
    'badobj.yaml',
    readFileSync(job('badobj', 1), 'utf8').replace('binary:logistic', 'binary:logistc'),
  );
  const r3 = await runDtrain(['run', badObj], { home });
  assert.equal(r3.code, 2);
  assert.match(
    r3.stderr,
    /badobj\.yaml:\d+:\d+ {2}params\.objective: unknown objective; did you mean `binary:logistic`\?/,
  );
});

test('restarts: a rank killed mid-run restarts the job from its latest checkpoint, which then completes', async () => {
  const home = tempDir();
  const file = job('restart', 2, 'checkpoint: {every: 5, keep: 2}\nrestarts: 1\n');
  writeFileSync(file, readFileSync(file, 'utf8').replace('num_boost_round: 12', 'num_boost_round: 400'));
  const run = startDtrain(['run', file, '--json'], { home });
  await run.waitFor((e) => e.type === 'progress' && e.rank === 0 && Number(e.step) >= 12, 60_000);
  const victim = run.events.find((e) => e.type === 'rank-start' && e.rank === 1)!;
  process.kill(Number(victim.pid), 'SIGKILL');
  const code = await run.exited;
  assert.equal(code, 0, run.stderr + run.stdout.slice(-2000));
  const restarting = run.events.find((e) => e.type === 'restarting');
  assert.ok(restarting, 'no restarting event');
  assert.ok(restarting.resumeFrom, 'the restart did not continue from a checkpoint');
  const starts = run.events.filter((e) => e.type === 'job-start');
  assert.equal(starts.length, 2);
  const second = run.events.slice(run.events.indexOf(starts[1]!));
  const firstStep = second.find((e) => e.type === 'progress' && e.rank === 0)!;
  assert.ok(Number(firstStep.step) > 5, `the restart began at round ${firstStep.step}`);
  const result = second.find((e) => e.type === 'result')!.data as { rounds: number };
  assert.equal(result.rounds, 400);
  const status = await runDtrain(['status', String(starts[0]!.jobId), '--json'], { home });
  assert.equal(JSON.parse(status.stdout).restartedAs, starts[1]!.jobId);
});
