/**
 * What the TUI shows, as a pure reducer over the job's events: `reduce(state, event)` returns a new
 * state and never touches the clock or the terminal, so `dtrain attach` rebuilds the same picture
 * by replaying events.jsonl, and tests feed recorded events. The only other input is `seen`, a rank's
 * last heartbeat as state.json records it. Ages are computed at render time from a clock.
 */
import { type JobEvent, nextRankState, type RankEvent, type RankState } from '../../../launcher/index.js';

export interface RankView {
  readonly rank: number;
  readonly host: string;
  readonly gpu: number | undefined;
  readonly state: RankState;
  readonly step: number;
  readonly total: number;
  readonly unit: string;
  /** Steps per second; 0 until known. */
  readonly rate: number;
  readonly samplesPerSec: number | undefined;
  /** Last time (ms) anything came from the rank: an event about it, or a heartbeat in state.json. */
  readonly lastHeard: number | undefined;
  /** How it ended: "exit 0", "SIGKILL", "lost". */
  readonly ended: string | undefined;
}

export type StepState = 'running' | 'done' | 'skipped' | 'failed';

export interface HostView {
  readonly name: string;
  /** Provisioning steps in the order they started. */
  readonly steps: readonly { readonly step: string; readonly state: StepState; readonly detail?: string }[];
  readonly ready: boolean;
}

/** A metric's history over steps, downsampled (every other point dropped) once it outgrows the cap. */
export interface Series {
  readonly steps: readonly number[];
  readonly values: readonly number[];
}

export type Phase = 'starting' | 'provisioning' | 'connecting' | 'training' | 'stopping' | 'ended';

export interface JobEnd {
  readonly state: 'succeeded' | 'failed' | 'stopped';
  readonly exitCode: number;
  readonly error: string | undefined;
  readonly elapsed: number;
}

export interface TuiState {
  readonly jobId: string;
  readonly name: string;
  readonly framework: string;
  readonly parallelism: string;
  readonly worldSize: number;
  readonly local: boolean;
  readonly startedAt: number | undefined;
  readonly heartbeatInterval: number;
  readonly phase: Phase;
  readonly hosts: readonly HostView[];
  readonly ranks: readonly RankView[];
  /** Metric series by full name (train-auc, valid-logloss), from rank 0's progress. */
  readonly series: Readonly<Record<string, Series>>;
  /** Metric base names (auc, logloss) in the order they first appeared. */
  readonly metrics: readonly string[];
  readonly eta: number | undefined;
  /** The last lines of each rank's log. */
  readonly logs: Readonly<Record<number, readonly string[]>>;
  readonly stopReason: string | undefined;
  readonly end: JobEnd | undefined;
  /** The newest event time seen. */
  readonly lastTs: number;
}

/** What is known before any event: from job.json (ranks, GPUs, heartbeat interval). */
export interface Seed {
  readonly jobId?: string;
  readonly heartbeatInterval?: number;
  readonly ranks?: readonly {
    readonly rank: number;
    readonly host: string;
    readonly gpu?: number | undefined;
  }[];
}

export const SERIES_CAP = 512;
export const LOG_LINES = 100;

export function initialState(seed: Seed = {}): TuiState {
  const ranks = (seed.ranks ?? []).map((r) => newRank(r.rank, r.host, r.gpu));
  const hosts: HostView[] = [];
  for (const r of ranks) if (!hosts.some((h) => h.name === r.host)) hosts.push(newHost(r.host));
  return {
    jobId: seed.jobId ?? '',
    name: '',
    framework: '',
    parallelism: '',
    worldSize: ranks.length,
    local: false,
    startedAt: undefined,
    heartbeatInterval: seed.heartbeatInterval ?? 1,
    phase: 'starting',
    hosts,
    ranks,
    series: {},
    metrics: [],
    eta: undefined,
    logs: {},
    stopReason: undefined,
    end: undefined,
    lastTs: 0,
  };
}

export function reduce(s: TuiState, e: JobEvent): TuiState {
  const next = apply(s, e);
  return e.ts > next.lastTs ? { ...next, lastTs: e.ts } : next;
}

function apply(s: TuiState, e: JobEvent): TuiState {
  switch (e.type) {
    case 'job-start': {
      // Ranks are spread over hosts in order, as the plan does, until events or the seed say more.
      const ranks = Array.from(
        { length: e.worldSize },
        (_, i) => s.ranks[i] ?? newRank(i, e.hosts[Math.min(i, e.hosts.length - 1)] ?? '?', undefined),
      );
      const hosts = e.hosts.map((h) => s.hosts.find((x) => x.name === h) ?? newHost(h));
      return {
        ...s,
        jobId: e.jobId,
        name: e.name,
        framework: e.framework,
        parallelism: e.parallelism,
        worldSize: e.worldSize,
        local: e.local,
        startedAt: e.ts,
        ranks,
        hosts,
      };
    }
    case 'coordinator-ready':
      return s.phase === 'starting' ? { ...s, phase: 'provisioning' } : s;
    case 'host-step':
      return {
        ...s,
        phase: s.phase === 'starting' ? 'provisioning' : s.phase,
        hosts: updateHost(s.hosts, e.host, (h) => {
          const steps = h.steps.filter((x) => x.step !== e.step);
          const at = h.steps.findIndex((x) => x.step === e.step);
          const item = { step: e.step, state: e.state, ...(e.detail ? { detail: e.detail } : {}) };
          if (at < 0) steps.push(item);
          else steps.splice(at, 0, item);
          return { ...h, steps };
        }),
      };
    case 'host-ready':
      return {
        ...s,
        phase: s.phase === 'starting' || s.phase === 'provisioning' ? 'connecting' : s.phase,
        hosts: updateHost(s.hosts, e.host, (h) => ({ ...h, ready: true })),
        ranks: s.ranks.map((r) =>
          e.ranks.includes(r.rank) && r.host !== e.host ? { ...r, host: e.host } : r,
        ),
      };
    case 'rank-start':
      return updateRank(s, e.rank, (r) => ({ ...move(r, 'spawned'), host: e.host, lastHeard: e.ts }));
    case 'rank-ready':
      return updateRank(s, e.rank, (r) => ({ ...move(r, 'registered'), lastHeard: e.ts }));
    case 'training-start':
      return {
        ...s,
        phase: s.phase === 'stopping' || s.phase === 'ended' ? s.phase : 'training',
        ranks: s.ranks.map((r) => move(r, 'started')),
      };
    case 'progress': {
      const next = updateRank(s, e.rank, (r) => ({
        ...r,
        state: r.state === 'ready' ? 'running' : r.state,
        step: e.step,
        total: e.total,
        unit: e.unit,
        rate: e.rate,
        samplesPerSec: e.samplesPerSec,
        lastHeard: Math.max(r.lastHeard ?? 0, e.ts),
      }));
      if (e.rank !== 0) return next;
      return { ...next, eta: e.eta, ...withMetrics(next, e.step, e.metrics) };
    }
    case 'log': {
      const lines = s.logs[e.rank] ?? [];
      const kept = lines.length >= LOG_LINES ? lines.slice(lines.length - LOG_LINES + 1) : lines.slice();
      kept.push(e.stream === 'stderr' ? `! ${e.line}` : e.line);
      const next = { ...s, logs: { ...s.logs, [e.rank]: kept } };
      // Backlog lines (ts 0) say nothing about liveness.
      return e.ts > 0
        ? updateRank(next, e.rank, (r) => ({ ...r, lastHeard: Math.max(r.lastHeard ?? 0, e.ts) }))
        : next;
    }
    case 'backend':
      // Shown in the rank's log pane: which engine computes and why (the fallback chain).
      return apply(s, {
        type: 'log',
        ts: e.ts,
        rank: e.rank,
        stream: 'worker',
        line: `computes on ${e.reason}`,
      });
    case 'result':
      return s;
    case 'rank-exit': {
      const how = e.signal ?? `exit ${e.code}`;
      return updateRank(s, e.rank, (r) => {
        const ev: RankEvent =
          e.code === 0 ? 'exited-ok' : s.phase === 'stopping' || s.stopReason ? 'stopped' : 'crashed';
        return { ...move(r, ev), ended: how };
      });
    }
    case 'rank-lost':
      return updateRank(s, e.rank, (r) => ({
        ...move(r, 'silent'),
        ended: `silent ${e.silentFor.toFixed(1)}s`,
      }));
    case 'stopping':
      return { ...s, phase: s.phase === 'ended' ? 'ended' : 'stopping', stopReason: e.reason };
    case 'connection-rejected':
    case 'restarting':
      return s;
    case 'job-end':
      return {
        ...s,
        phase: 'ended',
        eta: undefined,
        end: { state: e.state, exitCode: e.exitCode, error: e.error, elapsed: e.elapsed },
      };
  }
}

/** A heartbeat the coordinator recorded in state.json (ms since the epoch). */
export function seen(s: TuiState, rank: number, ts: number | undefined): TuiState {
  const r = s.ranks[rank];
  if (ts === undefined || !r || (r.lastHeard ?? 0) >= ts) return s;
  return updateRank(s, rank, (x) => ({ ...x, lastHeard: ts }));
}

/** ok, late (silent over 2 heartbeats: yellow) or stale (over 3: red); only for live ranks. */
export type Liveness = 'ok' | 'late' | 'stale' | 'none';

export function liveness(r: RankView, now: number, interval: number): Liveness {
  if (r.lastHeard === undefined || !(r.state === 'starting' || r.state === 'ready' || r.state === 'running'))
    return 'none';
  const age = (now - r.lastHeard) / 1000;
  if (age > 3 * interval) return 'stale';
  if (age > 2 * interval) return 'late';
  return 'ok';
}

/** `auc` from `valid-auc`; a name without a set prefix is its own base. */
export function metricBase(name: string): string {
  const dash = name.indexOf('-');
  return dash > 0 ? name.slice(dash + 1) : name;
}

function withMetrics(
  s: TuiState,
  step: number,
  metrics: Readonly<Record<string, number>> | undefined,
): Pick<TuiState, 'series' | 'metrics'> {
  if (!metrics) return s;
  const series = { ...s.series };
  let names = s.metrics;
  for (const [name, value] of Object.entries(metrics)) {
    if (!Number.isFinite(value)) continue;
    const old = series[name] ?? { steps: [], values: [] };
    const last = old.steps.length - 1;
    // A repeated step (a resent report) replaces its point.
    const keep = last >= 0 && old.steps[last]! >= step ? last : old.steps.length;
    let steps = [...old.steps.slice(0, keep), step];
    let values = [...old.values.slice(0, keep), value];
    if (steps.length > SERIES_CAP) {
      steps = steps.filter((_, i) => i % 2 === 1 || i === steps.length - 1);
      values = values.filter((_, i) => i % 2 === 1 || i === values.length - 1);
    }
    series[name] = { steps, values };
    const base = metricBase(name);
    if (!names.includes(base)) names = [...names, base];
  }
  return { series, metrics: names };
}

function newRank(rank: number, host: string, gpu: number | undefined): RankView {
  return {
    rank,
    host,
    gpu,
    state: 'pending',
    step: 0,
    total: 0,
    unit: '',
    rate: 0,
    samplesPerSec: undefined,
    lastHeard: undefined,
    ended: undefined,
  };
}

function newHost(name: string): HostView {
  return { name, steps: [], ready: false };
}

function move(r: RankView, event: RankEvent): RankView {
  const state = nextRankState(r.state, event);
  return state === r.state ? r : { ...r, state };
}

function updateRank(s: TuiState, rank: number, f: (r: RankView) => RankView): TuiState {
  const r = s.ranks[rank];
  if (!r) return s;
  const ranks = s.ranks.slice();
  ranks[rank] = f(r);
  return { ...s, ranks };
}

function updateHost(hosts: readonly HostView[], name: string, f: (h: HostView) => HostView): HostView[] {
  const out = hosts.slice();
  const at = out.findIndex((h) => h.name === name);
  if (at < 0) out.push(f(newHost(name)));
  else out[at] = f(out[at]!);
  return out;
}
