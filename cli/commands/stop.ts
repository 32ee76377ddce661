/** `dtrain stop JOB`: stop every process of the job, and nothing else. */
import type { Command } from 'commander';
import { dtrainHome, JobStore, stopJob } from '../../launcher/index.js';
import { type CliIO, println } from '../io.js';

export function registerStop(program: Command, io: CliIO): void {
  program
    .command('stop')
    .description('stop every process of a running job')
    .argument('<job>', 'job id, unique id prefix, job name or "latest"')
    .action(async (query: string) => {
      const { record, already } = await stopJob(new JobStore(dtrainHome(io.env)), query);
      println(
        io.stdout,
        already ? `job ${record.id} is not running (${record.state})` : `stopped job ${record.id}`,
      );
    });
}
