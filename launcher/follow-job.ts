/**
 * Follows a job through its folder in the store, as `dtrain attach` and the TUI of a detached run do:
 * first everything events.jsonl already holds, then each new line as the coordinator appends it. The
 * ranks' log files are tailed the same way and handed on as `log` events, so a reader needs nothing
 * but the event stream. Only new bytes are read on each poll; a partial last line waits for its end.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import type { EventSink, JobEvent } from './events.js';
import { processAlive } from './stop-job.js';
import type { JobStore } from './store/index.js';
import type { JobRecord } from './store/index.js';

export interface FollowOptions {
  readonly onEvent: EventSink;
  /** Called on every poll with state.json (its ranks' `lastSeen` include heartbeats). */
  readonly onRecord?: (record: JobRecord) => void;
  /** Tail logs/rank-N.log into `log` events (default true). */
  readonly logs?: boolean;
  readonly intervalMs?: number;
  readonly signal?: AbortSignal;
  readonly clock?: () => number;
}

/** How following ended: the job's end event, its coordinator gone without one, or the caller's abort. */
export type FollowEnd =
  | { readonly how: 'ended'; readonly event: Extract<JobEvent, { type: 'job-end' }> }
  | { readonly how: 'abandoned'; readonly record: JobRecord }
  | { readonly how: 'aborted' };

/** Reads a growing file in whole lines from where the last call stopped. */
export class LineTail {
  private fd: number | undefined;
  private offset = 0;
  private partial = '';

  constructor(private readonly path: string) {}

  /** The whole lines appended since the last call (none while the file does not exist). */
  read(): string[] {
    if (this.fd === undefined) {
      if (!existsSync(this.path)) return [];
      this.fd = openSync(this.path, 'r');
    }
    const size = fstatSync(this.fd).size;
    if (size <= this.offset) return [];
    const buf = Buffer.allocUnsafe(size - this.offset);
    const n = readSync(this.fd, buf, 0, buf.length, this.offset);
    this.offset += n;
    const text = this.partial + buf.subarray(0, n).toString('utf8');
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    return lines;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export async function followJob(store: JobStore, id: string, options: FollowOptions): Promise<FollowEnd> {
  const clock = options.clock ?? Date.now;
  const intervalMs = options.intervalMs ?? 100;
  const events = new LineTail(store.eventsPath(id));
  const logs = new Map<number, LineTail>();
  let worldSize = 0;
  let first = true;
  let lastRecordRead = 0;
  // A record that says the job is over (or its coordinator gone) is believed one poll later, once
  // events.jsonl has been read again: the end event may land just after the record was read.
  let gone: JobRecord | undefined;
  try {
    for (;;) {
      let end: FollowEnd | undefined;
      for (const line of events.read()) {
        if (!line) continue;
        let event: JobEvent;
        try {
          event = JSON.parse(line) as JobEvent;
        } catch {
          continue;
        }
        if (event.type === 'job-start') worldSize = event.worldSize;
        // The end is handed on after the last log lines, so a reader sees them before it stops.
        if (event.type === 'job-end') end = { how: 'ended', event };
        else options.onEvent(event);
      }
      if (options.logs !== false) {
        for (let rank = 0; rank < worldSize; rank++) {
          let tail = logs.get(rank);
          if (!tail) {
            tail = new LineTail(store.logPath(id, rank));
            logs.set(rank, tail);
          }
          // Lines already there when following began carry ts 0: they say nothing about liveness.
          const ts = first ? 0 : clock();
          for (const line of tail.read()) options.onEvent({ type: 'log', ts, rank, stream: 'stdout', line });
        }
      }
      if (end?.how === 'ended') {
        options.onEvent(end.event);
        return end;
      }
      first = false;
      if (options.signal?.aborted) return { how: 'aborted' };
      if (gone) return { how: 'abandoned', record: gone };
      const now = clock();
      if (now - lastRecordRead >= 250) {
        lastRecordRead = now;
        const record = tryRead(store, id);
        if (record) {
          options.onRecord?.(record);
          const live = record.state === 'pending' || record.state === 'running';
          if (!live || !processAlive(record.coordinatorPid)) {
            gone = record;
            continue;
          }
        }
      }
      await sleep(intervalMs, options.signal);
    }
  } finally {
    events.close();
    for (const t of logs.values()) t.close();
  }
}

function tryRead(store: JobStore, id: string): JobRecord | undefined {
  try {
    return store.read(id);
  } catch {
    return undefined;
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
