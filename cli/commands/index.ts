/** Registers every verb on the program. Each verb lives in its own file. */
import type { Command } from 'commander';
import type { CliIO } from '../io.js';

export function registerCommands(program: Command, io: CliIO): void {
  void program;
  void io;
}
