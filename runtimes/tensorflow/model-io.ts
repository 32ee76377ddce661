/**
 * Saving and loading a LayersModel as a folder in the tfjs `layers-model` format (model.json +
 * weights.bin, readable by tfjs-node's `file://` and the converter), with the optimizer's state next
 * to it (optimizer.json + optimizer.bin) so a restart continues training where it stopped. Plain tfjs
 * in Node registers no `file://` handler, so the files are written here (notes/tensorflow.md §5f).
 * The folder is replaced atomically (atomic-dir.ts).
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { io, Optimizer } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { DtrainError } from '../../configs/errors.js';
import { currentDir, type DirFile, replaceDir } from '../../configs/atomic-dir.js';
import type { Tf } from './tf-api.js';

/** The file whose presence marks a complete model folder (written last). */
export const MODEL_JSON = 'model.json';
// tfjs-core does not export NamedTensor from its index.
type NamedTensor = Awaited<ReturnType<Optimizer['getWeights']>>[number];

const WEIGHTS_BIN = 'weights.bin';
const OPTIMIZER_JSON = 'optimizer.json';
const OPTIMIZER_BIN = 'optimizer.bin';

/** optimizer.json: what restores an optimizer's slots (Adam's moments, the step count, …). */
export interface OptimizerFile {
  readonly className: string;
  readonly config: unknown;
  readonly iterations: number;
  readonly weightsManifest: io.WeightsManifestConfig;
}

export interface SaveModelOptions {
  /** Save `optimizer` (default: the compiled model's own optimizer) as optimizer.json/.bin. */
  readonly includeOptimizer?: boolean;
  /** The optimizer a custom training loop applies gradients with; implies includeOptimizer. */
  readonly optimizer?: Optimizer;
}

const bytes = (data: io.WeightData): Uint8Array =>
  Array.isArray(data) ? Buffer.concat(data.map((b) => new Uint8Array(b))) : new Uint8Array(data);

/** Writes `model` (and optionally its optimizer's state) as the folder `dir`, replacing it whole. */
export async function saveModel(
  tf: Tf,
  model: LayersModel,
  dir: string,
  opts: SaveModelOptions = {},
): Promise<void> {
  let artifacts: io.ModelArtifacts | undefined;
  await model.save(
    tf.core.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (artifacts === undefined) throw new Error('saveModel: tfjs called no save handler');
  const modelJson: io.ModelJSON = {
    modelTopology: artifacts.modelTopology as object,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.layers.version_layers}`,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
    ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
    ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
  };
  const files: DirFile[] = [{ name: WEIGHTS_BIN, data: bytes(artifacts.weightData ?? new ArrayBuffer(0)) }];
  const optimizer = opts.optimizer ?? (opts.includeOptimizer ? model.optimizer : undefined);
  if (optimizer !== undefined) files.push(...(await optimizerFiles(tf, optimizer)));
  files.push({ name: MODEL_JSON, data: JSON.stringify(modelJson) });
  await replaceDir(dir, files);
}

async function optimizerFiles(tf: Tf, optimizer: Optimizer): Promise<DirFile[]> {
  const weights: NamedTensor[] = await optimizer.getWeights();
  const { data, specs } = await tf.core.io.encodeWeights(weights);
  // `iter` is a scalar made for this call; the other tensors are the optimizer's own variables.
  tf.core.dispose(weights.filter((w) => w.name === 'iter').map((w) => w.tensor));
  const meta: OptimizerFile = {
    className: optimizer.getClassName(),
    config: optimizer.getConfig(),
    iterations: optimizer.iterations,
    weightsManifest: [{ paths: [OPTIMIZER_BIN], weights: specs }],
  };
  return [
    { name: OPTIMIZER_BIN, data: new Uint8Array(data) },
    { name: OPTIMIZER_JSON, data: JSON.stringify(meta) },
  ];
}

const loadError = (message: string, cause?: unknown) =>
  new DtrainError('E_MODEL', message, { category: 'config', ...(cause === undefined ? {} : { cause }) });

/** The folder and model file `path` names: a model folder (see atomic-dir.ts), or a .json file in one. */
function modelFiles(path: string): { folder: string; json: string } {
  if (path.endsWith('.json') && existsSync(path)) return { folder: dirname(path), json: basename(path) };
  const folder = currentDir(path, MODEL_JSON);
  if (folder === undefined) throw loadError(`${path}: no ${MODEL_JSON} (not a saved tfjs model)`);
  return { folder, json: MODEL_JSON };
}

/** The artifacts of the model at `path` (folder or model.json), with every weight shard in order. */
export async function readArtifacts(tf: Tf, path: string): Promise<io.ModelArtifacts> {
  const { folder, json: file } = modelFiles(path);
  let json: io.ModelJSON;
  try {
    json = JSON.parse(await readFile(join(folder, file), 'utf8')) as io.ModelJSON;
  } catch (error) {
    throw loadError(`${join(folder, file)}: ${(error as Error).message}`, error);
  }
  const manifest = json.weightsManifest ?? [];
  const shards = await Promise.all(
    manifest.flatMap((group) => group.paths.map((p) => readFile(join(folder, p)))),
  );
  const data = Buffer.concat(shards);
  const weightData = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  return tf.core.io.getModelArtifactsForJSONSync(json, tf.core.io.getWeightSpecs(manifest), weightData);
}

/**
 * Loads the model saved in `path`, a folder or its model.json (by saveModel, tfjs-node or the
 * converter's layers format).
 */
export async function loadModel(tf: Tf, path: string): Promise<LayersModel> {
  const artifacts = await readArtifacts(tf, path);
  return tf.layers.loadLayersModel(tf.core.io.fromMemory(artifacts));
}

/**
 * Restores the state saveModel stored for an optimizer into `optimizer`, which must be of the same
 * class and not yet have stepped. Returns false when `dir` holds no optimizer state.
 */
export async function loadOptimizerState(tf: Tf, optimizer: Optimizer, dir: string): Promise<boolean> {
  const { folder } = modelFiles(dir);
  let meta: OptimizerFile;
  try {
    meta = JSON.parse(await readFile(join(folder, OPTIMIZER_JSON), 'utf8')) as OptimizerFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw loadError(`${dir}/${OPTIMIZER_JSON}: ${(error as Error).message}`, error);
  }
  if (meta.className !== optimizer.getClassName())
    throw loadError(
      `${dir}: the saved optimizer state is ${meta.className}'s, not ${optimizer.getClassName()}'s; ` +
        'start without it or keep the optimizer the checkpoint was made with',
    );
  const specs = tf.core.io.getWeightSpecs(meta.weightsManifest);
  const data = await readFile(join(folder, OPTIMIZER_BIN));
  const map = tf.core.io.decodeWeights(
    data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
    specs,
  );
  // setWeights matches slots by position, so keep the order getWeights gave.
  const weights = specs.map((s): NamedTensor => ({ name: s.name, tensor: map[s.name]! }));
  await optimizer.setWeights(weights);
  tf.core.dispose(weights.map((w) => w.tensor));
  return true;
}
