/**
 * `dtrain predict MODEL DATA`: score a CSV or LibSVM file with a trained model using our own
 * predictor. The model's format is recognised from its content: XGBoost JSON (`{`) or LightGBM text
 * (first line `tree`), or a tfjs LayersModel (a folder with model.json, or that file), which is
 * scored by runtimes/tensorflow/predict-layers.ts, imported only then so GBDT scoring never loads tfjs.
 */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { DtrainError } from '../../configs/errors.js';
import { type Dataset, readDataset } from '../data/index.js';
import {
  argmaxRows,
  fromLightgbmText,
  fromXgboostJson,
  type GbdtModel,
  lgbFeatures,
  outputsOf,
  predictParallel,
} from '../gbdt/index.js';
import { layersModelPath } from './layers-model-path.js';
import type { PredictFileOptions, Predictions } from './predict-contract.js';

export async function readModel(path: string, name = path): Promise<GbdtModel> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new DtrainError('E_MODEL', `cannot read model ${name}: ${(error as Error).message}`, {
      category: 'config',
    });
  }
  const lightgbm = /^\uFEFF?tree\r?(\n|$)/.test(text);
  if (!lightgbm && !text.trimStart().startsWith('{'))
    throw new DtrainError(
      'E_MODEL',
      `${name}: not a model dtrain can read (expected XGBoost JSON or LightGBM text)`,
      { category: 'config' },
    );
  const format = lightgbm ? 'LightGBM text' : 'XGBoost JSON';
  try {
    return lightgbm ? fromLightgbmText(text) : fromXgboostJson(text);
  } catch (error) {
    if (error instanceof DtrainError) throw error;
    throw new DtrainError('E_MODEL', `${name}: not a valid ${format} model: ${(error as Error).message}`, {
      category: 'config',
    });
  }
}

/** Header names of a label column when none is given (the CSV reader's default). */
const LABEL_NAMES = new Set(['label', 'target', 'y']);

/**
 * Reads the data to score for a model of `numFeature` inputs. Without a label option: when the
 * header names all the model's features, the label is the one other column (or the one named label,
 * target or y among several), found by name so that no column is taken for another; else a CSV file
 * with one column more than the model has inputs carries a label (found as the CSV reader finds it),
 * else none. Then a header that names other columns than a model with real feature names is
 * refused: which column is the label is a guess. `group` leaves a query column out.
 */
async function loadData(path: string, model: GbdtModel | number, o: PredictFileOptions): Promise<Dataset> {
  const numFeature = typeof model === 'number' ? model : model.numFeature;
  const name = o.dataName ?? path;
  if (o.format === 'idx')
    throw new DtrainError('E_DATA', `${name}: IDX input is for tfjs models`, {
      category: 'config',
    });
  const base = {
    ...(o.format ? { format: o.format } : {}),
    ...(o.group !== undefined ? { group: o.group } : {}),
    // LightGBM models compare LightGBM's reading of each value in double (lightgbm/inputs.ts).
    ...(typeof model !== 'number' && model.lightgbm !== undefined ? { keepDoubles: true } : {}),
    displayName: name,
  };
  const isLibsvm = (o.format ?? (path.endsWith('.csv') ? 'csv' : 'libsvm')) === 'libsvm';
  if (isLibsvm) return readDataset(path, { ...base, numFeatures: numFeature });
  const data = await readDataset(path, { ...base, label: o.label === undefined ? null : o.label });
  if (o.label !== undefined) return data;
  if (typeof model !== 'number') checkNames(name, data, model);
  if (typeof model !== 'number' && hasNames(data, model)) return withLabelByName(data, model);
  if (data.cols === numFeature + 1) return readDataset(path, base);
  return data;
}

/** A feature name as the model files keep it (LightGBM's model.txt turns blanks into '_'). */
const key = (name: string) => name.replace(/\s/g, '_');

/** Whether the names are the ones a trainer makes up for a file without a header. */
function madeUp(names: readonly string[]): boolean {
  return names.every((n, f) => n === `f${f}` || n === `Column_${f}`);
}

/** Whether the data's header (not the reader's default f0…) holds all the model's feature names. */
function hasNames(data: Dataset, model: GbdtModel): boolean {
  const names = model.featureNames;
  if (names === undefined || names.length !== model.numFeature) return false;
  if (data.featureNames.every((n, f) => n === `f${f}`)) return false;
  const have = new Set(data.featureNames.map(key));
  return names.every((n) => have.has(key(n)));
}

/**
 * Refuses data whose header names columns, but not all the model's (when the model's names are
 * real) and no label option says how to read it: matched by position, some other column (the label,
 * an id) could be read as a feature.
 */
function checkNames(name: string, data: Dataset, model: GbdtModel): void {
  const names = model.featureNames;
  if (names === undefined || names.length !== model.numFeature || madeUp(names)) return;
  if (data.featureNames.every((n, f) => n === `f${f}`) || hasNames(data, model)) return;
  const have = new Set(data.featureNames.map(key));
  const lacking = names.filter((n) => !have.has(key(n)));
  const shown = lacking.length > 5 ? `${lacking.slice(0, 5).join(', ')}, …` : lacking.join(', ');
  throw new DtrainError(
    'E_DATA',
    `${name}:1: the header lacks ${lacking.length} of the model's ${names.length} feature names (${shown}): name the columns as in training, or give --label (a column, or none) to score by position`,
    { category: 'config' },
  );
}

/** The data with its label taken from the one column that is not a model feature (see loadData). */
function withLabelByName(data: Dataset, model: GbdtModel): Dataset {
  const features = new Set(model.featureNames!.map(key));
  const others = data.featureNames.flatMap((n, i) => (features.has(key(n)) ? [] : [i]));
  const named = others.filter((i) => LABEL_NAMES.has(data.featureNames[i]!.toLowerCase()));
  const col = named.length === 1 ? named[0] : others.length === 1 ? others[0] : undefined;
  if (col === undefined) return data;
  const labels = new Float32Array(data.rows);
  for (let r = 0; r < data.rows; r++) labels[r] = data.features[r * data.cols + col]!;
  return { ...data, labels };
}

/**
 * The data with the model's feature columns only, in the model's order, when its header names them
 * all (extra columns — an id, a query column, the label — are left out); else the data itself.
 */
function byName(data: Dataset, model: GbdtModel): Dataset {
  if (!hasNames(data, model)) return data;
  const names = model.featureNames!;
  const at = new Map(data.featureNames.map((n, i) => [key(n), i]));
  const cols = names.map((n) => at.get(key(n))!);
  if (cols.length === data.cols && cols.every((c, i) => c === i)) return data;
  const k = cols.length;
  const features = new Float32Array(data.rows * k);
  // LightGBM's double reading of each value moves with its column (lightgbm/inputs.ts compares it).
  const from = data.doubles;
  const doubles = from === undefined ? undefined : new Float64Array(data.rows * k);
  for (let r = 0; r < data.rows; r++) {
    const src = r * data.cols;
    for (let j = 0; j < k; j++) {
      features[r * k + j] = data.features[src + cols[j]!]!;
      if (doubles !== undefined) doubles[r * k + j] = from![src + cols[j]!]!;
    }
  }
  const out = { rows: data.rows, cols: k, features, labels: data.labels, featureNames: [...names] };
  return doubles === undefined ? out : { ...out, doubles };
}

export async function predictFile(
  modelPath: string,
  dataPath: string,
  o: PredictFileOptions = {},
): Promise<Predictions> {
  const tfjs = await layersModelPath(modelPath, o.modelName);
  if (tfjs !== undefined) {
    const { predictLayers } = await import('../tensorflow/index.js');
    return predictLayers(tfjs, dataPath, o, (path, width) => loadData(path, width, o));
  }
  const model = await readModel(modelPath, o.modelName);
  const data = byName(await loadData(dataPath, model, o), model);
  if (data.cols > model.numFeature)
    throw new DtrainError(
      'E_DATA',
      `${o.dataName ?? dataPath}: ${data.cols} feature columns, but the model was trained on ${model.numFeature}`,
      { category: 'config' },
    );
  const values = await predictParallel(model, { ...data, features: lgbFeatures(model, data) });
  const k = outputsOf(model);
  const hasLabels = data.labels.some((v) => !Number.isNaN(v));
  const softmax = model.objective === 'multi:softmax';
  const classes = softmax ? argmaxRows(values, data.rows, k) : undefined;
  const outCols = k > 1 && !softmax ? Array.from({ length: k }, (_, c) => `prob_${c}`) : ['prediction'];
  const header = ['row', ...(hasLabels ? ['label'] : []), ...outCols];
  return {
    header,
    rows: data.rows,
    line(r) {
      const cells = [String(r)];
      if (hasLabels) cells.push(String(data.labels[r]));
      if (classes) cells.push(String(classes[r]));
      else for (let c = 0; c < k; c++) cells.push(String(values[r * k + c]));
      return cells.join(',');
    },
  };
}

/** Writes predictions as CSV to a file or a stream. */
export async function writePredictions(p: Predictions, out: NodeJS.WritableStream | string): Promise<void> {
  const stream: NodeJS.WritableStream = typeof out === 'string' ? createWriteStream(out) : out;
  const write = (s: string) =>
    stream.write(s) ? Promise.resolve() : new Promise<void>((r) => stream.once('drain', () => r()));
  await write(`${p.header.join(',')}\n`);
  let chunk = '';
  for (let r = 0; r < p.rows; r++) {
    chunk += `${p.line(r)}\n`;
    if (chunk.length > 1 << 16) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  if (typeof out === 'string') await new Promise<void>((r, j) => stream.end((e?: Error) => (e ? j(e) : r())));
}
