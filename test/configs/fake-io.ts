/** A CliIO whose streams collect what a command writes, and a commander program to run one verb on. */
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import type { CliIO } from '../../cli/io.js';

export interface FakeIO extends CliIO {
  readonly out: () => string;
  readonly err: () => string;
}

export function fakeIO(cwd: string): FakeIO {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  stdout.on('data', (c: Buffer) => chunks.out.push(c));
  stderr.on('data', (c: Buffer) => chunks.err.push(c));
  return {
    stdout,
    stderr,
    stdin: new PassThrough(),
    env: {},
    cwd,
    exitCode: 0,
    out: () => Buffer.concat(chunks.out).toString('utf8'),
    err: () => Buffer.concat(chunks.err).toString('utf8'),
  };
}

/** Runs `dtrain ARGS...` on a program with only the verbs `register` adds. */
export async function runVerb(
  io: FakeIO,
  register: (program: Command, io: CliIO) => void,
  args: readonly string[],
): Promise<void> {
  const program = new Command('dtrain').exitOverride().configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
  });
  register(program, io);
  await program.parseAsync(['node', 'dtrain', ...args]);
}
