/**
 * What the worker's main thread and its link thread (link-thread.ts) say to each other. Frames are
 * relayed as plain JSON headers; `send` is answered by `sent` once the bytes reached the kernel (or
 * failed), so the main thread can wait for its last words before it exits.
 */
import type { AuthOptions, FrameHeader, Peer } from './protocol/index.js';

/** The link thread's workerData. */
export interface LinkData {
  readonly host: string;
  readonly port: number;
  readonly me: Peer;
  readonly auth: AuthOptions;
  /** Heartbeat period and coordinator-silence limit until the start message sets the job's. */
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

export type MainToLink =
  | { readonly op: 'send'; readonly id: number; readonly msg: FrameHeader }
  | { readonly op: 'timing'; readonly intervalMs: number; readonly timeoutMs: number }
  /** The main thread's event loop turned (sent every heartbeat interval; any message counts). */
  | { readonly op: 'alive' }
  | { readonly op: 'close' };

export type LinkToMain =
  | { readonly op: 'connected' }
  | { readonly op: 'failed'; readonly message: string }
  | { readonly op: 'frame'; readonly header: FrameHeader }
  | { readonly op: 'sent'; readonly id: number; readonly error?: string }
  | { readonly op: 'lost'; readonly why: string };
