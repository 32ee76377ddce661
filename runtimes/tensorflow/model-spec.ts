/**
 * The job file's `model:` block → a tfjs LayersModel: `layers:` entries built as a sequential model,
 * or a user module that builds one. Names were checked when the job file was parsed
 * (configs/check-tensorflow.ts, from the same lists), so an unknown name here is an internal error.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { DtrainError } from '../../configs/errors.js';
import { camelArg, canonicalLayer } from '../../configs/params/index.js';
import type { Tf } from './tf-api.js';

/** The job file's `model:` block as written: exactly one of `layers`, `module`, `script`. */
export type ModelBlock = Readonly<Record<string, unknown>>;

/** What the data says about the model's ends: one sample's shape, and the width of the last layer. */
export interface ModelIO {
  /** One sample's shape without the batch dimension, e.g. [28, 28] or [784] or [numFeatures]. */
  readonly inputShape: readonly number[];
  /** The last layer's width the loss expects: classes (softmax), 1 (sigmoid or one regression target). */
  readonly outputs: number;
  /** Draw `layers:` models' random initial weights from this seed (the job's `seed`). */
  readonly seed?: number;
}

/** What a `model: {module: ./model.js}` module exports (default or `buildModel`). */
export type ModelBuilder = (
  tf: Tf,
  io: { inputShape: number[]; outputs: number },
) => LayersModel | Promise<LayersModel>;

type LayerFactory = (args: Record<string, unknown>) => ReturnType<Tf['layers']['layers']['dense']>;

const modelError = (message: string, cause?: unknown) =>
  new DtrainError('E_MODEL', message, { category: 'config', ...(cause === undefined ? {} : { cause }) });

/**
 * Builds the model the `model:` block describes, uncompiled. `baseDir` resolves a relative `module:`
 * (the job file's folder). The model's output width must equal `io.outputs`: nothing is appended,
 * because the user's layers are the model. `script:` jobs build their own model and are refused here.
 */
export async function buildModel(
  tf: Tf,
  model: ModelBlock,
  io: ModelIO,
  baseDir: string,
): Promise<LayersModel> {
  let built: LayersModel;
  if (Array.isArray(model['layers'])) built = fromLayers(tf, model['layers'], io);
  else if (typeof model['module'] === 'string') built = await fromModule(tf, model['module'], io, baseDir);
  else throw modelError('model: only `layers:` and `module:` build a model; a `script:` builds its own');
  const width = built.outputs[0]?.shape.at(-1);
  if (built.outputs.length !== 1 || width !== io.outputs) {
    throw modelError(
      `model: the last layer gives ${width ?? '?'} outputs but the data needs ${io.outputs}` +
        `; set the last layer's units to ${io.outputs}`,
    );
  }
  return built;
}

function fromLayers(tf: Tf, entries: readonly unknown[], io: ModelIO): LayersModel {
  const factories = tf.layers.layers as unknown as Readonly<Record<string, LayerFactory>>;
  const layers = entries.map((entry, i) => {
    const [[written, settings] = ['', null]] = Object.entries(entry as Record<string, unknown>);
    const name = canonicalLayer(written);
    const factory = name === undefined ? undefined : factories[name];
    if (factory === undefined) throw modelError(`model.layers.${i}: unknown layer \`${written}\``);
    const args = layerArgs((settings ?? {}) as Record<string, unknown>);
    if (io.seed !== undefined) seedInitializers(tf, name!, args, io.seed * 7919 + i);
    const hasInput = ['inputShape', 'batchInputShape', 'inputDim'].some((k) => args[k] !== undefined);
    if (i === 0 && !hasInput) args['inputShape'] = [...io.inputShape];
    try {
      return factory(args);
    } catch (error) {
      throw modelError(`model.layers.${i} (${written}): ${(error as Error).message}`, error);
    }
  });
  return tf.layers.sequential({ layers });
}

/** The random initializers a layer uses by default, by argument, with tfjs' default for each. */
const RANDOM_INIT: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  dense: { kernelInitializer: 'glorotUniform' },
  conv2d: { kernelInitializer: 'glorotUniform' },
  embedding: { embeddingsInitializer: 'randomUniform' },
  lstm: { kernelInitializer: 'glorotUniform', recurrentInitializer: 'orthogonal' },
};

/**
 * With a seed, a layer's random initial weights are drawn from that seed (its written initializer
 * or tfjs' default), so the same job starts from the same weights every run.
 */
function seedInitializers(tf: Tf, layer: string, args: Record<string, unknown>, seed: number): void {
  const factories = tf.layers.initializers as unknown as Readonly<Record<string, (c: object) => unknown>>;
  for (const [arg, fallback] of Object.entries(RANDOM_INIT[layer] ?? {})) {
    const written = args[arg];
    if (written !== undefined && typeof written !== 'string') continue;
    const make = factories[written ?? fallback];
    if (!make) continue;
    const config =
      (written ?? fallback) === 'randomUniform' ? { minval: -0.05, maxval: 0.05, seed } : { seed };
    args[arg] = make(config);
  }
}

// Keras spellings of values that tfjs names in camelCase (`glorot_uniform`, `hard_sigmoid`).
function layerArgs(settings: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    const name = camelArg(key);
    if (typeof value !== 'string') args[name] = value;
    else if (name.endsWith('Initializer')) args[name] = camelArg(value).replace(/^lecun/, 'leCun');
    else if (/^(recurrentA|a)ctivation$/.test(name))
      args[name] = value === 'hard_sigmoid' ? 'hardSigmoid' : value;
    else args[name] = value;
  }
  return args;
}

async function fromModule(tf: Tf, path: string, io: ModelIO, baseDir: string): Promise<LayersModel> {
  const file = isAbsolute(path) ? path : resolve(baseDir, path);
  let mod: { default?: unknown; buildModel?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as typeof mod;
  } catch (error) {
    throw modelError(`model.module: cannot load ${path}: ${(error as Error).message}`, error);
  }
  const build = typeof mod.default === 'function' ? mod.default : mod.buildModel;
  if (typeof build !== 'function')
    throw modelError(`model.module: ${path} exports no function (default export or \`buildModel\`)`);
  const model: unknown = await (build as ModelBuilder)(tf, {
    inputShape: [...io.inputShape],
    outputs: io.outputs,
  });
  if (!(model instanceof tf.layers.LayersModel))
    throw modelError(
      `model.module: ${path} must return a LayersModel built with the \`tf\` it is given (its first argument)`,
    );
  return model;
}
