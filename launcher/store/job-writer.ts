/**
 * The one writer of a job's folder, held by its coordinator: appends events and log lines, and
 * replaces state.json atomically. Log files are opened once per rank and appended to.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { JobEvent } from '../events.js';
import { writeFileAtomic } from './job-store.js';
import type { JobRecord } from './types.js';

export class JobWriter {
  private readonly eventsFd: number;
  private readonly logFds = new Map<number, number>();
  private closed = false;

  constructor(readonly dir: string) {
    this.eventsFd = openSync(join(dir, 'events.jsonl'), 'a', 0o600);
  }

  writeJob(content: unknown): void {
    writeFileAtomic(join(this.dir, 'job.json'), `${JSON.stringify(content, null, 2)}\n`);
  }

  writeState(record: JobRecord): void {
    if (this.closed) return;
    writeFileAtomic(join(this.dir, 'state.json'), `${JSON.stringify(record, null, 2)}\n`);
  }

  appendEvent(event: JobEvent): void {
    if (this.closed) return;
    writeSync(this.eventsFd, `${JSON.stringify(event)}\n`);
  }

  appendLog(rank: number, line: string): void {
    if (this.closed) return;
    let fd = this.logFds.get(rank);
    if (fd === undefined) {
      fd = openSync(join(this.dir, 'logs', `rank-${rank}.log`), 'a', 0o600);
      this.logFds.set(rank, fd);
    }
    writeSync(fd, `${line}\n`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.eventsFd);
    for (const fd of this.logFds.values()) closeSync(fd);
    this.logFds.clear();
  }
}
