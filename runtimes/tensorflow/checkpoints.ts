/**
 * Epoch checkpoints of a tfjs model: `<root>/epoch-NNNN/` holds the LayersModel (model.json +
 * weights.bin) and the optimizer state, written whole or not at all by model-io's atomic save; the
 * newest `keep` are kept. `run --resume` continues after the newest one.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { saveModel } from './model-io.js';
import type { Tf } from './tf-api.js';

const NAME = /^epoch-(\d{4,})$/;

/** Saves the model after `epoch` (0-based) and prunes older checkpoints; returns the folder. */
export async function saveTfCheckpoint(
  tf: Tf,
  model: LayersModel,
  root: string,
  epoch: number,
  keep: number,
): Promise<string> {
  const dir = join(root, `epoch-${String(epoch + 1).padStart(4, '0')}`);
  await saveModel(tf, model, dir, { optimizer: model.optimizer });
  const all = list(root);
  for (const old of all.slice(0, Math.max(0, all.length - keep)))
    rmSync(old.dir, { recursive: true, force: true });
  return dir;
}

/** The newest complete checkpoint under `root`, with the 0-based epoch it ended. */
export function latestTfCheckpoint(root: string): { dir: string; epoch: number } | undefined {
  return list(root).at(-1);
}

function list(root: string): { dir: string; epoch: number }[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  return names
    .map((n) => ({ n, m: NAME.exec(n) }))
    .filter((x): x is { n: string; m: RegExpExecArray } => x.m !== null)
    .map((x) => ({ dir: join(root, x.n), epoch: Number(x.m[1]) - 1 }))
    .sort((a, b) => a.epoch - b.epoch);
}
