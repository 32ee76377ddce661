/**
 * A rank's WorkerSpec as the plan knows it: identity, the part of the job its runtime reads, where
 * its data lies on its host and how it is reached. Pure; the launcher adds the output folders at
 * run time (`forRun`) and sends the whole on the rank's stdin.
 */
import type { HostSpec, JobSpec } from '../../configs/job-spec.js';
import type { PlannedWorker, WorkerData, WorkerSpec } from '../../runtimes/protocol/index.js';
import { shardPath } from './shard-path.js';

export interface WorkerPlace {
  readonly rank: number;
  readonly localRank: number;
  readonly worldSize: number;
  /** Ranks sharing this rank's machine. */
  readonly localWorldSize: number;
  readonly jobId: string;
  readonly hostSpec: HostSpec;
  readonly runsLocal: boolean;
  /** Its peer port; 0 = any. */
  readonly port: number;
}

export function plannedWorker(spec: JobSpec, p: WorkerPlace): PlannedWorker {
  return {
    jobId: p.jobId,
    rank: p.rank,
    worldSize: p.worldSize,
    localRank: p.localRank,
    localWorldSize: p.localWorldSize,
    role: 'worker',
    job: {
      framework: spec.framework,
      parallelism: spec.parallelism,
      params: spec.params,
      model: spec.model,
      pipeline: spec.pipeline,
      checkpoint: spec.checkpoint,
      data: spec.data,
      source: { dir: spec.source.dir },
    },
    data: dataPlace(spec, p),
    network: {
      // A rank on a cluster host is reached by its peers at that host's address; a local one only
      // on loopback.
      bindHost: p.runsLocal ? '127.0.0.1' : '0.0.0.0',
      advertiseHost: p.runsLocal ? '127.0.0.1' : p.hostSpec.address,
      port: p.port,
      heartbeatInterval: spec.network.heartbeat_interval,
      heartbeatTimeout: spec.network.heartbeat_timeout,
    },
  };
}

/** The run-time half: where the rank writes outputs on its host, and what it resumes from. */
export function forRun(worker: PlannedWorker, outputDir: string, resumeFrom: string | undefined): WorkerSpec {
  return { ...worker, outputDir, resumeFrom };
}

/**
 * Where a rank finds its data: a remote rank its shipped parts (`input: ship`) or the paths as
 * written, relative to the workdir (`input: host`); a local rank reads its byte range of the files
 * relative to the job file's folder.
 */
function dataPlace(spec: JobSpec, p: WorkerPlace): WorkerData {
  const data = spec.data;
  const dir = spec.source.dir;
  if (!data || p.runsLocal) return { dir };
  if (data.input === 'host') return { dir: spec.remote.workdir };
  const part = (role: string, file: string) => shardPath(spec.remote.workdir, p.jobId, p.rank, role, file);
  return {
    ...(data.train ? { train: part('train', data.train) } : {}),
    ...(data.valid ? { valid: part('valid', data.valid) } : {}),
    dir,
  };
}
