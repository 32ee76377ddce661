/**
 * `dtrain run JOB`: provision, start, train, collect; events rendered as they come. On a terminal
 * (and with --detach) the job's coordinator runs as a background process of its own, and this one
 * attaches to it: closing the view, or the terminal, leaves the job running.
 */
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { DtrainError } from '../../configs/errors.js';
import type { JobSpec } from '../../configs/job-spec.js';
import { dtrainHome, formatPlan, JobStore, planJob, runJob, startDetached } from '../../launcher/index.js';
import { type CliIO, println } from '../io.js';
import { jobPath, loadJob, withStopSignals } from '../job-args.js';
import { plainRenderer } from '../render/plain.js';
import { attachJob, canShowTui } from './attach.js';

/** The installed entry (bin/dtrain.js), which the background coordinator runs. */
const BIN = fileURLToPath(new URL('../../../bin/dtrain.js', import.meta.url));

interface RunOptions {
  local?: boolean;
  dryRun?: boolean;
  json?: boolean;
  resume?: string;
  detach?: boolean;
  tui?: boolean;
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
    .option('--detach', 'start the job in the background, print its id and return (dtrain attach JOB)')
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
      const interactive = opts.tui !== false && !opts.json && canShowTui(io);
      if (opts.detach || interactive) {
        const store = new JobStore(home);
        const started = await startDetached({
          command: process.execPath,
          args: [
            BIN,
            'run',
            ...(file !== undefined ? [jobPath(io, file)] : []),
            '--no-tui',
            ...(opts.local ? ['--local'] : []),
            ...(earlier ? ['--resume', earlier.id] : []),
          ],
          cwd: io.cwd,
          env: io.env,
          home,
        });
        if (opts.detach) {
          if (opts.json)
            return println(io.stdout, JSON.stringify({ jobId: started.jobId, pid: started.pid }));
          println(
            io.stdout,
            `job ${started.jobId} started in the background (coordinator pid ${started.pid})`,
          );
          println(io.stdout, `  dtrain attach ${started.jobId}    watch it`);
          println(io.stdout, `  dtrain status ${started.jobId}    where it stands`);
          println(io.stdout, `  dtrain stop ${started.jobId}      stop it`);
          return;
        }
        io.exitCode = await attachJob(io, store, store.find(started.jobId), { tui: true, json: false });
        if (io.exitCode === 0 && store.read(started.jobId).state === 'succeeded')
          println(io.stdout, `results in ${started.jobId}: dtrain status ${started.jobId}`);
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
          ...startupTimeout(io.env),
          ...(earlier ? { resumeFrom: earlier.output } : {}),
        }),
      );
      if (!opts.json && result.state === 'succeeded')
        println(io.stdout, `results in ${result.jobId}: dtrain status ${result.jobId}`);
      io.exitCode = result.exitCode;
    });
}

/** DTRAIN_STARTUP_TIMEOUT (seconds): how long ranks have to register; default 60. */
function startupTimeout(env: Readonly<Record<string, string | undefined>>): { startupTimeoutMs?: number } {
  const s = Number(env['DTRAIN_STARTUP_TIMEOUT']);
  return Number.isFinite(s) && s > 0 ? { startupTimeoutMs: s * 1000 } : {};
}
