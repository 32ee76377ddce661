/**
 * JobSpec: the validated, defaulted, readonly form of a job file (DESIGN.md §2). Field names are
 * the job file's own (snake_case where the YAML has it), so a user and a reader of this type see the
 * same words. Produced only by `parseJob`; nothing downstream re-validates.
 */

export type Framework = 'xgboost' | 'lightgbm' | 'tensorflow' | 'doctor';
export type Parallelism = 'data' | 'async' | 'model' | 'feature' | 'voting';
export type HostKeyPolicy = 'strict' | 'accept-new' | 'off';
export type DataInput = 'ship' | 'host';
export type DataFormat = 'csv' | 'libsvm' | 'idx';

/** Which parallelism modes each framework accepts; the first is the default. */
export const PARALLELISM_BY_FRAMEWORK: Readonly<Record<Framework, readonly Parallelism[]>> = {
  xgboost: ['data'],
  lightgbm: ['data', 'feature', 'voting'],
  tensorflow: ['data', 'async', 'model'],
  doctor: ['data'],
};

export interface HostSpec {
  /** Name, IP or ~/.ssh/config alias as written (without a `:port` suffix). */
  readonly address: string;
  /** SSH port when given as `host:port` or `port:`; undefined = ssh config / 22. */
  readonly port: number | undefined;
  readonly user: string | undefined;
  /** GPU device ids on this host (a count N in the file becomes [0..N-1]). */
  readonly gpus: readonly number[];
  /** Worker processes on this host (default: number of GPUs, or 1). */
  readonly slots: number;
  /** True for localhost / 127.0.0.1 / ::1: ranks run as local processes without SSH. */
  readonly local: boolean;
}

export interface SshSpec {
  readonly identity: string | undefined;
  readonly host_keys: HostKeyPolicy;
  readonly jump: string | undefined;
  /** Seconds to wait for an SSH connection. */
  readonly connect_timeout: number;
}

export interface RemoteSpec {
  readonly workdir: string;
  readonly setup: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Names only; values come from the launching environment and travel on stdin. */
  readonly secrets: readonly string[];
}

export interface DataSpec {
  readonly train: string | undefined;
  readonly valid: string | undefined;
  readonly test: string | undefined;
  /** Label column: a name or a 0-based index. */
  readonly label: string | number | undefined;
  /** undefined = by file extension. */
  readonly format: DataFormat | undefined;
  readonly input: DataInput;
}

export interface NetworkSpec {
  /** Coordinator port; workers use port+1+local slot. 0 = any free port, chosen at run time. */
  readonly port: number;
  /** Seconds between worker heartbeats. */
  readonly heartbeat_interval: number;
  /** Seconds of silence after which a rank is declared lost and the gang stops. */
  readonly heartbeat_timeout: number;
}

export interface CheckpointSpec {
  readonly every: number;
  readonly keep: number;
}

export interface PipelineSpec {
  readonly stages: number;
  readonly micro_batches: number;
}

export interface JobSpec {
  readonly name: string;
  readonly framework: Framework;
  readonly parallelism: Parallelism;
  readonly hosts: readonly HostSpec[];
  readonly ssh: SshSpec;
  readonly remote: RemoteSpec;
  readonly data: DataSpec | undefined;
  /** The framework's own parameter names, passed through as written. */
  readonly params: Readonly<Record<string, unknown>>;
  /** tensorflow only: the `model:` block as written (layers | module | script). */
  readonly model: Readonly<Record<string, unknown>> | undefined;
  readonly pipeline: PipelineSpec | undefined;
  readonly checkpoint: CheckpointSpec | undefined;
  readonly restarts: number;
  /** Where models, metrics and logs come back to; relative to the job file's folder. */
  readonly output: string;
  readonly network: NetworkSpec;
  /** Absolute path of the job file ('' when parsed from a string) and its folder. */
  readonly source: { readonly file: string; readonly dir: string };
}

/** A problem found in a job file: position (1-based; 0 when unknown), dotted path, message, value. */
export interface JobProblem {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly path: string;
  readonly message: string;
  /** The offending value rendered for the `(got VALUE)` suffix; undefined when there is none. */
  readonly got: string | undefined;
}

/** `job.yaml:LINE:COL  path.to.field: message (got VALUE)` — the one format of every job-file problem. */
export function formatProblem(p: JobProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.col}` : p.file;
  const got = p.got === undefined ? '' : ` (got ${p.got})`;
  const path = p.path === '' ? '' : `${p.path}: `;
  return `${where}  ${path}${p.message}${got}`;
}
