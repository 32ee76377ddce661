/**
 * Checkpoints of a LightGBM run: the model so far in LightGBM's text format, as
 * OUTPUT/JOB/checkpoints/iter-NNNNNN.txt — the xgboost checkpoint files' mechanics (atomic writes,
 * newest `keep` kept) with LightGBM's naming.
 */
import {
  checkpointDir,
  type CheckpointNaming,
  latestCheckpoint,
  listCheckpoints,
  saveCheckpoint,
} from '../workload/index.js';

const LIGHTGBM: CheckpointNaming = { prefix: 'iter', ext: '.txt' };

export const lgbCheckpointDir = checkpointDir;

/** Saves the model after `rounds` iterations and prunes all but the newest `keep`. */
export function saveLgbCheckpoint(dir: string, rounds: number, text: string, keep: number): string {
  return saveCheckpoint(dir, rounds, text, keep, LIGHTGBM);
}

/** Checkpoints in `dir`, oldest first. */
export function listLgbCheckpoints(dir: string): { rounds: number; path: string }[] {
  return listCheckpoints(dir, LIGHTGBM);
}

export function latestLgbCheckpoint(dir: string): { rounds: number; path: string } | undefined {
  return latestCheckpoint(dir, LIGHTGBM);
}
