/**
 * What a host has, read with one command: its GPUs (nvidia-smi, where present), the free space
 * where the workdir lives, and its clock against ours. Run while provisioning; `dtrain doctor`
 * prints them, and a run refuses a host that has fewer GPUs than the job file gives it.
 */
import { DtrainError } from '../../configs/errors.js';
import { shellQuote } from '../transports/index.js';
import type { RemoteHost } from './remote.js';

export interface HostFacts {
  /** GPU names by index; undefined when nvidia-smi is not there. */
  readonly gpus: readonly string[] | undefined;
  /** Free bytes on the filesystem of the workdir (or its nearest existing parent). */
  readonly freeBytes: number | undefined;
  /** Host clock minus ours, in ms (our clock read halfway through the command). */
  readonly clockSkewMs: number | undefined;
}

const SEP = '--dtrain--';

export async function readHostFacts(
  remote: RemoteHost,
  workdir: string,
  now: () => number = Date.now,
): Promise<HostFacts> {
  // df needs an existing path: walk up from the workdir until one exists.
  const dir = `d=${shellQuote(workdir)}; while [ ! -e "$d" ] && [ "$d" != / ]; do d=$(dirname "$d"); done`;
  const command = [
    'command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name --format=csv,noheader || echo none',
    `echo ${SEP}`,
    `${dir}; df -Pk "$d" | tail -n 1`,
    `echo ${SEP}`,
    'date +%s%N',
  ].join('; ');
  const before = now();
  const result = await remote.exec(command);
  const after = now();
  const [gpuText = '', dfText = '', dateText = ''] = result.stdout.split(`${SEP}\n`);
  const gpuLines = gpuText.trim().split('\n').filter(Boolean);
  const gpus = gpuLines.length === 1 && gpuLines[0] === 'none' ? undefined : gpuLines;
  const free = Number(dfText.trim().split(/\s+/)[3]);
  const remoteNs = Number(dateText.trim());
  return {
    gpus,
    freeBytes: Number.isFinite(free) ? free * 1024 : undefined,
    clockSkewMs:
      Number.isFinite(remoteNs) && remoteNs > 0 ? remoteNs / 1e6 - (before + after) / 2 : undefined,
  };
}

/** The job file's GPU ids for a host must exist there. */
export function checkGpus(host: string, wanted: readonly number[], facts: HostFacts): string {
  if (wanted.length === 0)
    return facts.gpus ? `${facts.gpus.length} GPU(s), none used by this job` : 'no GPUs asked for';
  if (!facts.gpus)
    throw new DtrainError(
      'E_GPU_DRIVER',
      `host ${host}: the job file gives it GPUs ${wanted.join(',')} but nvidia-smi is not there`,
      {
        category: 'infra',
        detail: 'install the NVIDIA driver on the host, or remove gpus: from it in the job file',
      },
    );
  const missing = wanted.filter((id) => id >= facts.gpus!.length);
  if (missing.length > 0)
    throw new DtrainError(
      'E_GPUS',
      `host ${host} has ${facts.gpus.length} GPU(s) (nvidia-smi) but the job file uses GPU ${missing.join(', ')}`,
      { category: 'config', detail: facts.gpus.map((g, i) => `  ${i}: ${g}`).join('\n') },
    );
  return `${wanted.length} of ${facts.gpus.length}: ${[...new Set(wanted.map((i) => facts.gpus![i]))].join(', ')}`;
}

export function describeFree(bytes: number | undefined): string {
  if (bytes === undefined) return 'unknown';
  return `${(bytes / 2 ** 30).toFixed(1)} GiB free`;
}

export function describeSkew(ms: number | undefined): string {
  if (ms === undefined) return 'unknown';
  return `${ms >= 0 ? '+' : ''}${Math.round(ms)} ms`;
}
