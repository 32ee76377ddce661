/** Registers every verb on the program. Each verb lives in its own file. */
import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { registerAttach } from './attach.js';
import { registerDoctor } from './doctor.js';
import { registerHosts } from './hosts.js';
import { registerInit } from './init.js';
import { registerLogs } from './logs.js';
import { registerPlan } from './plan.js';
import { registerPredict } from './predict.js';
import { registerRun } from './run.js';
import { registerStatus } from './status.js';
import { registerStop } from './stop.js';
import { registerValidate } from './validate.js';

export function registerCommands(program: Command, io: CliIO): void {
  registerInit(program, io);
  registerValidate(program, io);
  registerPlan(program, io);
  registerDoctor(program, io);
  registerRun(program, io);
  registerStatus(program, io);
  registerLogs(program, io);
  registerAttach(program, io);
  registerStop(program, io);
  registerPredict(program, io);
  registerHosts(program, io);
}
