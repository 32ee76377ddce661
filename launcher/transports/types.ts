/**
 * The transport contract: how the launcher gets a rank's process running on its host and how it
 * ends it. local.ts runs ranks as processes on this machine; ssh.ts (later) on remote hosts. A
 * transport never interprets the job; it provisions, starts argv arrays and kills process groups.
 */
import type { HostPlan, RankPlan } from '../plan/types.js';

export interface RankExit {
  readonly code: number | null;
  readonly signal: string | null;
}

export interface RankProcess {
  readonly rank: number;
  readonly pid: number;
  /** Resolves once the process has exited (never rejects). */
  readonly exited: Promise<RankExit>;
  /** Sends a signal to the rank's whole process group; a process already gone is not an error. */
  kill(signal: NodeJS.Signals): void;
}

export interface StartOptions {
  /** The bootstrap line (job token, secrets, WorkerSpec), written to stdin, then stdin is closed. */
  readonly bootstrap: string;
  /**
   * Where the coordinator listens on this machine. The transport rewrites the rank's
   * `--coordinator` argument to whatever the rank can reach (ssh: a reverse tunnel on its host).
   */
  readonly coordinator: { readonly host: string; readonly port: number };
  /** Every line the process prints, as it prints it. */
  readonly onLine: (stream: 'stdout' | 'stderr', line: string) => void;
}

/** Provisioning steps of a host, in order; the TUI shows them as a checklist. */
export type HostStep =
  | 'connect'
  | 'host-key'
  | 'node'
  | 'gpus'
  | 'disk'
  | 'clock'
  | 'upload'
  | 'setup'
  | 'data'
  | 'start';
export type StepState = 'running' | 'done' | 'skipped' | 'failed';
export type StepSink = (host: string, step: HostStep, state: StepState, detail?: string) => void;

export interface Transport {
  readonly name: string;
  /**
   * Gets a host ready to start ranks (connect, verify, check node, upload, setup, ship data),
   * reporting each step; nothing for local hosts. Throws a DtrainError naming the host.
   */
  prepare(host: HostPlan, onStep: StepSink): Promise<void>;
  start(rank: RankPlan, options: StartOptions): Promise<RankProcess>;
  /** Copies a local file to `remotePath` on the host (atomically: temp name, then rename). */
  put(host: HostPlan, localPath: string, remotePath: string): Promise<void>;
  /** Copies `remotePath` on the host to a local file. */
  fetch(host: HostPlan, remotePath: string, localPath: string): Promise<void>;
  /** Where ranks on this host write their outputs (an absolute path on the host). */
  outputDir(host: HostPlan, localOutputDir: string): string;
  /** Releases connections; called once at the end of a run. */
  close(): Promise<void>;
}
