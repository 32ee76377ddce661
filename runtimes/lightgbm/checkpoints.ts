/**
 * Checkpoints of a LightGBM run: the model so far in LightGBM's text format, as
 * OUTPUT/JOB/checkpoints/iter-NNNNNN.txt, written atomically; only the newest `keep` are kept.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic } from '../xgboost/checkpoints.js';

const NAME = /^iter-(\d{6})\.txt$/;

export function lgbCheckpointDir(outputDir: string): string {
  return join(outputDir, 'checkpoints');
}

/** Saves the model after `rounds` iterations and prunes all but the newest `keep`. */
export function saveLgbCheckpoint(dir: string, rounds: number, text: string, keep: number): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `iter-${String(rounds).padStart(6, '0')}.txt`);
  writeAtomic(path, text);
  const all = listLgbCheckpoints(dir);
  for (const old of all.slice(0, Math.max(0, all.length - keep))) rmSync(old.path, { force: true });
  return path;
}

/** Checkpoints in `dir`, oldest first. */
export function listLgbCheckpoints(dir: string): { rounds: number; path: string }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((name) => ({ name, m: NAME.exec(name) }))
    .filter((x) => x.m !== null)
    .map((x) => ({ rounds: Number(x.m![1]), path: join(dir, x.name) }))
    .sort((a, b) => a.rounds - b.rounds);
}

export function latestLgbCheckpoint(dir: string): { rounds: number; path: string } | undefined {
  return listLgbCheckpoints(dir).at(-1);
}
