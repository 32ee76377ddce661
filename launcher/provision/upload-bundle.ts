/**
 * Puts the worker bundle on a host once per content hash, so that an interrupted upload never leaves
 * a half bundle that looks whole: the files go to a temporary folder, their sizes and sha256 are
 * checked on the host, a `.complete` marker is written inside, and only then is the folder renamed
 * to `<workdir>/bundles/<hash>`. A folder with `.complete` is therefore always a whole bundle.
 */
import { randomBytes } from 'node:crypto';
import { DtrainError } from '../../configs/errors.js';
import { shellQuote as q } from '../transports/index.js';
import type { WorkerBundle } from './bundle.js';
import { type RemoteHost, lastLines } from './remote.js';

export interface UploadOutcome {
  readonly state: 'uploaded' | 'present';
  /** The bundle's folder on the host. */
  readonly dir: string;
}

/** Where a bundle lives on a host. */
export function remoteBundleDir(workdir: string, hash: string): string {
  return `${workdir}/bundles/${hash}`;
}

export async function uploadBundle(
  remote: RemoteHost,
  bundle: WorkerBundle,
  workdir: string,
): Promise<UploadOutcome> {
  const dir = remoteBundleDir(workdir, bundle.hash);
  if (await isComplete(remote, dir)) return { state: 'present', dir };
  const temp = `${workdir}/bundles/.tmp-${bundle.hash}-${randomBytes(4).toString('hex')}`;
  try {
    await must(remote, `mkdir -p ${q(`${workdir}/bundles`)} && mkdir ${q(temp)}`, 'create the bundle folder');
    for (const f of bundle.files) await remote.putFile(f.path, `${temp}/${f.name}`);
    await verify(remote, bundle, temp);
    await must(
      remote,
      `printf '%s\\n' ${q(bundle.hash)} > ${q(`${temp}/.complete`)}`,
      'mark the bundle complete',
    );
    await moveIntoPlace(remote, temp, dir);
    return { state: 'uploaded', dir };
  } catch (error) {
    await remote.exec(`rm -rf ${q(temp)}`).catch(() => {});
    if (error instanceof DtrainError) throw error;
    throw new DtrainError(
      'E_UPLOAD',
      `uploading the worker bundle to ${remote.name} failed: ${messageOf(error)}`,
      {
        category: 'infra',
        cause: error,
      },
    );
  }
}

async function isComplete(remote: RemoteHost, dir: string): Promise<boolean> {
  const r = await remote.exec(`test -f ${q(`${dir}/.complete`)} && echo present || echo absent`);
  return r.stdout.trim() === 'present';
}

/** Sizes and sha256 of every file as the host sees them, compared with the local ones. */
async function verify(remote: RemoteHost, bundle: WorkerBundle, temp: string): Promise<void> {
  const names = bundle.files.map((f) => q(f.name)).join(' ');
  const r = await must(
    remote,
    `cd ${q(temp)} && for f in ${names}; do printf '%s %s ' "$f" "$(wc -c < "$f")"; ` +
      `(sha256sum "$f" 2>/dev/null || shasum -a 256 "$f") | cut -d' ' -f1; done`,
    'check the uploaded files',
  );
  const seen = new Map<string, { size: number; sha256: string }>();
  for (const line of r.stdout.trim().split('\n')) {
    const [name, size, sha256] = line.trim().split(/\s+/);
    if (name && size && sha256) seen.set(name, { size: Number(size), sha256 });
  }
  for (const f of bundle.files) {
    const s = seen.get(f.name);
    if (!s || s.size !== f.size || s.sha256 !== f.sha256)
      throw new DtrainError('E_UPLOAD', `the worker bundle arrived damaged on ${remote.name} (${f.name})`, {
        category: 'infra',
        detail: `expected ${f.size} bytes, sha256 ${f.sha256}; the host has ${s ? `${s.size} bytes, sha256 ${s.sha256}` : 'nothing readable'}`,
      });
  }
}

async function moveIntoPlace(remote: RemoteHost, temp: string, dir: string): Promise<void> {
  try {
    await remote.rename(temp, dir);
    return;
  } catch (error) {
    // Another run put the same bundle there first: theirs is identical.
    if (await isComplete(remote, dir)) {
      await remote.exec(`rm -rf ${q(temp)}`);
      return;
    }
    // A folder without the marker is left from a tool that did not finish; it is replaced.
    const r = await remote.exec(`test -e ${q(dir)} && echo present || echo absent`);
    if (r.stdout.trim() !== 'present') throw error;
  }
  await must(remote, `rm -rf ${q(dir)}`, 'remove an incomplete bundle folder');
  await remote.rename(temp, dir);
}

async function must(remote: RemoteHost, command: string, what: string) {
  const r = await remote.exec(command);
  if (r.code !== 0)
    throw new DtrainError('E_UPLOAD', `could not ${what} on ${remote.name} (exit ${r.code ?? r.signal})`, {
      category: 'infra',
      detail: lastLines(r),
    });
  return r;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
