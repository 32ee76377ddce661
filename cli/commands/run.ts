/** `dtrain run JOB`: provision, start, train, collect; events rendered as they come. */
import type { Command } from 'commander';
import { DtrainError } from '../../configs/errors.js';
import type { JobSpec } from '../../configs/job-spec.js';
import { dtrainHome, formatPlan, JobStore, planJob, runJob } from '../../launcher/index.js';
import { type CliIO, println } from '../io.js';
import { loadJob, withStopSignals } from '../job-args.js';
import { plainRenderer } from '../render/plain.js';

interface RunOptions {
  local?: boolean;
  dryRun?: boolean;
  json?: boolean;
  resume?: string;
}

export function registerRun(program: Command, io: CliIO): void {
  program
    .command('run')
    .description('run a job: start every rank, train, collect the model')
    .argument('[job]', 'job file (YAML); with --resume, defaults to the spec the earlier run used')
    .option('--local', 'run every host of the file as local processes on this machine')
    .option('--dry-run', 'print the plan and touch nothing (same as dtrain plan)')
    .option(
      '--resume <job>',
      "continue an earlier job from its latest checkpoint (a job id, name or 'latest')",
    )
    .option('--no-tui', 'print plain lines even on a terminal')
    .option('--json', 'print one JSON object per event')
    .action(async (file: string | undefined, opts: RunOptions) => {
      const home = dtrainHome(io.env);
      const earlier = opts.resume === undefined ? undefined : new JobStore(home).find(opts.resume);
      let spec: JobSpec;
      if (file !== undefined) spec = await loadJob(io, file);
      else if (earlier) spec = new JobStore(home).readSpec(earlier.id);
      else throw new DtrainError('E_USAGE', 'run: name a job file (or --resume JOB)', { category: 'config' });
      if (opts.dryRun) {
        io.stdout.write(formatPlan(planJob(spec, { local: opts.local ?? false })));
        return;
      }
      const render = plainRenderer(io.stdout, { json: opts.json ?? false });
      const result = await withStopSignals((signal) =>
        runJob(spec, {
          local: opts.local ?? false,
          home,
          env: io.env,
          cwd: io.cwd,
          onEvent: render,
          signal,
          ...(earlier ? { resumeFrom: earlier.output } : {}),
        }),
      );
      if (!opts.json && result.state === 'succeeded')
        println(io.stdout, `results in ${result.jobId}: dtrain status ${result.jobId}`);
      io.exitCode = result.exitCode;
    });
}
