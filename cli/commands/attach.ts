/**
 * `dtrain attach JOB`: follow a job from the store. On a terminal the TUI is rebuilt from the job's
 * events and follows it live (d or q leave it running); elsewhere the same events are printed as
 * plain or JSON lines until the job ends. The exit code is the job's.
 */
import type { Command } from 'commander';
import { DtrainError, EXIT } from '../../configs/errors.js';
import { dtrainHome, followJob, type JobRecord, JobStore } from '../../launcher/index.js';
import { type CliIO, println } from '../io.js';
import { plainRenderer } from '../render/plain.js';

export function registerAttach(program: Command, io: CliIO): void {
  program
    .command('attach')
    .description("reopen a job's live view (the TUI on a terminal, plain lines elsewhere)")
    .argument('<job>', 'job id, unique id prefix, job name or "latest"')
    .option('--no-tui', 'print plain lines even on a terminal')
    .option('--json', 'print one JSON object per event')
    .action(async (query: string, opts: { tui?: boolean; json?: boolean }) => {
      const store = new JobStore(dtrainHome(io.env));
      const job = store.find(query);
      io.exitCode = await attachJob(io, store, job, {
        tui: opts.tui !== false && !opts.json,
        json: opts.json ?? false,
      });
    });
}

/**
 * A terminal that can show the TUI: both ends are TTYs, TERM is not dumb, and this is not CI (where
 * Ink would draw only the last frame, and plain lines are the interface).
 */
export function canShowTui(io: CliIO): boolean {
  const ci = ['CI', 'CONTINUOUS_INTEGRATION'].some((k) => {
    const v = io.env[k];
    return v !== undefined && v !== '0' && v !== 'false';
  });
  return Boolean(io.stdout.isTTY && io.stdin.isTTY) && io.env['TERM'] !== 'dumb' && !ci;
}

/** Colour unless NO_COLOR is set (https://no-color.org) or the terminal is dumb. */
export function wantsColor(io: CliIO): boolean {
  return !io.env['NO_COLOR'] && io.env['TERM'] !== 'dumb';
}

/** Follows a job until it ends (its exit code) or the user detaches (0). */
export async function attachJob(
  io: CliIO,
  store: JobStore,
  job: JobRecord,
  options: { tui: boolean; json: boolean },
): Promise<number> {
  if (options.tui && canShowTui(io)) {
    // Ink and React load only here, on a terminal (STYLE.md: gemini-cli); React's development
    // build costs several times the CPU per frame, so the production one unless told otherwise.
    process.env['NODE_ENV'] ??= 'production';
    const { runTui } = await import('../render/tui/index.js');
    const plan = tryPlan(store, job.id);
    const result = await runTui({
      store,
      jobId: job.id,
      seed: {
        jobId: job.id,
        heartbeatInterval: trySpec(store, job.id),
        ranks: plan ?? job.ranks.map((r) => ({ rank: r.rank, host: r.host })),
      },
      stdout: io.stdout,
      stdin: io.stdin,
      canDetach: true,
      color: wantsColor(io),
    });
    if (result.how === 'detached') {
      println(io.stdout, `detached from job ${job.id}; it keeps running.`);
      println(io.stdout, `  dtrain attach ${job.id}    reopen this view`);
      println(io.stdout, `  dtrain stop ${job.id}      stop it`);
      return EXIT.ok;
    }
    return result.exitCode;
  }
  const render = plainRenderer(io.stdout, { json: options.json });
  const end = await followJob(store, job.id, { onEvent: render });
  if (end.how === 'ended') return end.event.exitCode;
  if (end.how === 'abandoned') {
    const r = end.record;
    if (r.state === 'running' || r.state === 'pending')
      throw new DtrainError('E_ABANDONED', `job ${r.id}: its coordinator (pid ${r.coordinatorPid}) is gone`, {
        category: 'infra',
        detail: `dtrain stop ${r.id} kills what it left behind`,
      });
    return r.exitCode ?? EXIT.jobFailed;
  }
  return EXIT.ok;
}

function tryPlan(
  store: JobStore,
  id: string,
): { rank: number; host: string; gpu: number | undefined }[] | undefined {
  try {
    return store.readPlan(id).ranks.map((r) => ({ rank: r.rank, host: r.hostName, gpu: r.gpu }));
  } catch {
    return undefined;
  }
}

function trySpec(store: JobStore, id: string): number {
  try {
    return store.readSpec(id).network.heartbeat_interval;
  } catch {
    return 1;
  }
}
