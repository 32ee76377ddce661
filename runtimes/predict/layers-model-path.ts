/**
 * Whether a model path names a tfjs LayersModel, found without loading tfjs: a folder holding
 * model.json (as saveModel writes it, including one caught mid-replace), or a model.json file whose
 * `format` is `layers-model`. Anything else goes to the GBDT readers.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { DtrainError } from '../../configs/errors.js';
import { currentDir } from '../../configs/atomic-dir.js';

const MODEL_JSON = 'model.json';

/** `path` when it names a tfjs layers model (a folder or its model.json), else undefined. */
export async function layersModelPath(path: string, name = path): Promise<string | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) return undefined;
  if (info.isDirectory()) {
    if (currentDir(path, MODEL_JSON) !== undefined) return path;
    throw new DtrainError('E_MODEL', `${name}: a folder without ${MODEL_JSON} (not a tfjs model)`, {
      category: 'config',
    });
  }
  // XGBoost JSON starts with "learner"/"version"; tfjs' model.json with its topology or format.
  if (!/^\s*\{\s*"(modelTopology|format|generatedBy)"/.test(await head(path))) return undefined;
  const format = (JSON.parse(await readFile(path, 'utf8')) as { format?: unknown }).format;
  if (format === 'layers-model') return path;
  throw new DtrainError(
    'E_MODEL',
    `${name}: a tfjs ${String(format ?? 'model')}, but dtrain predicts with layers models only`,
    { category: 'config' },
  );
}

async function head(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(256);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
