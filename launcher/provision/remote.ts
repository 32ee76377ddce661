/**
 * The RemoteHost contract (launcher/transports/types.ts) that provisioning runs over, and what it
 * reads from a command's result.
 */
import type { ExecResult } from '../transports/index.js';

export type { ExecResult, RemoteHost } from '../transports/index.js';

/** The last lines of a command's stderr (or stdout when stderr is empty), for an error's detail. */
export function lastLines(result: ExecResult, count = 5): string {
  const text = result.stderr.trim() !== '' ? result.stderr : result.stdout;
  return text.trimEnd().split('\n').slice(-count).join('\n');
}
