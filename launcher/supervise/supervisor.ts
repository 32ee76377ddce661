/**
 * The supervisor: one object per run that owns the coordinator, the rendezvous, the heartbeat watch,
 * the gang and the root cause, and turns what ranks say and do (messages, exits, silence, Ctrl-C)
 * into rank-state transitions, events and, on the first failure, a gang stop. Everything it learns
 * goes through the tracker; it never reads process state or exits.
 */
import { categoryOf, type ErrorCode, isErrorCode } from '../../configs/error-codes.js';
import type { WorkerToCoordinator } from '../../runtimes/protocol/index.js';
import { Coordinator } from '../coordinator.js';
import { describeExit } from '../exit-text.js';
import type { JobTracker } from '../job-tracker.js';
import type { LaunchPlan, RankPlan } from '../plan/contract.js';
import type { RankExit, RankProcess } from '../transports/index.js';
import { Gang, StderrTails } from './gang.js';
import { type HeartbeatWatch, watchHeartbeats } from './heartbeat-watch.js';
import { isTerminal } from '../rank-state.js';
import { Rendezvous } from './rendezvous.js';
import { type Cause, RootCause } from './root-cause.js';
import { findSilence } from './silence.js';

export interface SupervisorOptions {
  readonly plan: LaunchPlan;
  readonly tracker: JobTracker;
  readonly clock: () => number;
  /** The job token every connection must prove it holds. */
  readonly token: string;
  /** Seconds between pings, and of silence after which a rank is lost. */
  readonly heartbeat: { readonly interval: number; readonly timeout: number };
  /** How long ranks may take to start and register, in ms. */
  readonly startupTimeoutMs: number;
  /** How long a stopped rank may take to exit before SIGKILL, in ms. */
  readonly killGraceMs: number;
}

export class Supervisor {
  readonly rootCause = new RootCause((cause) => this.onCause(cause));
  private readonly coordinator: Coordinator;
  private readonly rendezvous: Rendezvous;
  private readonly gang = new Gang();
  private readonly tails = new StderrTails();
  /** Ranks that reported `done`. */
  private readonly done = new Set<number>();
  /** What a rank said when it failed, to name its exit by. */
  private readonly told = new Map<number, { code: ErrorCode; message: string; symptom: boolean }>();
  private timers: { watch: HeartbeatWatch; pinger: NodeJS.Timeout } | undefined;
  private settle!: () => void;
  /** Resolves once every rank is done and exited, or the gang has stopped. */
  readonly finished = new Promise<void>((resolve) => {
    this.settle = resolve;
  });
  /** What each rank reported as its result, by global rank; rank 0's is the job's. */
  readonly results = new Map<number, unknown>();

  constructor(private readonly o: SupervisorOptions) {
    this.rendezvous = new Rendezvous(o.plan.ranks);
    this.coordinator = new Coordinator({
      token: o.token,
      jobId: o.plan.jobId,
      // Remote ranks reach it through a tunnel over their host's SSH connection, so loopback is enough.
      host: '127.0.0.1',
      port: o.plan.coordinator.port,
      worldSize: o.plan.worldSize,
      onMessage: (rank, message) => this.onMessage(rank, message),
      onDisconnect: (rank) => {
        // The exit that usually follows names the cause better; give it a moment.
        if (!this.done.has(rank) && !isTerminal(o.tracker.rank(rank).state))
          this.rootCause.fail(
            `rank ${rank} on ${this.hostOf(rank)} lost its connection to the coordinator`,
            true,
          );
      },
      onReject: (reason, remote) =>
        o.tracker.emit({ type: 'connection-rejected', ts: o.clock(), remote, reason }),
    });
  }

  /** Starts the coordinator, the heartbeat watch, the pings and the start-up deadline; resolves to the port. */
  async open(): Promise<number> {
    const { tracker, clock, heartbeat } = this.o;
    const port = await this.coordinator.start();
    tracker.emit({ type: 'coordinator-ready', ts: clock(), host: '127.0.0.1', port });
    const watch = watchHeartbeats(Math.min(1000, (heartbeat.timeout * 1000) / 4), () => this.checkSilence());
    const pinger = setInterval(() => this.coordinator.broadcast({ t: 'ping' }), heartbeat.interval * 1000);
    this.timers = { watch, pinger };
    this.rendezvous.startDeadline(this.o.startupTimeoutMs, (missing) =>
      this.rootCause.fail(
        `rank ${missing} did not register within ${this.o.startupTimeoutMs / 1000}s`,
        false,
        'E_START',
      ),
    );
    return port;
  }

  /** Every line a rank prints: an event, and stderr kept to name a crash by. */
  line(rank: number, stream: 'stdout' | 'stderr', line: string): void {
    this.o.tracker.emit({ type: 'log', ts: this.o.clock(), rank, stream, line });
    if (stream === 'stderr') this.tails.add(rank, line);
  }

  /** A rank's process is running. */
  started(rank: RankPlan, proc: RankProcess): void {
    const { tracker, clock } = this.o;
    tracker.rank(rank.rank).pid = proc.pid;
    tracker.transition(rank.rank, 'spawned');
    tracker.emit({ type: 'rank-start', ts: clock(), rank: rank.rank, host: rank.hostName, pid: proc.pid });
    this.gang.add(proc, (exit) => this.onExit(rank, exit));
  }

  /** Nothing was started and a cause is named: there is nothing to wait for. */
  settleIfIdle(): void {
    if (this.rootCause.named && this.gang.size === 0) this.settle();
  }

  /** Stops the timers and the coordinator (after `finished`). */
  async close(): Promise<void> {
    this.timers?.watch.stop();
    clearInterval(this.timers?.pinger);
    this.rendezvous.clearDeadline();
    this.rootCause.dispose();
    await this.coordinator.close();
  }

  private hostOf(rank: number): string {
    return this.o.plan.ranks[rank]?.hostName ?? '?';
  }

  private onMessage(rank: number, m: WorkerToCoordinator): void {
    const { tracker, clock } = this.o;
    tracker.seen(rank);
    switch (m.t) {
      case 'register':
        tracker.rank(rank).port = m.port;
        tracker.transition(rank, 'registered');
        tracker.emit({ type: 'rank-ready', ts: clock(), rank, host: this.hostOf(rank), port: m.port });
        if (this.rendezvous.register({ rank, host: m.host, port: m.port })) this.startTraining();
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
        this.results.set(rank, m.data);
        tracker.emit({ type: 'result', ts: clock(), rank, data: m.data });
        return;
      case 'done':
        this.done.add(rank);
        // The worker exits once it knows its `done` arrived: over a tunnel, its exit status could
        // otherwise overtake the message.
        this.coordinator.send(rank, { t: 'bye' });
        return;
      case 'fail': {
        // Bad data or parameters found by a worker are the user's input, as at validation; any
        // other failure of a rank fails the job.
        const code = isErrorCode(m.code) && categoryOf(m.code) === 'config' ? m.code : 'E_WORKER';
        const symptom = m.code === 'E_PEER_LOST';
        this.told.set(rank, { code, message: m.message, symptom });
        const message = `rank ${rank} on ${this.hostOf(rank)} failed: ${m.message}`;
        this.rootCause.fail(message, symptom, code);
        return;
      }
      case 'heartbeat':
        tracker.busy(rank, m.busy);
        return;
    }
  }

  private startTraining(): void {
    const { plan, tracker, clock } = this.o;
    // Every rank registered: the start-up deadline is met.
    this.rendezvous.clearDeadline();
    // Each rank already knows who it is (its WorkerSpec); the start message adds where its peers are.
    const peers = this.rendezvous.table();
    for (const r of plan.ranks) {
      this.coordinator.send(r.rank, { t: 'start', peers });
      tracker.transition(r.rank, 'started');
    }
    tracker.record.state = 'running';
    tracker.emit({ type: 'training-start', ts: clock(), worldSize: plan.worldSize });
    tracker.flush();
  }

  private onExit(rank: RankPlan, { code, signal }: RankExit): void {
    const { tracker, clock, plan } = this.o;
    const host = rank.hostName;
    const r = tracker.rank(rank.rank);
    r.exitCode = code;
    r.signal = signal;
    tracker.emit({ type: 'rank-exit', ts: clock(), rank: rank.rank, host, code, signal });
    if (code === 0 && this.done.has(rank.rank)) {
      tracker.transition(rank.rank, 'exited-ok');
      const allExited = this.gang.ranks().every((k) => isTerminal(tracker.rank(k).state));
      if (this.done.size === plan.worldSize && allExited) this.settle();
      return;
    }
    const stopping = this.rootCause.named;
    tracker.transition(rank.rank, stopping ? 'stopped' : 'crashed');
    if (stopping) return;
    const told = this.told.get(rank.rank);
    if (told) {
      const message = `rank ${rank.rank} on ${host} failed: ${told.message}`;
      this.rootCause.fail(message, told.symptom, told.code);
      return;
    }
    const tail = this.tails.last(rank.rank, 5);
    const how = code === 0 ? 'exited before it finished its work' : describeExit(code, signal);
    const last = tail.length > 0 ? `; last stderr: ${tail.join(' | ')}` : '';
    this.rootCause.fail(`rank ${rank.rank} on ${host} ${how}${last}`);
  }

  private checkSilence(): void {
    if (this.rootCause.named) return;
    const { tracker, clock, heartbeat } = this.o;
    const now = clock();
    const silence = findSilence(tracker.record.ranks, now, heartbeat.timeout, heartbeat.interval);
    if (!silence) return;
    for (const lost of silence.lost) {
      tracker.transition(lost.rank, 'silent');
      tracker.emit({ type: 'rank-lost', ts: now, ...lost });
    }
    this.rootCause.fail(
      `rank ${silence.rank} on ${silence.host} sent nothing for ${silence.silentFor.toFixed(1)}s (heartbeat timeout ${heartbeat.timeout}s)`,
    );
  }

  /** A cause is named: tell every rank, stop the gang, and settle once it is down. */
  private onCause(cause: Cause): void {
    const { tracker, clock } = this.o;
    tracker.emit({ type: 'stopping', ts: clock(), reason: cause.message });
    this.coordinator.broadcast({ t: 'stop', reason: cause.message });
    void this.gang
      .stop(this.o.killGraceMs, (rank) => tracker.rank(rank).state === 'lost')
      .then(() => {
        for (const rank of this.gang.ranks())
          if (!isTerminal(tracker.rank(rank).state)) tracker.transition(rank, 'silent');
        this.settle();
      });
  }
}
