/** How a process ended, in words: `exited with code 1`, `was killed by SIGKILL`. */
export function describeExit(code: number | null, signal: string | null): string {
  if (signal) return `was killed by ${signal}`;
  if (code === null) return 'ended without an exit code';
  // A shell reports a signal death as 128+N; say which signal that was.
  if (code > 128 && code < 160) {
    const name = SIGNAL_NAMES[code - 128];
    if (name) return `exited with code ${code} (${name})`;
  }
  return `exited with code ${code}`;
}

const SIGNAL_NAMES: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  6: 'SIGABRT',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  13: 'SIGPIPE',
  15: 'SIGTERM',
};
