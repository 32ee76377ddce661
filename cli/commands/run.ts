/** `dtrain run JOB`: provision, start, train, collect; events rendered as they come. */
import type { Command } from 'commander';
import { dtrainHome, formatPlan, planJob, runJob } from '../../launcher/index.js';
import { type CliIO, println } from '../io.js';
import { loadJob, withStopSignals } from '../job-args.js';
import { plainRenderer } from '../render/plain.js';

export function registerRun(program: Command, io: CliIO): void {
  program
    .command('run')
    .description('run a job: start every rank, train, collect the model')
    .argument('<job>', 'job file (YAML)')
    .option('--local', 'run every host of the file as local processes on this machine')
    .option('--dry-run', 'print the plan and touch nothing (same as dtrain plan)')
    .option('--no-tui', 'print plain lines even on a terminal')
    .option('--json', 'print one JSON object per event')
    .action(async (file: string, opts: { local?: boolean; dryRun?: boolean; json?: boolean }) => {
      const spec = await loadJob(io, file);
      if (opts.dryRun) {
        io.stdout.write(formatPlan(planJob(spec, { local: opts.local ?? false })));
        return;
      }
      const render = plainRenderer(io.stdout, { json: opts.json ?? false });
      const result = await withStopSignals((signal) =>
        runJob(spec, {
          local: opts.local ?? false,
          home: dtrainHome(io.env),
          env: io.env,
          cwd: io.cwd,
          onEvent: render,
          signal,
        }),
      );
      if (!opts.json && result.state === 'succeeded')
        println(io.stdout, `results in ${result.jobId}: dtrain status ${result.jobId}`);
      io.exitCode = result.exitCode;
    });
}
