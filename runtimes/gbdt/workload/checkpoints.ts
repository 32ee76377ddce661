/**
 * Checkpoints of a boosting run: the model so far, in XGBoost JSON, as
 * OUTPUT/JOB/checkpoints/round-NNNNNN.json. Each is written atomically (temp file, fsync, rename,
 * fsync of the folder) so a crash leaves the previous checkpoint or the new one, never a torn file;
 * only the newest `keep` are kept.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../../../configs/atomic-write.js';

/** How a framework names its checkpoint files: `<prefix>-NNNNNN<ext>`. */
export interface CheckpointNaming {
  readonly prefix: string;
  readonly ext: string;
}

const XGBOOST: CheckpointNaming = { prefix: 'round', ext: '.json' };

export function checkpointDir(outputDir: string): string {
  return join(outputDir, 'checkpoints');
}

/** Writes `text` to `path` so that readers see the old file or the whole new one. */
export function writeAtomic(path: string, text: string): void {
  writeFileAtomicSync(path, text);
}

/** Saves the model after `rounds` completed rounds and prunes all but the newest `keep`. */
export function saveCheckpoint(
  dir: string,
  rounds: number,
  text: string,
  keep: number,
  naming: CheckpointNaming = XGBOOST,
): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${naming.prefix}-${String(rounds).padStart(6, '0')}${naming.ext}`);
  writeAtomic(path, text);
  const all = listCheckpoints(dir, naming);
  for (const old of all.slice(0, Math.max(0, all.length - keep))) rmSync(old.path, { force: true });
  return path;
}

/** Checkpoints in `dir`, oldest first; temp files of interrupted writes are ignored. */
export function listCheckpoints(
  dir: string,
  naming: CheckpointNaming = XGBOOST,
): { rounds: number; path: string }[] {
  const pattern = new RegExp(`^${naming.prefix}-(\\d{6})${naming.ext.replace('.', '\\.')}$`);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((name) => ({ name, m: pattern.exec(name) }))
    .filter((x) => x.m !== null)
    .map((x) => ({ rounds: Number(x.m![1]), path: join(dir, x.name) }))
    .sort((a, b) => a.rounds - b.rounds);
}

export function latestCheckpoint(
  dir: string,
  naming: CheckpointNaming = XGBOOST,
): { rounds: number; path: string } | undefined {
  return listCheckpoints(dir, naming).at(-1);
}
