/**
 * The commander program: one file per verb under commands/, each a few lines that parse, call the
 * core, render and set an exit code. Errors become one short line on stderr and an exit code from
 * the table in configs/error-codes.ts.
 */
import { Command, CommanderError } from 'commander';
import { exitCodeFor } from '../configs/error-codes.js';
import { DtrainError, EXIT, exitCodeOf } from '../configs/errors.js';
import { registerCommands } from './commands/index.js';
import { type CliIO, println, processIO } from './io.js';

export function buildProgram(io: CliIO): Command {
  const program = new Command('dtrain')
    .description('Train machine-learning models across a cluster of ordinary machines from one YAML file.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run dtrain --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride();
  registerCommands(program, io);
  return program;
}

export const VERSION = '0.1.0';

/** Runs the CLI with argv (as process.argv: node, script, args...) and resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv]);
    return io.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0; usage mistakes are bad input.
      return error.exitCode === 0 ? EXIT.ok : exitCodeFor('E_USAGE');
    }
    reportError(io, error);
    return exitCodeOf(error);
  }
}

/** One short line first (what failed, where), details after; a stack only for internal errors. */
export function reportError(io: CliIO, error: unknown): void {
  if (error instanceof DtrainError) {
    println(io.stderr, `dtrain: ${error.message}`);
    if (error.detail) println(io.stderr, error.detail);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  println(io.stderr, `dtrain: internal error: ${message}`);
  if (error instanceof Error && error.stack && io.env['DTRAIN_DEBUG']) println(io.stderr, error.stack);
}
