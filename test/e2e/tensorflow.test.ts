/**
 * The tensorflow framework end to end through the binary, on the wasm backend and real Fashion-MNIST
 * images: 2-rank synchronous and parameter-server MLPs reach the accuracy the issue asks for, 2 ranks
 * × batch B equal 1 rank × batch 2B, the script-mode example runs, and the backend event tells which
 * engine computes and why. One file, so its long jobs run one after another.
 */
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO, runDtrain, startDtrain, tempDir } from '../helpers/dtrain-process.js';
import { eventually, processesOfJob } from '../helpers/processes.js';
import { fashionSubset, needFashionMnist } from '../helpers/fashion-mnist.js';

/** configs/examples/tensorflow-local.yaml (sync) or the same job with `parallelism: async`. */
function mlpJob(parallelism: 'data' | 'async', dir: string): string {
  const example = readFileSync(join(REPO, 'configs', 'examples', 'tensorflow-local.yaml'), 'utf8');
  const path = join(dir, `mlp-${parallelism}.yaml`);
  writeFileSync(path, example.replace('parallelism: data', `parallelism: ${parallelism}`));
  return path;
}

type Result = { model: string; modelFiles: string[]; epochs: number; metrics: Record<string, number> };

const accuracy: Record<string, number> = {};

for (const mode of ['data', 'async'] as const) {
  test(`Fashion-MNIST MLP, 2 ranks, ${mode === 'data' ? 'sync all-reduce' : 'parameter server'}: ≥ 85% test accuracy on wasm`, async (t) => {
    if (!needFashionMnist(t)) return;
    const home = tempDir();
    const job = mlpJob(mode, tempDir('dtrain-tf-'));
    // Also the regression check for the start-up deadline, which once fired in the middle of long jobs.
    const run = await runDtrain(['run', job, '--json'], { home, env: { DTRAIN_STARTUP_TIMEOUT: '15' } });
    assert.equal(run.code, 0, run.stderr + run.stdout.slice(-3000));
    const backends = run.events.filter((e) => e.type === 'backend');
    assert.equal(backends.length, 2);
    for (const b of backends) assert.equal(b.name, 'wasm', JSON.stringify(b));
    const progress = run.events.filter((e) => e.type === 'progress' && e.rank === 0);
    assert.ok(progress.length > 10);
    assert.equal(progress.at(-1)!.unit, 'step');
    const result = run.events.find((e) => e.type === 'result' && e.rank === 0)!.data as Result;
    const acc = result.metrics['test-accuracy']!;
    accuracy[mode] = acc;
    assert.ok(acc >= 0.85, `test accuracy ${acc}`);
    const manifest = JSON.parse(readFileSync(result.model, 'utf8')) as {
      format: string;
      weightsManifest: unknown[];
    };
    assert.equal(manifest.format, 'layers-model');
    assert.equal(result.modelFiles.length, 2);
    if (mode === 'async') {
      const a = accuracy['data'];
      if (a !== undefined) assert.ok(acc >= a - 0.01, `async ${acc} vs sync ${a}: more than 1 point apart`);
      assert.ok(run.events.some((e) => e.type === 'log' && /updates applied/.test(String(e.line))));
    }
  });
}

test('Fashion-MNIST CNN, 2 ranks, sync: ≥ 88% test accuracy on wasm (configs/examples/tensorflow-cnn-local.yaml)', async (t) => {
  if (!needFashionMnist(t)) return;
  const job = join(REPO, 'configs', 'examples', 'tensorflow-cnn-local.yaml');
  const out = tempDir('dtrain-tf-cnn-');
  const copy = join(out, 'cnn.yaml');
  writeFileSync(copy, readFileSync(job, 'utf8'));
  const run = await runDtrain(['run', copy, '--json'], { home: tempDir() });
  assert.equal(run.code, 0, run.stderr + run.stdout.slice(-3000));
  assert.ok(run.events.filter((e) => e.type === 'backend').every((e) => e.name === 'wasm'));
  const result = run.events.find((e) => e.type === 'result' && e.rank === 0)!.data as Result;
  const acc = result.metrics['test-accuracy']!;
  assert.ok(acc >= 0.88, `test accuracy ${acc}`);
});

/** A model builder with seeded initializers, so every run starts from the same weights. */
const SEEDED_MODEL = `export default function build(tf, { inputShape, outputs }) {
  const init = (seed) => tf.layers.initializers.glorotUniform({ seed });
  const m = tf.layers.sequential();
  m.add(tf.layers.layers.dense({ units: 16, activation: 'tanh', inputShape, kernelInitializer: init(1) }));
  m.add(tf.layers.layers.dense({ units: outputs, activation: 'softmax', kernelInitializer: init(2) }));
  return m;
}
`;

test('sync equivalence: 2 ranks × batch 8 give the weights of 1 rank × batch 16 after 20 steps (1e-5); fp16 on the wire stays close; 2 pipeline stages equal 1 rank', async () => {
  const dir = tempDir('dtrain-tf-eq-');
  writeFileSync(join(dir, 'model.js'), SEEDED_MODEL);
  const lines = ['a,b,c,d,label'];
  let s = 12345;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  for (let i = 0; i < 320; i++) {
    const x = [rnd(), rnd(), rnd(), rnd()];
    const label = x[0]! + x[1]! > 1 ? (x[2]! > 0.5 ? 2 : 1) : 0;
    lines.push(`${x.map((v) => v.toFixed(4)).join(',')},${label}`);
  }
  writeFileSync(join(dir, 'train.csv'), `${lines.join('\n')}\n`);
  const weights: Float32Array[] = [];
  for (const [ranks, batch, fp16, pipeline] of [
    [1, 16, false, false],
    [2, 8, false, false],
    [2, 8, true, false],
    [2, 16, false, true],
  ] as const) {
    const job = join(dir, `eq-${ranks}-${fp16}-${pipeline}.yaml`);
    writeFileSync(
      job,
      `name: eq-${ranks}${pipeline ? '-pipeline' : ''}
framework: tensorflow
${pipeline ? 'parallelism: model\npipeline: {stages: 2, micro_batches: 4}\n' : ''}hosts:
  - address: localhost
    slots: ${ranks}
data: {train: train.csv, label: label}
model: {module: ./model.js}
params: {optimizer: sgd, learning_rate: 0.5, loss: categoricalCrossentropy, epochs: 1, batch_size: ${batch}, seed: 3, backend: cpu, fp16_allreduce: ${fp16}}
`,
    );
    const run = await runDtrain(['run', job, '--json'], { home: tempDir() });
    assert.equal(run.code, 0, run.stderr + run.stdout.slice(-3000));
    const steps = run.events.filter((e) => e.type === 'progress' && e.rank === 0).at(-1)!;
    assert.equal(steps.total, 20);
    const result = run.events.find((e) => e.type === 'result' && e.rank === 0)!.data as Result;
    if (ranks === 2) {
      // The model the job wrote scores a file through `dtrain predict` (tfjs LayersModel reader).
      const p = await runDtrain(['predict', result.model, join(dir, 'train.csv')], { home: tempDir() });
      assert.equal(p.code, 0, p.stderr);
      const out = p.stdout.trim().split('\n');
      assert.equal(out.length, 321);
      assert.match(out[0]!, /prob_0,prob_1,prob_2/);
    }
    const bin = readFileSync(join(result.model, '..', 'weights.bin'));
    weights.push(new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length)));
  }
  const [one, two, half, piped] = weights as [Float32Array, Float32Array, Float32Array, Float32Array];
  // parallelism: model — 2 stages × 4 micro-batches of 16 equal one full-batch step of the model.
  let stageGap = 0;
  for (let i = 0; i < one.length; i++) stageGap = Math.max(stageGap, Math.abs(one[i]! - piped[i]!));
  assert.ok(stageGap <= 1e-5, `pipeline weights differ by ${stageGap}`);
  assert.equal(one.length, two.length);
  let worst = 0;
  for (let i = 0; i < one.length; i++) worst = Math.max(worst, Math.abs(one[i]! - two[i]!));
  assert.ok(worst <= 1e-5, `largest weight difference ${worst}`);
  // fp16_allreduce: gradients rounded to halves on the wire; close to, not equal to, float32.
  let drift = 0;
  for (let i = 0; i < one.length; i++) drift = Math.max(drift, Math.abs(half[i]! - two[i]!));
  assert.ok(drift > 0 && drift < 1e-2, `fp16 weights drift ${drift} from float32`);
});

test('checkpoints every epoch, and --resume (model and adam state) ends where one straight run ends', async () => {
  const dir = tempDir('dtrain-tf-resume-');
  writeFileSync(join(dir, 'model.js'), SEEDED_MODEL);
  const rows = ['a,b,label'];
  for (let i = 0; i < 96; i++) rows.push(`${(i % 7) / 7},${(i % 5) / 5},${(i % 7) + (i % 5) > 5 ? 1 : 0}`);
  writeFileSync(join(dir, 'train.csv'), `${rows.join('\n')}\n`);
  const job = (name: string, epochs: number) => {
    const p = join(dir, `${name}.yaml`);
    writeFileSync(
      p,
      `name: ${name}
framework: tensorflow
hosts:
  - address: localhost
    slots: 2
data: {train: train.csv, label: label}
model: {module: ./model.js}
params: {optimizer: adam, learning_rate: 0.05, loss: categoricalCrossentropy, epochs: ${epochs}, batch_size: 8, backend: cpu}
checkpoint: {every: 1, keep: 2}
`,
    );
    return p;
  };
  const home = tempDir();
  const weightsOf = (run: { events: Record<string, unknown>[] }) => {
    const result = run.events.find((e) => e.type === 'result' && e.rank === 0)!.data as Result;
    const bin = readFileSync(join(result.model, '..', 'weights.bin'));
    return { result, w: new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length)) };
  };
  const straight = await runDtrain(['run', job('straight', 4), '--json'], { home });
  assert.equal(straight.code, 0, straight.stderr + straight.stdout.slice(-2000));
  const first = await runDtrain(['run', job('part', 2), '--json'], { home });
  assert.equal(first.code, 0, first.stderr + first.stdout.slice(-2000));
  const ckpts = join(weightsOf(first).result.model, '..', '..', 'checkpoints');
  assert.deepEqual(readdirSync(ckpts).sort(), ['epoch-0001', 'epoch-0002']);
  assert.ok(readdirSync(join(ckpts, 'epoch-0002')).includes('optimizer.bin'));
  const jobId = String(first.events.find((e) => e.type === 'job-start')!.jobId);
  const resumed = await runDtrain(['run', job('part', 4), '--resume', jobId, '--json'], { home });
  assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout.slice(-2000));
  assert.ok(
    resumed.events.some(
      (e) => e.type === 'log' && /resuming from .*epoch-0002 after epoch 2 of 4/.test(String(e.line)),
    ),
  );
  const a = weightsOf(straight).w;
  const b = weightsOf(resumed).w;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  assert.ok(worst <= 1e-6, `resumed weights differ from the straight run by ${worst}`);
});

test('script mode: the example runs on 2 ranks and differs from the single-process script in ≤ 10 added lines', async (t) => {
  if (!needFashionMnist(t)) return;
  const dir = tempDir('dtrain-tf-script-');
  const example = join(REPO, 'configs', 'examples', 'tensorflow-script');
  cpSync(example, dir, { recursive: true });
  const images = fashionSubset(dir, 6000, 1000);
  const jobText = readFileSync(join(dir, 'job.yaml'), 'utf8').replace(/train: \S+/, `train: ${images.train}`);
  writeFileSync(join(dir, 'job.yaml'), jobText);
  const run = await runDtrain(['run', join(dir, 'job.yaml'), '--json'], { home: tempDir() });
  assert.equal(run.code, 0, run.stderr + run.stdout.slice(-3000));
  const epochs = run.events.filter((e) => e.type === 'log' && /epoch 2: loss=/.test(String(e.line)));
  assert.equal(epochs.length, 2, 'both ranks finish epoch 2');
  const result = run.events.find((e) => e.type === 'result' && e.rank === 0)!.data as Result;
  assert.match(result.model, /model\.json$/);
  const single = readFileSync(join(example, 'train-single.js'), 'utf8').split('\n');
  const dist = readFileSync(join(example, 'train.js'), 'utf8').split('\n');
  const added = dist.filter((l) => !single.includes(l));
  assert.ok(added.length <= 10, `added or changed lines:\n${added.join('\n')}`);
});

test('a named backend that cannot load fails the job naming it; auto falls back and says why', async () => {
  const dir = tempDir('dtrain-tf-be-');
  writeFileSync(join(dir, 'train.csv'), 'a,label\n0,0\n1,1\n0,0\n1,1\n');
  const job = (backend: string) => {
    const p = join(dir, `be-${backend}.yaml`);
    writeFileSync(
      p,
      `name: be-${backend}
framework: tensorflow
hosts:
  - address: localhost
    gpus: 1
data: {train: train.csv, label: label}
model:
  layers:
    - dense: {units: 1, activation: sigmoid}
params: {loss: binaryCrossentropy, epochs: 1, batch_size: 2, backend: ${backend}}
`,
    );
    return p;
  };
  const auto = await runDtrain(['run', job('auto'), '--json'], { home: tempDir() });
  assert.equal(auto.code, 0, auto.stderr + auto.stdout.slice(-2000));
  const ev = auto.events.find((e) => e.type === 'backend')!;
  assert.equal(ev.name, 'wasm');
  assert.match(String(ev.reason), /tfjs-node-gpu/);
  assert.match(String(ev.reason), /tfjs-node\b/);
  const node = await runDtrain(['run', job('node'), '--json'], { home: tempDir() });
  assert.notEqual(node.code, 0);
  const end = node.events.find((e) => e.type === 'job-end')!;
  assert.match(String(end.error), /tfjs-node/);
});

test('SIGKILL of a rank mid-training (sync and script mode) ends the job naming it; no process of the job remains', async () => {
  const dir = tempDir('dtrain-tf-kill-');
  writeFileSync(
    join(dir, 'train.csv'),
    `a,b,label\n${Array.from({ length: 2000 }, (_, i) => `${i % 3},${i % 5},${i % 2}`).join('\n')}\n`,
  );
  writeFileSync(
    join(dir, 'loop.js'),
    `export default async function main(dt) {
  const tf = dt.tf;
  const { x, y } = dt.data.train;
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, activation: 'relu', inputShape: [2] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
  model.compile({ optimizer: dt.distributedOptimizer(tf.train.sgd(0.1)), loss: 'binaryCrossentropy' });
  await model.fit(x, y, { epochs: 100000, batchSize: 4, callbacks: dt.callbacks() });
}
`,
  );
  for (const model of ['layers: [{dense: {units: 1, activation: sigmoid}}]', 'script: ./loop.js']) {
    const job = join(dir, 'kill.yaml');
    writeFileSync(
      job,
      `name: kill
framework: tensorflow
hosts:
  - address: localhost
    slots: 2
data: {train: train.csv, label: label}
model: {${model}}
params: {loss: binaryCrossentropy, epochs: 100000, batch_size: 4, backend: cpu}
network: {heartbeat_interval: 0.5, heartbeat_timeout: 3}
`,
    );
    const run = startDtrain(['run', job, '--json'], { home: tempDir() });
    await run.waitFor((e) => e.type === 'progress' && e.rank === 0, 60_000);
    const pid = Number(run.events.find((e) => e.type === 'rank-start' && e.rank === 1)!.pid);
    const jobId = String(run.events[0]!.jobId);
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    const code = await run.exited;
    assert.equal(code, 1, model);
    assert.ok(Date.now() - killedAt < 8000, `${model}: took ${Date.now() - killedAt} ms`);
    const end = run.events.find((e) => e.type === 'job-end')!;
    assert.match(String(end.error), /^rank 1 on localhost was killed by SIGKILL/);
    assert.ok(
      await eventually(() => processesOfJob(jobId).length === 0, 3000),
      `${model}: ${processesOfJob(jobId)}`,
    );
  }
});
