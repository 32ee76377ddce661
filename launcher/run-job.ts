/**
 * `dtrain run` as a library call: plan the job, open its record in the store, pick the transport,
 * launch, and return the result. The CLI renders the events it emits.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRetryable } from '../configs/error-codes.js';
import { DtrainError } from '../configs/errors.js';
import type { JobSpec } from '../configs/job-spec.js';
import type { EventSink } from './events.js';
import { JobTracker } from './job-tracker.js';
import { launch, type RunResult } from './launch.js';
import { type LaunchPlan, planJob } from './plan/index.js';
import { JobStore } from './store/job-store.js';
import { JobWriter } from './store/job-writer.js';
import type { JobRecord } from './store/types.js';
import { buildWorkerBundle, provisionedTransport } from './provision/index.js';
import { byHostTransport, localTransport, sshTransport, type Transport } from './transports/index.js';

export interface RunJobOptions {
  readonly local: boolean;
  readonly home: string;
  /** The launcher's environment: the base of local workers' env and the source of secret values. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly onEvent: EventSink;
  readonly signal?: AbortSignal;
  readonly clock?: () => number;
  /** An earlier run's output folder whose latest checkpoint the workers continue from. */
  readonly resumeFrom?: string;
  /** How long every rank has to register before the job fails (default 60 s). */
  readonly startupTimeoutMs?: number;
  /** Called once the job has an id and a folder, before anything starts. */
  readonly onCreated?: (id: string, dir: string) => void;
}

/** The compiled worker entry: dist/runtimes/worker.js beside this module's dist/launcher/. */
export const WORKER_ENTRY = fileURLToPath(new URL('../runtimes/worker.js', import.meta.url));
/** The compiled dist/ folder, bundled for remote hosts. */
const DIST_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs the job; a failed run (a rank crashed or fell silent — not bad input, not a stop) is started
 * again up to `restarts` times as a new job that continues from the failed run's latest checkpoint.
 */
export async function runJob(spec: JobSpec, options: RunJobOptions): Promise<RunResult & { jobId: string }> {
  const clock = options.clock ?? Date.now;
  let resumeFrom = options.resumeFrom;
  let previous: string | undefined;
  for (let attempt = 0; ; attempt++) {
    const run = await runOnce(spec, { ...options, ...(resumeFrom ? { resumeFrom } : {}) }, previous);
    const retry =
      run.state === 'failed' &&
      run.code !== undefined &&
      isRetryable(run.code) &&
      attempt < spec.restarts &&
      !options.signal?.aborted;
    if (!retry) return run;
    // Without a checkpoint the next attempt starts from the beginning (or from the earlier --resume).
    if (hasFiles(join(run.outputDir, 'checkpoints'))) resumeFrom = run.outputDir;
    options.onEvent({
      type: 'restarting',
      ts: clock(),
      jobId: run.jobId,
      attempt: attempt + 1,
      restarts: spec.restarts,
      reason: run.error ?? 'failed',
      resumeFrom,
    });
    previous = run.jobId;
  }
}

function hasFiles(dir: string): boolean {
  try {
    return readdirSync(dir).some((name) => !name.includes('.tmp-'));
  } catch {
    return false;
  }
}

async function runOnce(
  spec: JobSpec,
  options: RunJobOptions,
  restartOf: string | undefined,
): Promise<RunResult & { jobId: string; outputDir: string }> {
  const clock = options.clock ?? Date.now;
  const secrets = readSecrets(spec, options.env);
  checkLocalData(spec, options.cwd);
  const store = new JobStore(options.home);
  const { id, dir } = store.createJobDir(spec.name, new Date(clock()));
  if (restartOf) store.markRestarted(restartOf, id);
  options.onCreated?.(id, dir);
  const plan = planJob(spec, {
    local: options.local,
    jobId: id,
    localWorker: { node: 'node', entry: WORKER_ENTRY },
  });
  const outputDir = resolve(spec.source.dir || options.cwd, spec.output, id);
  mkdirSync(outputDir, { recursive: true });
  const writer = new JobWriter(dir);
  writer.writeJob({ id, spec, plan });
  const record: JobRecord = {
    ...newRecord(spec, plan, outputDir, clock()),
    ...(restartOf ? { restartOf } : {}),
  };
  const tracker = new JobTracker(record, writer, options.onEvent, clock);
  tracker.emit({
    type: 'job-start',
    ts: clock(),
    jobId: id,
    name: spec.name,
    framework: spec.framework,
    parallelism: spec.parallelism,
    worldSize: plan.worldSize,
    hosts: plan.hosts.map((h) => h.name),
    local: plan.localMode,
  });
  tracker.flush();
  const result = await launch({
    plan,
    transport: await transportFor(plan, spec, options),
    tracker,
    secrets,
    outputDir,
    cwd: options.cwd,
    clock,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.resumeFrom ? { resumeFrom: options.resumeFrom } : {}),
    ...(options.startupTimeoutMs ? { startupTimeoutMs: options.startupTimeoutMs } : {}),
  });
  return { ...result, jobId: id, outputDir };
}

/** Local processes for local hosts; SSH (loaded only when a host needs it) for the others. */
async function transportFor(plan: LaunchPlan, spec: JobSpec, options: RunJobOptions): Promise<Transport> {
  const local = localTransport({ env: options.env, cwd: options.cwd });
  if (plan.hosts.every((h) => h.local)) return local;
  // ssh2 is loaded only when a job has remote hosts (sshTransport imports it on this first call).
  const ssh = await sshTransport({
    ssh: spec.ssh,
    jobFile: spec.source.file,
    jobId: plan.jobId,
    env: options.env,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  // The launcher, not the transport, provisions each host over the connection the transport opens.
  const remote = provisionedTransport(ssh, {
    bundle: () => buildWorkerBundle({ distDir: DIST_DIR, home: options.home }),
    setupEnv: spec.remote.env,
  });
  return byHostTransport(plan, local, remote);
}

/** Data files that ranks on this machine will read must exist before anything starts. */
function checkLocalData(spec: JobSpec, cwd: string): void {
  const data = spec.data;
  if (!data) return;
  for (const role of ['train', 'valid', 'test'] as const) {
    const file = data[role];
    if (file === undefined) continue;
    const path = resolve(spec.source.dir || cwd, file);
    if (!existsSync(path))
      throw new DtrainError('E_DATA', `data.${role}: no such file ${path}`, {
        category: 'config',
        detail: `paths in the job file are relative to its folder (${spec.source.dir || cwd})`,
      });
  }
}

function readSecrets(
  spec: JobSpec,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of spec.remote.secrets) {
    const value = env[name];
    if (value === undefined) missing.push(name);
    else out[name] = value;
  }
  if (missing.length > 0)
    throw new DtrainError(
      'E_SECRET_MISSING',
      `remote.secrets: ${missing.join(', ')} not set in this environment`,
      {
        category: 'config',
      },
    );
  return out;
}

function newRecord(spec: JobSpec, plan: LaunchPlan, outputDir: string, now: number): JobRecord {
  return {
    id: plan.jobId,
    name: spec.name,
    framework: spec.framework,
    parallelism: spec.parallelism,
    worldSize: plan.worldSize,
    local: plan.localMode,
    jobFile: spec.source.file,
    output: outputDir,
    state: 'pending',
    createdAt: now,
    startedAt: undefined,
    endedAt: undefined,
    exitCode: undefined,
    error: undefined,
    coordinatorPid: process.pid,
    ranks: plan.ranks.map((r) => ({
      rank: r.rank,
      host: r.hostName,
      state: 'pending',
      pid: undefined,
      port: undefined,
      step: 0,
      total: 0,
      unit: '',
      rate: undefined,
      lastSeen: undefined,
      exitCode: undefined,
      signal: undefined,
    })),
    result: undefined,
  };
}
