/**
 * The validated job file → JobSpec: host strings split, GPU counts expanded, slots and name defaulted,
 * env values made strings. Runs only on a file that passed every check, so it never fails.
 */
import { basename, extname } from 'node:path';
import { isLocalAddress, parseHost } from './host-grammar.js';
import type { HostSpec, JobSpec } from './job-spec.js';
import { PARALLELISM_BY_FRAMEWORK } from './job-spec.js';
import type { JobFile } from './schema.js';

type HostEntry = NonNullable<JobFile['hosts']>[number];

/** The one host of a job file without `hosts:`. */
export const LOCAL_HOST: HostSpec = {
  address: 'localhost',
  port: undefined,
  user: undefined,
  gpus: [],
  slots: 1,
  local: true,
};

/** The default job name: the file's base name without extension, made a valid name. */
export function defaultJobName(file: string): string {
  const base = basename(file, extname(file))
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(0, 64);
  return base === '' || /^[.-]+$/.test(base) ? 'job' : base;
}

function buildHost(entry: HostEntry): HostSpec {
  const text = typeof entry === 'string' ? entry : entry.address;
  const parsed = parseHost(text, typeof entry === 'string' ? 'string' : 'address');
  if (!parsed.ok) throw new Error(`internal: host ${text} passed validation but does not parse`);
  const { address } = parsed.host;
  if (typeof entry === 'string') {
    return { ...parsed.host, gpus: [], slots: 1, local: isLocalAddress(address) };
  }
  const gpus =
    typeof entry.gpus === 'number' ? Array.from({ length: entry.gpus }, (_, i) => i) : (entry.gpus ?? []);
  return {
    address,
    port: entry.port ?? parsed.host.port,
    user: entry.user,
    gpus,
    slots: entry.slots ?? Math.max(gpus.length, 1),
    local: isLocalAddress(address),
  };
}

/** JobSpec from a file that passed the schema and the cross-field checks. */
export function buildSpec(file: JobFile, source: JobSpec['source'], fileName: string): JobSpec {
  const env = Object.fromEntries(Object.entries(file.remote.env).map(([k, v]) => [k, String(v)]));
  const data = file.data && {
    train: file.data.train,
    valid: file.data.valid,
    test: file.data.test,
    label: file.data.label,
    format: file.data.format,
    // tensorflow ranks read whole files (their shard changes every epoch), so there is nothing to ship.
    input: file.data.input ?? (file.framework === 'tensorflow' ? 'host' : 'ship'),
  };
  return {
    name: file.name ?? defaultJobName(fileName),
    framework: file.framework,
    parallelism: file.parallelism ?? PARALLELISM_BY_FRAMEWORK[file.framework][0] ?? 'data',
    hosts: file.hosts === undefined ? [LOCAL_HOST] : file.hosts.map(buildHost),
    ssh: { ...file.ssh, identity: file.ssh.identity, jump: file.ssh.jump },
    remote: { ...file.remote, env },
    data,
    params: file.params,
    model: file.model,
    pipeline: file.pipeline,
    checkpoint: file.checkpoint,
    restarts: file.restarts,
    output: file.output,
    network: file.network,
    source,
  };
}
