/**
 * The messages between the coordinator and its workers: the one vocabulary the launcher shares with
 * the runtimes. Each is the JSON header of a frame (runtimes/protocol/frame.ts); none carries a
 * payload except where noted. A worker learns its job token and who it is (its WorkerSpec) from the
 * bootstrap line on stdin.
 */
import { parseWorkerSpec, type WorkerSpec } from './worker-spec.js';

/** First line a worker reads on stdin, then stdin is closed. Never on argv, env or in logs. */
export interface Bootstrap {
  readonly token: string;
  /** Secret environment values named in `remote.secrets`, set into the worker's own env. */
  readonly secrets: Readonly<Record<string, string>>;
  /** Everything the rank needs to know about itself and its job. */
  readonly worker: WorkerSpec;
}

export interface PeerAddress {
  readonly rank: number;
  readonly host: string;
  readonly port: number;
}

/** Worker → coordinator, once, after its own peer port is open. */
export interface RegisterMsg {
  readonly t: 'register';
  readonly rank: number;
  readonly host: string;
  readonly port: number;
  readonly pid: number;
}

/** Coordinator → worker once every rank has registered: the peer table, by rank. */
export interface StartMsg {
  readonly t: 'start';
  readonly peers: readonly PeerAddress[];
}

/**
 * Worker → coordinator every heartbeat interval, from the worker's link thread (so a main thread busy
 * with a long synchronous phase does not silence it).
 */
export interface HeartbeatMsg {
  readonly t: 'heartbeat';
  readonly rank: number;
  /**
   * Seconds the worker's main thread has not answered its link thread, when that exceeds two
   * heartbeat intervals (a long parse, binning or checkpoint write; or a main thread that is stuck).
   */
  readonly busy?: number;
}

/** Coordinator → worker, so a worker notices a vanished coordinator even without a socket error. */
export interface PingMsg {
  readonly t: 'ping';
}

export interface ProgressMsg {
  readonly t: 'progress';
  readonly rank: number;
  readonly step: number;
  readonly total: number;
  /** What a step is: 'round', 'epoch', 'size'... */
  readonly unit: string;
  /** Samples (rows) per second, when the workload knows it. */
  readonly samplesPerSec?: number;
  readonly metrics?: Readonly<Record<string, number>>;
}

export interface LogMsg {
  readonly t: 'log';
  readonly rank: number;
  readonly level: 'info' | 'warn' | 'error';
  readonly line: string;
}

/** Which compute backend a rank uses and why (tensorflow: node-gpu, node, wasm or cpu). */
export interface BackendMsg {
  readonly t: 'backend';
  readonly rank: number;
  readonly name: string;
  readonly reason: string;
}

/** A workload's result (rank 0's is the job's result): JSON data, e.g. the doctor table or model path. */
export interface ResultMsg {
  readonly t: 'result';
  readonly rank: number;
  readonly data: unknown;
}

/** Worker → coordinator: it finished its part and is about to exit 0. */
export interface DoneMsg {
  readonly t: 'done';
  readonly rank: number;
}

/** Worker → coordinator: it failed; the message is the root cause as the worker sees it. */
export interface FailMsg {
  readonly t: 'fail';
  readonly rank: number;
  readonly code: string;
  /** The error's category, for readers of the wire; the launcher decides by `code` (configs/error-codes.ts). */
  readonly category?: string;
  readonly message: string;
}

/** Coordinator → worker: stop now (gang stop). */
export interface StopMsg {
  readonly t: 'stop';
  readonly reason: string;
}

export type WorkerToCoordinator =
  | RegisterMsg
  | HeartbeatMsg
  | ProgressMsg
  | LogMsg
  | BackendMsg
  | ResultMsg
  | DoneMsg
  | FailMsg;
/** Coordinator → worker: its `done` arrived; it may exit. */
export interface ByeMsg {
  readonly t: 'bye';
}

export type CoordinatorToWorker = StartMsg | PingMsg | StopMsg | ByeMsg;

/** Parses the bootstrap line; throws on anything that is not one. */
export function parseBootstrap(line: string): Bootstrap {
  const value: unknown = JSON.parse(line);
  if (typeof value !== 'object' || value === null) throw new Error('bootstrap is not an object');
  const { token, secrets, worker } = value as Record<string, unknown>;
  if (typeof token !== 'string' || !/^[0-9a-f]{64}$/.test(token))
    throw new Error('bootstrap has no valid token');
  const out: Record<string, string> = {};
  if (secrets && typeof secrets === 'object') {
    for (const [k, v] of Object.entries(secrets)) if (typeof v === 'string') out[k] = v;
  }
  return { token, secrets: out, worker: parseWorkerSpec(worker) };
}

/** Checks a start message's peer table: one address per rank of a world of `worldSize`, in rank order. */
export function parseStart(header: unknown, worldSize: number): StartMsg {
  const peers = (header as { peers?: unknown }).peers;
  if (!Array.isArray(peers) || peers.length !== worldSize)
    throw new Error(`start message: peers must list all ${worldSize} ranks`);
  const table = peers.map((p: unknown, i): PeerAddress => {
    const { rank, host, port } = (p ?? {}) as Record<string, unknown>;
    if (rank !== i || typeof host !== 'string' || !Number.isInteger(port))
      throw new Error(`start message: peers[${i}] is not rank ${i}'s address`);
    return { rank: i, host, port: port as number };
  });
  return { t: 'start', peers: table };
}
