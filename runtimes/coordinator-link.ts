/**
 * The worker's link to its coordinator, as the main thread sees it. The socket lives on a thread of
 * its own (link-thread.ts) that also sends the heartbeats and watches the coordinator's pings, so
 * liveness never waits for the main thread: parsing, binning, training and checkpoint writes may
 * hold it for minutes. Everything else is relayed: `send` posts a frame to the thread, and frames
 * from the coordinator other than pings come back as `onFrame` calls.
 *
 * Why a thread that owns the one connection rather than a second heartbeat connection: the
 * coordinator keeps exactly one authenticated connection per rank, and both ends watch the same link
 * (a cut link silences heartbeats and frames alike), with no second channel to authenticate, tunnel
 * over SSH and keep in step. A Node socket cannot move between threads, so the thread dials it.
 */
import { Worker } from 'node:worker_threads';
import type { AuthOptions, FrameHeader, Peer } from './protocol/index.js';
import type { LinkData, LinkToMain, MainToLink } from './link-messages.js';

export interface CoordinatorLink {
  /** Resolves once the frame reached the kernel; rejects when the link is gone. */
  send(msg: FrameHeader): Promise<void>;
  /** The job's heartbeat period and timeout, from the start message (seconds). */
  setTiming(intervalS: number, timeoutS: number): void;
  close(): void;
}

export interface LinkOptions {
  readonly host: string;
  readonly port: number;
  readonly me: Peer;
  readonly auth: AuthOptions;
  /** Every coordinator frame but pings. */
  readonly onFrame: (header: FrameHeader) => void;
  /** The coordinator is gone (socket closed or silent past the timeout); the worker should exit. */
  readonly onLost: (why: string) => void;
}

/** Before the start message names the job's timing: 1 s heartbeats, 10 s of silence allowed. */
const DEFAULT_INTERVAL_MS = 1000;
const DEFAULT_TIMEOUT_MS = 10_000;

/** Starts the link thread and resolves once it is connected and authenticated. */
export function openCoordinatorLink(o: LinkOptions): Promise<CoordinatorLink> {
  const data: LinkData = {
    host: o.host,
    port: o.port,
    me: o.me,
    auth: o.auth,
    intervalMs: DEFAULT_INTERVAL_MS,
    timeoutMs: DEFAULT_TIMEOUT_MS,
  };
  const thread = new Worker(new URL('./link-thread.js', import.meta.url), { workerData: data });
  const post = (m: MainToLink) => thread.postMessage(m);
  const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let gone: string | undefined;
  let alive = setInterval(() => post({ op: 'alive' }), DEFAULT_INTERVAL_MS);
  alive.unref();

  const lose = (why: string) => {
    if (gone !== undefined) return;
    gone = why;
    clearInterval(alive);
    for (const p of pending.values()) p.reject(new Error(why));
    pending.clear();
    o.onLost(why);
  };

  const link: CoordinatorLink = {
    send(msg) {
      if (gone !== undefined) return Promise.reject(new Error(gone));
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        post({ op: 'send', id, msg });
      });
    },
    setTiming(intervalS, timeoutS) {
      post({ op: 'timing', intervalMs: intervalS * 1000, timeoutMs: timeoutS * 1000 });
      clearInterval(alive);
      alive = setInterval(() => post({ op: 'alive' }), intervalS * 1000);
      alive.unref();
    },
    close() {
      if (gone === undefined) post({ op: 'close' });
      gone ??= 'closed';
      clearInterval(alive);
    },
  };

  return new Promise((resolve, reject) => {
    let connected = false;
    thread.on('message', (m: LinkToMain) => {
      switch (m.op) {
        case 'connected':
          connected = true;
          resolve(link);
          return;
        case 'failed':
          gone = m.message;
          reject(new Error(m.message));
          return;
        case 'frame':
          o.onFrame(m.header);
          return;
        case 'sent': {
          const p = pending.get(m.id);
          pending.delete(m.id);
          if (m.error === undefined) p?.resolve();
          else p?.reject(new Error(m.error));
          return;
        }
        case 'lost':
          lose(m.why);
          return;
      }
    });
    thread.on('error', (e) => {
      const why = `the coordinator link thread failed: ${e.message}`;
      if (connected) lose(why);
      else reject(e);
    });
    thread.on('exit', () => {
      if (connected && gone === undefined) lose('the coordinator link thread ended');
    });
  });
}
