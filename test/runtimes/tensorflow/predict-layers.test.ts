import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { predictFile } from '../../../runtimes/predict/index.js';
import { saveModel } from '../../../runtimes/tensorflow/model-io.js';
import { IDX_PIXEL_SCALE } from '../../../runtimes/tensorflow/pixels.js';
import { repoRoot } from '../../helpers/paths.js';
import { tempFiles } from '../data/temp-files.js';
import { cpuTf } from './tf-cpu.js';

const tf = await cpuTf();
const files = tempFiles();
const init = tf.layers.initializers.glorotUniform({ seed: 5 });

function lines(p: Awaited<ReturnType<typeof predictFile>>): string[] {
  return [p.header.join(','), ...Array.from({ length: p.rows }, (_, r) => p.line(r))];
}
const expected = (m: LayersModel, x: Tensor) => Array.from((m.predict(x) as Tensor).dataSync()).map(String);

// A tiny model trained a few steps, so its weights are not the initial ones.
const mlp = tf.layers.sequential({
  layers: [
    tf.layers.layers.dense({ units: 6, activation: 'relu', inputShape: [3], kernelInitializer: init }),
    tf.layers.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init }),
  ],
});
const rows = [
  [0.5, 1, -2],
  [3, 0.25, 1],
];
mlp.compile({ optimizer: tf.core.train.adam(0.1), loss: 'sparseCategoricalCrossentropy' });
await mlp.fit(tf.core.tensor2d(rows), tf.core.tensor1d([2, 0]), { epochs: 3, verbose: 0 });
const mlpDir = join(files.dir, 'mlp');
await saveModel(tf, mlp, mlpDir);

test('a tfjs model folder scores a CSV: the label column and one probability per class', async () => {
  const csv = files.file('rows.csv', 'a,b,label,c\n0.5,1,2,-2\n3,0.25,0,1\n');
  const want = expected(mlp, tf.core.tensor2d(rows));
  const got = lines(await predictFile(mlpDir, csv));
  assert.deepEqual(got, [
    'row,label,prob_0,prob_1,prob_2',
    `0,2,${want.slice(0, 3).join(',')}`,
    `1,0,${want.slice(3).join(',')}`,
  ]);
  // model.json itself names the model too; a CSV without a label column gives none.
  const bare = files.file('bare.csv', '0.5,1,-2\n3,0.25,1\n');
  assert.deepEqual(lines(await predictFile(join(mlpDir, 'model.json'), bare)), [
    'row,prob_0,prob_1,prob_2',
    `0,${want.slice(0, 3).join(',')}`,
    `1,${want.slice(3).join(',')}`,
  ]);
});

test('a folder without model.json, or a tfjs graph model, is refused with its name', async () => {
  const csv = files.file('one.csv', '1,2,3\n');
  await assert.rejects(predictFile(files.dir, csv), /a folder without model\.json/);
  const graph = files.file('graph.json', '{"modelTopology": {}, "format": "graph-model"}');
  await assert.rejects(
    predictFile(graph, csv),
    /a tfjs graph-model, but dtrain predicts with layers models only/,
  );
});

test('wrong widths and missing values are data errors', async () => {
  const wide = files.file('wide.csv', '1,2,3,4,5\n');
  await assert.rejects(predictFile(mlpDir, wide, { label: null }), /5 values per row, but the model takes 3/);
  const holes = files.file('holes.csv', '1,2,3\n4,,6\n');
  await assert.rejects(predictFile(mlpDir, holes), /row 1 has a missing value in column 1/);
});

function idx(type: 'images' | 'labels', dims: number[], data: number[]): Uint8Array {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt8(8, 2);
  head.writeUInt8(dims.length, 3);
  for (const [i, d] of dims.entries()) head.writeUInt32BE(d, 4 + 4 * i);
  const bytes = Buffer.concat([head, Buffer.from(data)]);
  return type === 'images' ? gzipSync(bytes) : bytes;
}

test('IDX images are scaled by 1/255 and reshaped to the input; labels come from the sibling file', async () => {
  const cnn = tf.layers.sequential({
    layers: [
      tf.layers.layers.reshape({ targetShape: [2, 2, 1], inputShape: [2, 2] }),
      tf.layers.layers.conv2d({ filters: 2, kernelSize: 2, kernelInitializer: init }),
      tf.layers.layers.flatten(),
      tf.layers.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init }),
    ],
  });
  const dir = join(files.dir, 'cnn');
  await saveModel(tf, cnn, dir);
  const pixels = [0, 255, 128, 3, 9, 200, 17, 64];
  const images = files.file('t10k-images-idx3-ubyte.gz', idx('images', [2, 2, 2], pixels));
  const want = expected(
    cnn,
    tf.core.tensor3d(
      pixels.map((p) => p * IDX_PIXEL_SCALE),
      [2, 2, 2],
    ),
  );
  assert.deepEqual(lines(await predictFile(dir, images)), ['row,prediction', `0,${want[0]}`, `1,${want[1]}`]);
  files.file('t10k-labels-idx1-ubyte', idx('labels', [2], [1, 0]));
  assert.deepEqual(lines(await predictFile(dir, images)), [
    'row,label,prediction',
    `0,1,${want[0]}`,
    `1,0,${want[1]}`,
  ]);
});

test('scoring a GBDT model never loads tfjs', () => {
  const entry = join(repoRoot, 'dist/runtimes/predict/index.js');
  const script = `import { createRequire } from 'node:module';
    await import(${JSON.stringify(entry)});
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('@tensorflow'));
    process.stdout.write(JSON.stringify(loaded));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(out, '[]');
});

test('the wasm backend scores the same model to float32 precision', async () => {
  const csv = files.file('w.csv', '0.5,1,-2\n3,0.25,1\n');
  const cpu = await predictFile(mlpDir, csv);
  const wasm = await predictFile(mlpDir, csv, { backend: 'wasm' });
  assert.equal(tf.core.getBackend(), 'wasm');
  for (let r = 0; r < 2; r++) {
    const [a, b] = [cpu.line(r).split(',').map(Number), wasm.line(r).split(',').map(Number)];
    for (const [i, v] of a.entries()) assert.ok(Math.abs(v - b[i]!) < 1e-6, `${v} vs ${b[i]}`);
  }
  await tf.core.setBackend('cpu');
});
