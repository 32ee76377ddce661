/**
 * What a command may touch of the outside world. main() builds the real one from `process`; tests
 * pass their own, so no command reads process.argv/env or calls process.exit itself.
 */
import { EXIT } from '../configs/error-codes.js';

export interface CliIO {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Set by an action to the exit code it wants; main() returns it. */
  exitCode: number;
}

export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    exitCode: EXIT.ok,
  };
}

/** Write one line to a stream. */
export function println(stream: NodeJS.WritableStream, line = ''): void {
  stream.write(`${line}\n`);
}
