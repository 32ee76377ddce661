/**
 * LaunchPlan: the instance of a JobSpec on concrete hosts — which rank runs where, on which GPU and
 * port, with which data shard, command and environment, and each rank's WorkerSpec. Pure data;
 * `dtrain plan` prints exactly this. Nothing downstream of the plan reads the JobSpec again.
 */
import type { Framework, Parallelism } from '../../configs/job-spec.js';
import type { PlannedWorker } from '../../runtimes/protocol/index.js';

export interface DataShard {
  /** Which file (as written in the job file) and which part of it. */
  readonly file: string;
  readonly role: 'train' | 'valid' | 'test';
  readonly index: number;
  readonly count: number;
  /** ship: dtrain sends the part; host: the worker reads its part of the path on its own host. */
  readonly input: 'ship' | 'host';
}

export interface RankPlan {
  readonly rank: number;
  /** Index into LaunchPlan.hosts. */
  readonly host: number;
  /** The host's name as the user wrote it (for messages). */
  readonly hostName: string;
  readonly localRank: number;
  readonly gpu: number | undefined;
  /** Peer port; 0 = any free port, chosen by the worker at run time. */
  readonly port: number;
  readonly shards: readonly DataShard[];
  /**
   * The worker's command line as an argv array (never joined into a shell string here): the entry
   * and `--coordinator HOST:PORT`, the address it dials, which the transport may rewrite (a tunnel).
   */
  readonly argv: readonly string[];
  /**
   * Environment set for this rank on top of the host's: the job's `remote.env`, the GPU it may see,
   * and DTRAIN_JOB, a label to find the job's processes by (the worker does not read it). Who the
   * rank is travels in `worker`, on stdin; secrets too.
   */
  readonly env: Readonly<Record<string, string>>;
  /** Everything the rank needs to know, less the run-time output folders; sent on stdin. */
  readonly worker: PlannedWorker;
}

export interface HostPlan {
  readonly index: number;
  readonly name: string;
  readonly user: string | undefined;
  readonly sshPort: number | undefined;
  /** Runs its ranks as local processes (localhost, or --local). */
  readonly local: boolean;
  readonly slots: number;
  readonly gpus: readonly number[];
  readonly ranks: readonly number[];
  readonly workdir: string;
  /** What would be copied to the host, in words, in order. */
  readonly uploads: readonly string[];
  readonly setup: readonly string[];
}

export interface LaunchPlan {
  readonly jobName: string;
  readonly jobId: string;
  readonly framework: Framework;
  readonly parallelism: Parallelism;
  readonly worldSize: number;
  /** Every host runs as local processes on this machine. */
  readonly localMode: boolean;
  readonly coordinator: { readonly host: string; readonly port: number };
  /** Seconds between pings, and of silence after which a rank counts as lost. */
  readonly heartbeat: { readonly interval: number; readonly timeout: number };
  /** The job file's folder (relative data paths start there; '' when parsed from a string). */
  readonly sourceDir: string;
  readonly hosts: readonly HostPlan[];
  readonly ranks: readonly RankPlan[];
  readonly secrets: readonly string[];
}
