/**
 * Replacing a whole folder of files so that a crash at any moment leaves the old folder or the new one
 * complete, never a mix. POSIX cannot rename a folder over a non-empty one, so the swap is two renames
 * with fixed sibling names, and the state between them is recognised and finished by the next writer:
 *
 *   DIR.new  being written; complete once it holds the `last` file (written and fsynced last)
 *   DIR.old  the previous DIR, moved aside just before DIR.new becomes DIR
 *
 * One writer per folder (rank 0 of a job); readers call `currentDir`, which changes nothing.
 */
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** A file of the folder: its name and its bytes (or text). */
export interface DirFile {
  readonly name: string;
  readonly data: Uint8Array | string;
}

const NEW = '.new';
const OLD = '.old';

/** The complete folder a reader should use for `dir` (the new one if a swap was cut short), or undefined. */
export function currentDir(dir: string, last: string): string | undefined {
  if (existsSync(join(dir, last))) return dir;
  if (existsSync(join(dir + NEW, last))) return dir + NEW;
  if (existsSync(join(dir + OLD, last))) return dir + OLD;
  return undefined;
}

/**
 * Writes `files` as the folder `dir`, replacing what was there; `files`' last entry is written last and
 * marks the new folder complete. Finishes or discards a swap an earlier crash left behind first.
 */
export async function replaceDir(dir: string, files: readonly DirFile[]): Promise<void> {
  const last = files.at(-1)?.name;
  if (last === undefined) throw new Error('replaceDir: no files');
  await mkdir(dirname(dir), { recursive: true });
  await recover(dir, last);
  const fresh = dir + NEW;
  await rm(fresh, { recursive: true, force: true });
  await mkdir(fresh);
  for (const file of files) await writeSynced(join(fresh, file.name), file.data);
  await syncDir(fresh);
  if (existsSync(dir)) await rename(dir, dir + OLD);
  await rename(fresh, dir);
  await syncDir(dirname(dir));
  await rm(dir + OLD, { recursive: true, force: true });
}

// A crash between the two renames leaves no DIR: the complete DIR.new (else DIR.old) becomes DIR.
// With DIR present, DIR.new never replaced it (torn or not) and DIR.old was already replaced.
async function recover(dir: string, last: string): Promise<void> {
  if (!existsSync(dir)) {
    if (existsSync(join(dir + NEW, last))) await rename(dir + NEW, dir);
    else if (existsSync(join(dir + OLD, last))) await rename(dir + OLD, dir);
  }
  await rm(dir + NEW, { recursive: true, force: true });
  await rm(dir + OLD, { recursive: true, force: true });
}

async function writeSynced(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDir(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
