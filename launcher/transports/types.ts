/**
 * The transport contracts: how the launcher gets a rank's process running on its host and how it
 * ends it. local.ts runs ranks as processes on this machine (a Transport); ssh/ reaches remote hosts
 * (a RemoteTransport: it connects and hands back a RemoteHost, and the launcher's provision/ runs
 * the provisioning steps over that). A transport never interprets the job: it is told how to
 * connect, starts argv arrays and kills process groups.
 */
import type { HostPlan, RankPlan } from '../plan/contract.js';

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

/**
 * What provisioning needs of a host, whatever carries it: run a shell command, copy a file there,
 * rename a path. The SSH transport implements it over one connection (exec channels and SFTP); tests
 * implement it with local processes. Paths are absolute paths on the host.
 */
export interface ExecResult {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RemoteHost {
  /** The host as the user wrote it, for messages. */
  readonly name: string;
  /** Runs `command` through the host's shell; `stdin` is written, then closed. */
  exec(command: string, options?: { readonly stdin?: string }): Promise<ExecResult>;
  /** Copies a local file to a path on the host (the folder exists). */
  putFile(localPath: string, remotePath: string): Promise<void>;
  /** Renames a path on the host; fails when `to` already exists. */
  rename(from: string, to: string): Promise<void>;
}

/** A host the transport has connected to and verified, ready to be provisioned. */
export interface ConnectedHost {
  readonly remote: RemoteHost;
  /** The plan's workdir as an absolute path on the host (`~` and relative paths under its home). */
  readonly workdir: string;
}

/**
 * A transport to hosts that must be provisioned before ranks start there. The launcher connects,
 * runs the provisioning steps over the RemoteHost it gets back, then says where the worker is.
 */
export interface RemoteTransport extends Omit<Transport, 'prepare'> {
  /**
   * Connects to the host and checks its host key, reporting the `connect` and `host-key` steps
   * (and marking the one that failed). Throws a DtrainError naming the host.
   */
  connect(host: HostPlan, onStep: StepSink): Promise<ConnectedHost>;
  /** The worker script the host's ranks run, replacing the plan's entry (after provisioning). */
  place(host: HostPlan, placement: { readonly entry: string }): void;
}
