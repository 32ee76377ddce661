/**
 * Runs a planned job: starts the supervisor (coordinator, heartbeat watch, start-up deadline),
 * provisions hosts, starts every rank with its bootstrap line on stdin (job token, secrets, its
 * WorkerSpec), and waits while the supervisor hands out the peer table, watches the gang and stops it
 * on the first failure, naming it as the root cause; then brings the results home. Its I/O comes in
 * as parameters (transport, tracker, clock, signal); it never reads process state or exits, and
 * reads the job only through the plan.
 */
import { randomBytes } from 'node:crypto';
import { type ErrorCode, EXIT, exitCodeFor } from '../configs/error-codes.js';
import { DtrainError } from '../configs/errors.js';
import type { Bootstrap } from '../runtimes/protocol/index.js';
import { collect } from './collect.js';
import type { JobTracker } from './job-tracker.js';
import { forRun, type LaunchPlan } from './plan/index.js';
import { shipData } from './ship-data.js';
import { type Cause, Supervisor } from './supervise/index.js';
import type { StepSink, Transport } from './transports/index.js';

export interface LaunchOptions {
  readonly plan: LaunchPlan;
  readonly transport: Transport;
  readonly tracker: JobTracker;
  readonly secrets: Readonly<Record<string, string>>;
  /** Where rank 0 writes the model and results (absolute). */
  readonly outputDir: string;
  /** An earlier run's output folder to resume from. */
  readonly resumeFrom?: string;
  /** The folder relative data paths are resolved against when the job file has none. */
  readonly cwd: string;
  readonly clock: () => number;
  /** Aborting it stops the job (Ctrl-C, `dtrain stop`). */
  readonly signal?: AbortSignal;
  /** How long ranks may take to start and register, in ms. */
  readonly startupTimeoutMs?: number;
  /** How long a stopped rank may take to exit before SIGKILL, in ms. */
  readonly killGraceMs?: number;
}

export interface RunResult {
  readonly state: 'succeeded' | 'failed' | 'stopped';
  readonly exitCode: number;
  /** The failure's code (its category decides the exit code and whether a restart may help). */
  readonly code: ErrorCode | undefined;
  readonly error: string | undefined;
  /** Rank 0's result data. */
  readonly result: unknown;
  readonly elapsed: number;
}

export async function launch(o: LaunchOptions): Promise<RunResult> {
  const { plan, tracker, clock } = o;
  const started = clock();
  const token = randomBytes(32).toString('hex');
  const supervisor = new Supervisor({
    plan,
    tracker,
    clock,
    token,
    heartbeat: plan.heartbeat,
    startupTimeoutMs: o.startupTimeoutMs ?? 60000,
    killGraceMs: o.killGraceMs ?? 3000,
  });
  const { rootCause } = supervisor;
  const onAbort = () =>
    rootCause.stop({ message: 'stopped by request', state: 'stopped', code: 'E_INTERRUPTED' });
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const port = await supervisor.open();
  tracker.record.startedAt = clock();
  tracker.flush();
  try {
    await prepareHosts(o);
    await startRanks(o, supervisor, token, port);
  } catch (error) {
    rootCause.stop({
      message: `could not start the job: ${error instanceof Error ? error.message : String(error)}`,
      state: 'failed',
      code: error instanceof DtrainError ? error.code : 'E_START',
      ...(error instanceof DtrainError && error.detail ? { detail: error.detail } : {}),
    });
  }
  supervisor.settleIfIdle();
  await supervisor.finished;
  o.signal?.removeEventListener('abort', onAbort);
  await supervisor.close();
  // Rank 0's result is the job's.
  let result = supervisor.results.get(0);
  if (!rootCause.named)
    result = await collect(plan, o.transport, o.outputDir, result).catch((error: unknown) => {
      const message = `could not fetch the results: ${(error as Error).message}`;
      rootCause.late({ message, state: 'failed', code: 'E_FETCH' });
      return result;
    });
  await o.transport.close();
  return finish(tracker, rootCause.final(), result, (clock() - started) / 1000, clock);
}

/** Provisions every host (each finishes or fails before anything is torn down), then ships data. */
async function prepareHosts(o: LaunchOptions): Promise<void> {
  const { plan, tracker, clock } = o;
  const onStep: StepSink = (name, step, state, detail) =>
    tracker.emit({ type: 'host-step', ts: clock(), host: name, step, state, detail });
  const prepared = await Promise.allSettled(plan.hosts.map((host) => o.transport.prepare(host, onStep)));
  const failed = prepared.find((p): p is PromiseRejectedResult => p.status === 'rejected');
  if (failed) throw failed.reason;
  await shipData(plan, o.transport, o.cwd, onStep);
  for (const host of plan.hosts)
    tracker.emit({ type: 'host-ready', ts: clock(), host: host.name, ranks: host.ranks });
}

/**
 * Starts every rank in turn, until a cause is named. Its bootstrap line on stdin carries the job
 * token, the secrets and its WorkerSpec; argv carries only the address to dial.
 */
async function startRanks(
  o: LaunchOptions,
  supervisor: Supervisor,
  token: string,
  port: number,
): Promise<void> {
  for (const rank of o.plan.ranks) {
    if (supervisor.rootCause.named) break;
    const host = o.plan.hosts[rank.host]!;
    const worker = forRun(
      rank.worker,
      o.transport.outputDir(host, o.outputDir),
      host.local ? o.resumeFrom : undefined,
    );
    const bootstrap: Bootstrap = { token, secrets: o.secrets, worker };
    const argv = withCoordinatorPort(rank.argv, port);
    const proc = await o.transport.start(
      { ...rank, argv },
      {
        bootstrap: JSON.stringify(bootstrap),
        coordinator: { host: '127.0.0.1', port },
        onLine: (stream, line) => supervisor.line(rank.rank, stream, line),
      },
    );
    supervisor.started(rank, proc);
  }
  o.tracker.flush();
}

/** Writes the end into the record and the event stream, and closes the tracker. */
function finish(
  tracker: JobTracker,
  final: Cause | undefined,
  result: unknown,
  elapsed: number,
  clock: () => number,
): RunResult {
  const state = final ? final.state : 'succeeded';
  const exitCode = final ? exitCodeFor(final.code) : EXIT.ok;
  const record = tracker.record;
  record.state = state;
  record.endedAt = clock();
  record.exitCode = exitCode;
  record.error = final?.message;
  record.result = result;
  tracker.emit({
    type: 'job-end',
    ts: clock(),
    state,
    exitCode,
    error: final?.message,
    ...(final?.detail ? { detail: final.detail } : {}),
    elapsed,
  });
  tracker.close();
  return { state, exitCode, code: final?.code, error: final?.message, result, elapsed };
}

/** The plan leaves the coordinator port as chosen at run time; fill it in. */
function withCoordinatorPort(argv: readonly string[], port: number): string[] {
  const out = [...argv];
  const i = out.indexOf('--coordinator');
  const value = out[i + 1];
  if (i >= 0 && value) out[i + 1] = value.replace(/:[^:]*$/, `:${port}`);
  return out;
}
