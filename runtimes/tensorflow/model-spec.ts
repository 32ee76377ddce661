// TEMPORARY stand-in until the tf-model branch lands (same exported API).
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Tf } from './tf-api.js';

export async function buildModel(
  tf: Tf,
  model: Readonly<Record<string, unknown>>,
  io: { inputShape: number[]; outputs: number },
  baseDir: string,
): Promise<LayersModel> {
  if (typeof model['module'] === 'string') {
    const { pathToFileURL } = await import('node:url');
    const { resolve } = await import('node:path');
    const mod = await import(pathToFileURL(resolve(baseDir, model['module'])).href);
    return (mod.default ?? mod.buildModel)(tf, io);
  }
  const layers = model['layers'] as Record<string, Record<string, unknown>>[];
  const seq = tf.layers.sequential();
  layers.forEach((entry, i) => {
    const [name, args] = Object.entries(entry)[0]!;
    const make = (tf.layers.layers as unknown as Record<string, (a: unknown) => never>)[name]!;
    seq.add(make(i === 0 ? { inputShape: io.inputShape, ...args } : args));
  });
  return seq;
}

export function compileOptions(tf: Tf, params: Readonly<Record<string, unknown>>) {
  const lr = params['learning_rate'] as number | undefined;
  const name = (params['optimizer'] as string | undefined) ?? 'adam';
  const optimizer = name === 'sgd' ? tf.core.train.sgd(lr ?? 0.01) : tf.core.train.adam(lr ?? 0.001);
  return {
    optimizer,
    loss: (params['loss'] as string | undefined) ?? 'categoricalCrossentropy',
    metrics: (params['metrics'] as string[] | undefined) ?? [],
  };
}
