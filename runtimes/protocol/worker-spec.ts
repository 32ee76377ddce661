/**
 * WorkerSpec: everything one rank needs to know, built per rank by the launcher's plan and handed to
 * the worker on one channel (the bootstrap line on stdin, beside the job token). A rank reads who it
 * is, where its data lies and what to train only from here; it never sees the job file's JobSpec.
 * The worker checks it field by field on arrival (`parseWorkerSpec`), since it crossed a process
 * boundary, and fails with the field's name when something is off.
 */
import type {
  CheckpointSpec,
  DataSpec,
  Framework,
  Parallelism,
  PipelineSpec,
} from '../../configs/job-spec.js';

/** The part of the job a runtime reads: framework, parallelism, its parameters and data layout. */
export interface WorkerJob {
  readonly framework: Framework;
  readonly parallelism: Parallelism;
  /** The framework's own parameter names, as written in the job file. */
  readonly params: Readonly<Record<string, unknown>>;
  /** tensorflow only: the `model:` block as written. */
  readonly model: Readonly<Record<string, unknown>> | undefined;
  readonly pipeline: PipelineSpec | undefined;
  readonly checkpoint: CheckpointSpec | undefined;
  /** The data files as written in the job file (this rank's place of them is `WorkerSpec.data`). */
  readonly data: DataSpec | undefined;
  /** The job file's folder on the launching machine (tensorflow scripts resolve against it). */
  readonly source: { readonly dir: string };
}

/** Where this rank's data lies on its host: its shipped parts (read whole), else `dir` for byte ranges. */
export interface WorkerData {
  readonly train?: string;
  readonly valid?: string;
  readonly dir: string;
}

export interface WorkerSpec {
  readonly jobId: string;
  /** Global rank, 0 ≤ rank < worldSize; results and failures are keyed by it. */
  readonly rank: number;
  readonly worldSize: number;
  /** Its slot on its host, and how many ranks share that host (they split its cores). */
  readonly localRank: number;
  readonly localWorldSize: number;
  /** The role it presents in the coordinator and peer handshakes. */
  readonly role: 'worker';
  readonly job: WorkerJob;
  readonly data: WorkerData;
  readonly network: {
    /** Where its peer port listens: every interface on a cluster host, loopback for a local rank. */
    readonly bindHost: string;
    /** The address its peers dial (its host's name as written, or loopback). */
    readonly advertiseHost: string;
    /** Its peer port; 0 = any free port. */
    readonly port: number;
    /** Seconds between heartbeats, and of silence after which the coordinator counts as gone. */
    readonly heartbeatInterval: number;
    readonly heartbeatTimeout: number;
  };
  /** Where it writes outputs (rank 0 the model), on its own host; `~/` means its home. */
  readonly outputDir: string;
  /** An earlier run's output folder whose latest checkpoint to continue from. */
  readonly resumeFrom: string | undefined;
}

/** What the plan knows of a rank; the launcher adds the run-time fields when it starts the rank. */
export type PlannedWorker = Omit<WorkerSpec, 'outputDir' | 'resumeFrom'>;

const FRAMEWORKS: readonly Framework[] = ['xgboost', 'lightgbm', 'tensorflow', 'doctor'];
const PARALLELISMS: readonly Parallelism[] = ['data', 'async', 'model', 'feature', 'voting'];

/** Checks a received WorkerSpec; throws `worker spec: FIELD: what was wrong`. */
export function parseWorkerSpec(value: unknown): WorkerSpec {
  const w = object(value, '');
  const worldSize = int(w['worldSize'], 'worldSize', 1);
  const rank = int(w['rank'], 'rank', 0);
  if (rank >= worldSize) throw bad('rank', `must be below worldSize ${worldSize}`);
  if (w['role'] !== 'worker') throw bad('role', 'must be "worker"');
  const n = object(w['network'], 'network');
  const d = object(w['data'], 'data');
  return {
    jobId: str(w['jobId'], 'jobId'),
    rank,
    worldSize,
    localRank: int(w['localRank'], 'localRank', 0),
    localWorldSize: int(w['localWorldSize'], 'localWorldSize', 1),
    role: 'worker',
    job: parseJob(w['job']),
    data: {
      ...(d['train'] === undefined ? {} : { train: str(d['train'], 'data.train') }),
      ...(d['valid'] === undefined ? {} : { valid: str(d['valid'], 'data.valid') }),
      dir: str(d['dir'], 'data.dir'),
    },
    network: {
      bindHost: str(n['bindHost'], 'network.bindHost'),
      advertiseHost: str(n['advertiseHost'], 'network.advertiseHost'),
      port: int(n['port'], 'network.port', 0),
      heartbeatInterval: seconds(n['heartbeatInterval'], 'network.heartbeatInterval'),
      heartbeatTimeout: seconds(n['heartbeatTimeout'], 'network.heartbeatTimeout'),
    },
    outputDir: str(w['outputDir'], 'outputDir'),
    resumeFrom: w['resumeFrom'] === undefined ? undefined : str(w['resumeFrom'], 'resumeFrom'),
  };
}

function parseJob(value: unknown): WorkerJob {
  const j = object(value, 'job');
  const framework = j['framework'] as Framework;
  if (!FRAMEWORKS.includes(framework)) throw bad('job.framework', `unknown framework ${String(framework)}`);
  const parallelism = j['parallelism'] as Parallelism;
  if (!PARALLELISMS.includes(parallelism))
    throw bad('job.parallelism', `unknown parallelism ${String(parallelism)}`);
  const source = object(j['source'], 'job.source');
  return {
    framework,
    parallelism,
    params: object(j['params'], 'job.params'),
    model: j['model'] === undefined ? undefined : object(j['model'], 'job.model'),
    pipeline: j['pipeline'] === undefined ? undefined : parsePipeline(j['pipeline']),
    checkpoint: j['checkpoint'] === undefined ? undefined : parseCheckpoint(j['checkpoint']),
    data: j['data'] === undefined ? undefined : parseData(j['data']),
    source: { dir: str(source['dir'], 'job.source.dir') },
  };
}

function parseData(value: unknown): DataSpec {
  const d = object(value, 'job.data');
  const file = (key: string) => (d[key] === undefined ? undefined : str(d[key], `job.data.${key}`));
  const label = d['label'];
  if (label !== undefined && typeof label !== 'string' && !Number.isInteger(label))
    throw bad('job.data.label', 'must be a column name or index');
  const format = d['format'];
  if (format !== undefined && format !== 'csv' && format !== 'libsvm' && format !== 'idx')
    throw bad('job.data.format', 'must be csv, libsvm or idx');
  const input = d['input'];
  if (input !== 'ship' && input !== 'host') throw bad('job.data.input', 'must be ship or host');
  return {
    train: file('train'),
    valid: file('valid'),
    test: file('test'),
    label: label as string | number | undefined,
    format,
    input,
  };
}

function object(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bad(path, 'must be an object');
  return value as Record<string, unknown>;
}

function str(value: unknown, path: string): string {
  if (typeof value !== 'string') throw bad(path, 'must be a string');
  return value;
}

function int(value: unknown, path: string, min: number): number {
  if (!Number.isInteger(value) || (value as number) < min) throw bad(path, `must be an integer ≥ ${min}`);
  return value as number;
}

function seconds(value: unknown, path: string): number {
  if (typeof value !== 'number' || !(value > 0)) throw bad(path, 'must be a positive number of seconds');
  return value;
}

function parsePipeline(value: unknown): PipelineSpec {
  const p = object(value, 'job.pipeline');
  return {
    stages: int(p['stages'], 'job.pipeline.stages', 1),
    micro_batches: int(p['micro_batches'], 'job.pipeline.micro_batches', 1),
  };
}

function parseCheckpoint(value: unknown): CheckpointSpec {
  const c = object(value, 'job.checkpoint');
  return {
    every: int(c['every'], 'job.checkpoint.every', 0),
    keep: int(c['keep'], 'job.checkpoint.keep', 0),
  };
}

function bad(path: string, message: string): Error {
  return new Error(`worker spec: ${path === '' ? '' : `${path}: `}${message}`);
}
