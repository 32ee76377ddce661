/**
 * Runs a planned job: starts the coordinator, provisions hosts, starts every rank with the job token
 * on stdin, waits for the gang to register, hands out the peer table, supervises (exits, heartbeats,
 * Ctrl-C) and stops the whole gang on the first failure, naming it as the root cause. Its I/O comes
 * in as parameters (transport, tracker, clock, signal); it never reads process state or exits.
 */
import { randomBytes } from 'node:crypto';
import { categoryOf, type ErrorCode, EXIT, exitCodeFor, isErrorCode } from '../configs/error-codes.js';
import { DtrainError } from '../configs/errors.js';
import type { JobSpec } from '../configs/job-spec.js';
import type { PeerAddress, WorkerToCoordinator } from '../runtimes/protocol/index.js';
import { Coordinator } from './coordinator.js';
import { describeExit } from './exit-text.js';
import { watchHeartbeats } from './heartbeat-watch.js';
import type { JobTracker } from './job-tracker.js';
import { isTerminal } from './rank-state.js';
import type { LaunchPlan, RankPlan } from './plan/types.js';
import { collect } from './collect.js';
import { shipData } from './ship-data.js';
import type { RankProcess, StepSink, Transport } from './transports/index.js';

export interface LaunchOptions {
  readonly spec: JobSpec;
  readonly plan: LaunchPlan;
  readonly transport: Transport;
  readonly tracker: JobTracker;
  readonly secrets: Readonly<Record<string, string>>;
  /** Where rank 0 writes the model and results (absolute). */
  readonly outputDir: string;
  /** An earlier run's output folder to resume from. */
  readonly resumeFrom?: string;
  /** The folder relative paths of the job file are resolved against when it has none. */
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

type Cause = {
  readonly message: string;
  readonly state: 'failed' | 'stopped';
  readonly code: ErrorCode;
  /** What to do about it, when known (e.g. the command that trusts a host key). */
  readonly detail?: string;
};

/** Failures that are symptoms of another rank's failure wait this long for the real cause to show. */
const SYMPTOM_GRACE_MS = 1000;

export async function launch(o: LaunchOptions): Promise<RunResult> {
  const { plan, tracker, clock } = o;
  const started = clock();
  const token = randomBytes(32).toString('hex');
  const procs = new Map<number, RankProcess>();
  const exits = new Map<number, Promise<void>>();
  const stderrTail = new Map<number, string[]>();
  const failMessages = new Map<number, { code: ErrorCode; message: string; symptom: boolean }>();
  const peers = new Map<number, PeerAddress>();
  const doneRanks = new Set<number>();
  let cause: Cause | undefined;
  let symptom: { cause: Cause; timer: NodeJS.Timeout } | undefined;
  let stopping = false;
  let result: unknown;
  let settle!: () => void;
  const finished = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const hostOf = (rank: number) => plan.ranks[rank]?.hostName ?? '?';

  const stop = (c: Cause) => {
    if (cause) return;
    cause = c;
    if (symptom) clearTimeout(symptom.timer);
    tracker.emit({ type: 'stopping', ts: clock(), reason: c.message });
    void stopGang();
  };
  const fail = (message: string, isSymptom = false, code: ErrorCode = 'E_WORKER') => {
    const c: Cause = { message, state: 'failed', code };
    if (cause || stopping) return;
    if (!isSymptom) {
      stop(c);
      return;
    }
    if (symptom) return;
    symptom = { cause: c, timer: setTimeout(() => stop(c), SYMPTOM_GRACE_MS) };
  };

  const coordinator = new Coordinator({
    token,
    jobId: plan.jobId,
    // Remote ranks reach it through a tunnel over their host's SSH connection, so loopback is enough.
    host: '127.0.0.1',
    port: plan.coordinator.port,
    worldSize: plan.worldSize,
    onMessage: (rank, message) => onMessage(rank, message),
    onDisconnect: (rank) => {
      // The exit that usually follows names the cause better; give it a moment.
      if (!doneRanks.has(rank) && !isTerminal(tracker.rank(rank).state))
        fail(`rank ${rank} on ${hostOf(rank)} lost its connection to the coordinator`, true);
    },
    onReject: (reason, remote) => tracker.emit({ type: 'connection-rejected', ts: clock(), remote, reason }),
  });

  function onMessage(rank: number, m: WorkerToCoordinator): void {
    tracker.seen(rank);
    switch (m.t) {
      case 'register':
        peers.set(rank, { rank, host: m.host, port: m.port });
        tracker.rank(rank).port = m.port;
        tracker.transition(rank, 'registered');
        tracker.emit({ type: 'rank-ready', ts: clock(), rank, host: hostOf(rank), port: m.port });
        if (peers.size === plan.worldSize) startTraining();
        return;
      case 'progress':
        tracker.progress(rank, m.step, m.total, m.unit, m.samplesPerSec, m.metrics);
        return;
      case 'log':
        tracker.emit({ type: 'log', ts: clock(), rank, stream: 'worker', line: `[${m.level}] ${m.line}` });
        return;
      case 'backend':
        tracker.emit({ type: 'backend', ts: clock(), rank, name: m.name, reason: m.reason });
        return;
      case 'result':
        if (rank === 0) result = m.data;
        tracker.emit({ type: 'result', ts: clock(), rank, data: m.data });
        return;
      case 'done':
        doneRanks.add(rank);
        // The worker exits once it knows its `done` arrived: over a tunnel, its exit status could
        // otherwise overtake the message.
        coordinator.send(rank, { t: 'bye' });
        return;
      case 'fail':
        {
          // Bad data or parameters found by a worker are the user's input, as at validation; any
          // other failure of a rank fails the job.
          const code = isErrorCode(m.code) && categoryOf(m.code) === 'config' ? m.code : 'E_WORKER';
          failMessages.set(rank, { code, message: m.message, symptom: m.code === 'E_PEER_LOST' });
          fail(`rank ${rank} on ${hostOf(rank)} failed: ${m.message}`, m.code === 'E_PEER_LOST', code);
        }
        return;
      case 'heartbeat':
        tracker.busy(rank, m.busy);
        return;
    }
  }

  function startTraining(): void {
    // Every rank registered: the start-up deadline is met (a long job must not hit it later).
    clearTimeout(startup);
    const table = [...peers.values()].sort((a, b) => a.rank - b.rank);
    const spec = JSON.parse(JSON.stringify(o.spec));
    for (const r of plan.ranks) {
      const host = plan.hosts[r.host]!;
      coordinator.send(r.rank, {
        t: 'start',
        jobId: plan.jobId,
        rank: r.rank,
        worldSize: plan.worldSize,
        peers: table,
        spec,
        outputDir: o.transport.outputDir(host, o.outputDir),
        resumeFrom: host.local ? o.resumeFrom : undefined,
        heartbeatInterval: o.spec.network.heartbeat_interval,
        heartbeatTimeout: o.spec.network.heartbeat_timeout,
      });
      tracker.transition(r.rank, 'started');
    }
    tracker.record.state = 'running';
    tracker.emit({ type: 'training-start', ts: clock(), worldSize: plan.worldSize });
    tracker.flush();
  }

  async function stopGang(): Promise<void> {
    stopping = true;
    coordinator.broadcast({ t: 'stop', reason: cause?.message ?? 'stopped' });
    for (const p of procs.values()) {
      p.kill('SIGTERM');
      // A frozen (SIGSTOPped) rank only acts on the SIGTERM once it runs again.
      p.kill('SIGCONT');
    }
    const graceMs = o.killGraceMs ?? 3000;
    const grace = setTimeout(() => {
      for (const p of procs.values()) p.kill('SIGKILL');
    }, graceMs);
    // A rank behind a cut link can neither be killed nor report its exit; it stops by itself when it
    // stops hearing the coordinator. Waiting for it would hold the whole job hostage.
    let giveUp: NodeJS.Timeout | undefined;
    const unreachable = new Promise<void>((resolve) => {
      giveUp = setTimeout(resolve, graceMs + 1000);
    });
    const reachable = [...exits].filter(([rank]) => tracker.rank(rank).state !== 'lost').map(([, e]) => e);
    await Promise.race([Promise.all(reachable), unreachable]);
    clearTimeout(grace);
    clearTimeout(giveUp);
    for (const [rank] of procs) if (!isTerminal(tracker.rank(rank).state)) tracker.transition(rank, 'silent');
    settle();
  }

  function onExit(rank: RankPlan, code: number | null, signal: string | null): void {
    const host = rank.hostName;
    const r = tracker.rank(rank.rank);
    r.exitCode = code;
    r.signal = signal;
    tracker.emit({ type: 'rank-exit', ts: clock(), rank: rank.rank, host, code, signal });
    if (code === 0 && doneRanks.has(rank.rank)) {
      tracker.transition(rank.rank, 'exited-ok');
      if (
        doneRanks.size === plan.worldSize &&
        [...exits.keys()].every((k) => isTerminal(tracker.rank(k).state))
      )
        settle();
      return;
    }
    tracker.transition(rank.rank, stopping ? 'stopped' : 'crashed');
    if (stopping) return;
    const told = failMessages.get(rank.rank);
    if (told) {
      fail(`rank ${rank.rank} on ${host} failed: ${told.message}`, told.symptom, told.code);
      return;
    }
    const tail = (stderrTail.get(rank.rank) ?? []).slice(-5);
    const how = code === 0 ? 'exited before it finished its work' : describeExit(code, signal);
    const last = tail.length > 0 ? `; last stderr: ${tail.join(' | ')}` : '';
    fail(`rank ${rank.rank} on ${host} ${how}${last}`);
  }

  // --- the run itself ---
  const onAbort = () => stop({ message: 'stopped by request', state: 'stopped', code: 'E_INTERRUPTED' });
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const port = await coordinator.start();
  tracker.emit({
    type: 'coordinator-ready',
    ts: clock(),
    host: '127.0.0.1',
    port,
  });
  const watchdog = watchHeartbeats(Math.min(1000, (o.spec.network.heartbeat_timeout * 1000) / 4), () =>
    checkHeartbeats(),
  );
  const pinger = setInterval(
    () => coordinator.broadcast({ t: 'ping' }),
    o.spec.network.heartbeat_interval * 1000,
  );
  const startup = setTimeout(() => {
    const missing = plan.ranks.filter((r) => !peers.has(r.rank)).map((r) => `${r.rank} (${r.hostName})`);
    fail(
      `rank ${missing.join(', ')} did not register within ${(o.startupTimeoutMs ?? 60000) / 1000}s`,
      false,
      'E_START',
    );
  }, o.startupTimeoutMs ?? 60000);
  tracker.record.startedAt = clock();
  tracker.flush();

  function checkHeartbeats(): void {
    if (stopping || cause) return;
    const limit = o.spec.network.heartbeat_timeout * 1000;
    const now = clock();
    for (const r of tracker.record.ranks) {
      if (
        (r.state === 'ready' || r.state === 'running') &&
        r.lastSeen !== undefined &&
        now - r.lastSeen > limit
      ) {
        const silentFor = (now - r.lastSeen) / 1000;
        // Ranks on the same host that have also gone quiet share its fate (a cut link, a dead host).
        const quiet = o.spec.network.heartbeat_interval * 2000;
        for (const other of tracker.record.ranks) {
          if (other !== r && other.host !== r.host) continue;
          if (other !== r && !(other.lastSeen !== undefined && now - other.lastSeen > quiet)) continue;
          if (isTerminal(other.state)) continue;
          tracker.transition(other.rank, 'silent');
          const s = (now - (other.lastSeen ?? now)) / 1000;
          tracker.emit({ type: 'rank-lost', ts: now, rank: other.rank, host: other.host, silentFor: s });
        }
        fail(
          `rank ${r.rank} on ${r.host} sent nothing for ${silentFor.toFixed(1)}s (heartbeat timeout ${limit / 1000}s)`,
        );
        return;
      }
    }
  }

  try {
    const onStep: StepSink = (name, step, state, detail) =>
      tracker.emit({ type: 'host-step', ts: clock(), host: name, step, state, detail });
    // Every host finishes (or fails) its provisioning before anything is torn down.
    const prepared = await Promise.allSettled(plan.hosts.map((host) => o.transport.prepare(host, onStep)));
    const failed = prepared.find((p): p is PromiseRejectedResult => p.status === 'rejected');
    if (failed) throw failed.reason;
    await shipData(o.spec, plan, o.transport, o.cwd, onStep);
    for (const host of plan.hosts)
      tracker.emit({ type: 'host-ready', ts: clock(), host: host.name, ranks: host.ranks });
    const bootstrap = JSON.stringify({ token, secrets: o.secrets });
    for (const rank of plan.ranks) {
      if (cause) break;
      const argv = withCoordinatorPort(rank.argv, port);
      const proc = await o.transport.start(
        { ...rank, argv },
        {
          bootstrap,
          coordinator: { host: '127.0.0.1', port },
          onLine: (stream, line) => {
            tracker.emit({ type: 'log', ts: clock(), rank: rank.rank, stream, line });
            if (stream === 'stderr') {
              const tail = stderrTail.get(rank.rank) ?? [];
              tail.push(line);
              if (tail.length > 20) tail.shift();
              stderrTail.set(rank.rank, tail);
            }
          },
        },
      );
      procs.set(rank.rank, proc);
      tracker.rank(rank.rank).pid = proc.pid;
      tracker.transition(rank.rank, 'spawned');
      tracker.emit({ type: 'rank-start', ts: clock(), rank: rank.rank, host: rank.hostName, pid: proc.pid });
      exits.set(
        rank.rank,
        proc.exited.then(({ code, signal }) => onExit(rank, code, signal)),
      );
    }
    tracker.flush();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = error instanceof DtrainError ? error.code : 'E_START';
    const detail = error instanceof DtrainError ? error.detail : undefined;
    if (!cause)
      stop({
        message: `could not start the job: ${message}`,
        state: 'failed',
        code,
        ...(detail ? { detail } : {}),
      });
  }
  if (cause && procs.size === 0) settle();

  await finished;
  watchdog.stop();
  clearInterval(pinger);
  clearTimeout(startup);
  if (symptom) clearTimeout(symptom.timer);
  o.signal?.removeEventListener('abort', onAbort);
  await coordinator.close();
  if (!cause)
    result = await collect(plan, o.transport, o.outputDir, result).catch((error: unknown) => {
      cause = {
        message: `could not fetch the results: ${(error as Error).message}`,
        state: 'failed',
        code: 'E_FETCH',
      };
      return result;
    });
  await o.transport.close();

  const final: Cause | undefined = cause ?? (symptom ? symptom.cause : undefined);
  const state = final ? final.state : 'succeeded';
  const exitCode = final ? exitCodeFor(final.code) : EXIT.ok;
  const elapsed = (clock() - started) / 1000;
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
