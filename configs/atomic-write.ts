/**
 * Replacing a file so that readers, and the file after a crash, see the old content or the whole new
 * one, never a torn mix: write a temporary sibling, fsync it, rename it over the file, fsync the
 * folder (so the rename itself survives a power cut). On any failure the temporary file is removed
 * and the original error is thrown; the file is left as it was. The temporary name contains `.tmp-`
 * (readers of a folder skip such names). Used by the job store, known_hosts, checkpoints and model
 * files, and results fetched from hosts. Lives in configs/, the layer every other one may import.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface AtomicWriteOptions {
  /** Permission bits of a newly created file (default 0o644; secrets and state use 0o600). */
  readonly mode?: number;
}

/** Fills the temporary file at `tempPath` (e.g. a download); it may create the file or write into it. */
export type FillFile = (tempPath: string) => Promise<void>;

function tempPathFor(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Synchronous form, for writers that must not yield (the job store's state, checkpoints). */
export function writeFileAtomicSync(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): void {
  const temp = tempPathFor(path);
  try {
    const fd = openSync(temp, 'wx', options.mode ?? 0o644);
    try {
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/** Writes `data`, or whatever `fill` puts at the temporary path, as the new content of `path`. */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array | FillFile,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const temp = tempPathFor(path);
  try {
    if (typeof data === 'function') await data(temp);
    const file = await open(temp, typeof data === 'function' ? 'r+' : 'wx', options.mode ?? 0o644);
    try {
      if (typeof data !== 'function') await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
