/**
 * JobSpec → LaunchPlan. Pure: it touches no host and no file, so `dtrain plan` can show exactly what
 * `dtrain run` would do, and the golden tests pin it.
 */
import type { HostSpec, JobSpec } from '../../configs/job-spec.js';
import { shardPath } from './shard-path.js';
import type { DataShard, HostPlan, LaunchPlan, RankPlan } from './contract.js';
import { plannedWorker } from './worker-spec.js';

export interface PlanOptions {
  /** Map every host onto local processes (`dtrain run --local`). */
  readonly local: boolean;
  /** The job id; plans made before a run use a placeholder. */
  readonly jobId?: string;
  /** How the worker is started on a local host: the node binary and the worker entry file. */
  readonly localWorker?: { readonly node: string; readonly entry: string };
  /** Label of the worker bundle uploaded to remote hosts (content hash once provisioning exists). */
  readonly bundle?: string;
}

const PLACEHOLDER_JOB = '<job-id>';

/** Ranks are numbered host by host in file order, slot by slot, as horovodrun -H does. */
export function planJob(spec: JobSpec, options: PlanOptions): LaunchPlan {
  const jobId = options.jobId ?? PLACEHOLDER_JOB;
  const localMode = options.local || spec.hosts.every((h) => h.local);
  const worldSize = spec.hosts.reduce((n, h) => n + h.slots, 0);
  // The coordinator listens on loopback; remote ranks reach it through a tunnel over their host's
  // SSH connection, on a port forwarded at run time.
  const coordinatorHost = '127.0.0.1';
  const coordinator = { host: coordinatorHost, port: spec.network.port };
  const bundle = options.bundle ?? 'dtrain-worker';

  const hosts: HostPlan[] = [];
  const ranks: RankPlan[] = [];
  spec.hosts.forEach((host, index) => {
    const runsLocal = options.local || host.local;
    const first = ranks.length;
    for (let localRank = 0; localRank < host.slots; localRank++) {
      const rank = first + localRank;
      const gpu = host.gpus.length > 0 ? host.gpus[localRank % host.gpus.length] : undefined;
      ranks.push(
        planRank(spec, {
          rank,
          host: index,
          hostSpec: host,
          localRank,
          gpu,
          worldSize,
          jobId,
          runsLocal,
          localMode,
          coordinator,
          options,
        }),
      );
    }
    const hostRanks = ranks.slice(first).map((r) => r.rank);
    hosts.push({
      index,
      name: host.address,
      user: host.user,
      sshPort: host.port,
      local: runsLocal,
      slots: host.slots,
      gpus: host.gpus,
      ranks: hostRanks,
      workdir: runsLocal ? '(local)' : spec.remote.workdir,
      uploads: runsLocal ? [] : uploadsFor(spec, bundle, jobId, ranks.slice(first)),
      setup: runsLocal ? [] : spec.remote.setup,
    });
  });

  return {
    jobName: spec.name,
    jobId,
    framework: spec.framework,
    parallelism: spec.parallelism,
    worldSize,
    localMode,
    coordinator,
    heartbeat: { interval: spec.network.heartbeat_interval, timeout: spec.network.heartbeat_timeout },
    sourceDir: spec.source.dir,
    hosts,
    ranks,
    secrets: spec.remote.secrets,
  };
}

interface RankContext {
  readonly rank: number;
  readonly host: number;
  readonly hostSpec: HostSpec;
  readonly localRank: number;
  readonly gpu: number | undefined;
  readonly worldSize: number;
  readonly jobId: string;
  readonly runsLocal: boolean;
  readonly localMode: boolean;
  readonly coordinator: { readonly host: string; readonly port: number };
  readonly options: PlanOptions;
}

function planRank(spec: JobSpec, c: RankContext): RankPlan {
  // On one machine every rank needs its own port; across hosts the same local slot may reuse one.
  const base = spec.network.port;
  const port = base === 0 ? 0 : base + 1 + (c.localMode ? c.rank : c.localRank);
  const node = c.runsLocal ? (c.options.localWorker?.node ?? 'node') : 'node';
  const entry = c.runsLocal
    ? (c.options.localWorker?.entry ?? '<dtrain>/dist/runtimes/worker.js')
    : `${spec.remote.workdir}/bundles/${c.options.bundle ?? 'dtrain-worker'}/worker.js`;
  const argv = [
    node,
    entry,
    '--coordinator',
    c.runsLocal
      ? `${c.coordinator.host}:${c.coordinator.port === 0 ? 'auto' : c.coordinator.port}`
      : '127.0.0.1:<ssh-tunnel>',
  ];
  // DTRAIN_JOB labels the job's processes (to find and clean them); the worker learns nothing from it.
  const env: Record<string, string> = { ...spec.remote.env, DTRAIN_JOB: c.jobId };
  // A rank sees only its own GPU; a host without GPUs gets an empty list so nothing grabs one.
  if (c.hostSpec.gpus.length > 0) env['CUDA_VISIBLE_DEVICES'] = c.gpu === undefined ? '' : String(c.gpu);
  const worker = plannedWorker(spec, {
    rank: c.rank,
    localRank: c.localRank,
    worldSize: c.worldSize,
    // Ranks sharing this machine split its cores between them.
    localWorldSize: c.localMode ? c.worldSize : c.hostSpec.slots,
    jobId: c.jobId,
    hostSpec: c.hostSpec,
    runsLocal: c.runsLocal,
    port,
  });
  return {
    rank: c.rank,
    host: c.host,
    hostName: c.hostSpec.address,
    localRank: c.localRank,
    gpu: c.gpu,
    port,
    shards: shardsFor(spec, c.rank, c.worldSize),
    argv,
    env,
    worker,
  };
}

function shardsFor(spec: JobSpec, rank: number, worldSize: number): DataShard[] {
  const data = spec.data;
  if (!data) return [];
  const out: DataShard[] = [];
  if (spec.framework === 'tensorflow') {
    // Every tensorflow rank reads whole files and takes its slice of each step's batch.
    for (const role of ['train', 'valid', 'test'] as const) {
      const file = data[role];
      if (file) out.push({ file, role, index: 0, count: 1, input: data.input });
    }
    return out;
  }
  if (data.train)
    out.push({ file: data.train, role: 'train', index: rank, count: worldSize, input: data.input });
  // Validation metrics are combined across ranks, so the validation set is sharded like the training set.
  if (data.valid)
    out.push({ file: data.valid, role: 'valid', index: rank, count: worldSize, input: data.input });
  // A test set is scored whole on rank 0.
  if (data.test && rank === 0)
    out.push({ file: data.test, role: 'test', index: 0, count: 1, input: data.input });
  return out;
}

function uploadsFor(spec: JobSpec, bundle: string, jobId: string, ranks: readonly RankPlan[]): string[] {
  const out = [
    `worker bundle ${bundle} → ${spec.remote.workdir}/bundles/${bundle}/ (skipped when already there)`,
  ];
  for (const r of ranks) {
    for (const s of r.shards) {
      if (s.input !== 'ship') continue;
      const part = s.count > 1 ? `part ${s.index + 1}/${s.count} of ` : '';
      out.push(`${part}${s.file} → ${shardPath(spec.remote.workdir, jobId, r.rank, s.role, s.file)}`);
    }
  }
  return out;
}
