/** `dtrain plan JOB`: the dry run — rank map and what would be uploaded and run where. */
import type { Command } from 'commander';
import { formatPlan, planJob } from '../../launcher/index.js';
import type { CliIO } from '../io.js';
import { loadJob } from '../job-args.js';

export function registerPlan(program: Command, io: CliIO): void {
  program
    .command('plan')
    .description('show which rank runs where and what would be uploaded and run; touches nothing')
    .argument('<job>', 'job file (YAML)')
    .option('--local', 'plan every host as local processes on this machine')
    .option('--json', 'print the plan as JSON')
    .action(async (file: string, opts: { local?: boolean; json?: boolean }) => {
      const plan = planJob(await loadJob(io, file), { local: opts.local ?? false });
      io.stdout.write(opts.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
    });
}
