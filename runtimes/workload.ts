/**
 * What a framework runtime gets from the worker: its place in the gang, the communicator, the part
 * of the job it reads (from its WorkerSpec), and ways to report. A workload resolves when its part is
 * done and throws on failure.
 */
import type { Communicator, PeerEntry } from './comm/index.js';
import type { AuthOptions, WorkerJob, WorkerSpec } from './protocol/index.js';

export interface WorkloadContext {
  readonly jobId: string;
  readonly rank: number;
  readonly worldSize: number;
  readonly comm: Communicator;
  /**
   * How this rank's communicator was formed, for runtimes that need a second mesh (the tensorflow
   * runtime runs one on a worker thread): the job's auth, the address to listen on, every rank's
   * advertised host.
   */
  readonly mesh: {
    readonly auth: AuthOptions;
    readonly bindHost: string;
    readonly peers: readonly PeerEntry[];
  };
  /** The job as this rank's runtime needs it: framework, parallelism, parameters, data files. */
  readonly spec: WorkerJob;
  /** Everything the launcher told this rank (the source of every other field here). */
  readonly worker: WorkerSpec;
  /** Absolute folder for outputs on this host. */
  readonly outputDir: string;
  /**
   * Where this rank's data is on its host: `train`/`valid` are its shipped parts (read whole), else
   * the job file's paths are read by byte range, relative to `dir`.
   */
  readonly data: { readonly train?: string; readonly valid?: string; readonly dir: string };
  /** The output folder of an earlier run whose latest checkpoint to continue from (`run --resume`). */
  readonly resumeFrom: string | undefined;
  readonly progress: (p: {
    step: number;
    total: number;
    unit: string;
    samplesPerSec?: number;
    metrics?: Record<string, number>;
  }) => void;
  readonly log: (level: 'info' | 'warn' | 'error', line: string) => void;
  /** Which compute backend this rank uses and why (tensorflow), for the renderers. */
  readonly backend: (name: string, reason: string) => void;
  /** Rank 0's result is the job's result. */
  readonly result: (data: unknown) => void;
  /** Aborted when the coordinator says stop. */
  readonly signal: AbortSignal;
}

export type Workload = (ctx: WorkloadContext) => Promise<void>;
