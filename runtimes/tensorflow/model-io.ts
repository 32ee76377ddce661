// TEMPORARY stand-in until the tf-model branch lands (same exported API).
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Optimizer } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Tf } from './tf-api.js';

export async function saveModel(
  tf: Tf,
  model: LayersModel,
  dir: string,
  _opts?: { includeOptimizer?: boolean },
): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  mkdirSync(tmp, { recursive: true });
  await model.save(
    tf.core.io.withSaveHandler(async (a) => {
      const data = Array.isArray(a.weightData)
        ? Buffer.concat(a.weightData.map((b) => Buffer.from(b)))
        : Buffer.from(a.weightData as ArrayBuffer);
      writeFileSync(join(tmp, 'weights.bin'), data);
      writeFileSync(
        join(tmp, 'model.json'),
        JSON.stringify({
          modelTopology: a.modelTopology,
          format: 'layers-model',
          generatedBy: 'dtrain',
          convertedBy: null,
          weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
        }),
      );
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
}
export async function loadModel(tf: Tf, dir: string): Promise<LayersModel> {
  const j = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const w = readFileSync(join(dir, 'weights.bin'));
  return tf.layers.loadLayersModel(
    tf.core.io.fromMemory({
      modelTopology: j.modelTopology,
      weightSpecs: j.weightsManifest[0].weights,
      weightData: w.buffer.slice(w.byteOffset, w.byteOffset + w.length),
    }),
  );
}
export async function loadOptimizerState(_tf: Tf, _optimizer: Optimizer, _dir: string): Promise<boolean> {
  return false;
}
