/** Reading the job file named on the command line, relative to the caller's folder. */
import { isAbsolute, resolve } from 'node:path';
import type { JobSpec } from '../configs/job-spec.js';
import { readJob } from '../configs/index.js';
import type { CliIO } from './io.js';

export function jobPath(io: CliIO, file: string): string {
  return isAbsolute(file) ? file : resolve(io.cwd, file);
}

export async function loadJob(io: CliIO, file: string): Promise<JobSpec> {
  return readJob(file, { cwd: io.cwd });
}

/** Runs `body` with SIGINT/SIGTERM turned into an abort of the returned signal (Ctrl-C, dtrain stop). */
export async function withStopSignals<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await body(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
