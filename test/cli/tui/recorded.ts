/**
 * Recorded job event streams for the TUI tests and the bench: shaped like what a 4-rank local
 * xgboost job and a 2-host SSH job emit (same event types, fields and order), with fixed times so
 * frames are reproducible.
 */
import type { JobEvent } from '../../../launcher/index.js';

export const T0 = Date.UTC(2026, 0, 15, 9, 30, 0);

/** A local xgboost job with `ranks` ranks, `rounds` of `total` done, one round every 50 ms. */
export function localXgboostJob(
  options: { ranks?: number; rounds?: number; total?: number; hosts?: string[] } = {},
): JobEvent[] {
  const ranks = options.ranks ?? 4;
  const rounds = options.rounds ?? 120;
  const total = options.total ?? 500;
  const hosts = options.hosts ?? ['localhost'];
  const hostOf = (r: number) => hosts[Math.floor((r * hosts.length) / ranks)]!;
  const id = 'quickstart-20260115-093000-7f3a';
  const ev: JobEvent[] = [
    {
      type: 'job-start',
      ts: T0,
      jobId: id,
      name: 'quickstart',
      framework: 'xgboost',
      parallelism: 'data',
      worldSize: ranks,
      hosts,
      local: hosts.every((h) => h === 'localhost'),
    },
    { type: 'coordinator-ready', ts: T0 + 5, host: '127.0.0.1', port: 41234 },
  ];
  for (const h of hosts)
    ev.push({ type: 'host-ready', ts: T0 + 10, host: h, ranks: range(ranks).filter((r) => hostOf(r) === h) });
  for (const r of range(ranks))
    ev.push({ type: 'rank-start', ts: T0 + 20 + r, rank: r, host: hostOf(r), pid: 4100 + r });
  for (const r of range(ranks))
    ev.push({ type: 'rank-ready', ts: T0 + 300 + r, rank: r, host: hostOf(r), port: 40100 + r });
  ev.push({ type: 'training-start', ts: T0 + 310, worldSize: ranks });
  for (const r of range(ranks))
    ev.push({
      type: 'log',
      ts: T0 + 320,
      rank: r,
      stream: 'worker',
      line: `[info] rank ${r}: ${Math.round(4000 / ranks)} training rows, 10 features`,
    });
  for (let step = 1; step <= rounds; step++) {
    const ts = T0 + 400 + step * 50;
    for (const r of range(ranks)) {
      ev.push({
        type: 'progress',
        ts: ts + r,
        rank: r,
        step,
        total,
        unit: 'round',
        rate: 20,
        eta: (total - step) / 20,
        samplesPerSec: 20000 + 250 * r,
        metrics: {
          'train-logloss': 0.69 * Math.exp(-step / 80) + 0.05,
          'valid-logloss': 0.69 * Math.exp(-step / 100) + 0.09,
          'train-auc': 1 - 0.5 * Math.exp(-step / 40),
          'valid-auc': 0.97 - 0.47 * Math.exp(-step / 50),
        },
      });
    }
    if (step % 40 === 0)
      ev.push({
        type: 'log',
        ts,
        rank: 0,
        stream: 'worker',
        line: `[info] round ${step}: train-logloss ${(0.69 * Math.exp(-step / 80) + 0.05).toFixed(4)}`,
      });
  }
  return ev;
}

/** A 2-host SSH job (2 ranks each, one GPU per rank): provisioning on both hosts, then training. */
export function twoHostJob(stage: 'provisioning' | 'training'): JobEvent[] {
  const hosts = ['gpu-a', 'gpu-b'];
  const id = 'higgs-xgb-20260115-093000-c0de';
  const ev: JobEvent[] = [
    {
      type: 'job-start',
      ts: T0,
      jobId: id,
      name: 'higgs-xgb',
      framework: 'xgboost',
      parallelism: 'data',
      worldSize: 4,
      hosts,
      local: false,
    },
    { type: 'coordinator-ready', ts: T0 + 5, host: '127.0.0.1', port: 41234 },
  ];
  const step = (
    ts: number,
    host: string,
    s: string,
    state: 'running' | 'done' | 'skipped' | 'failed',
    detail?: string,
  ) => ev.push({ type: 'host-step', ts: T0 + ts, host, step: s, state, detail });
  for (const [i, h] of hosts.entries()) {
    step(10 + i, h, 'connect', 'running');
    step(200 + i * 100, h, 'connect', 'done', `${h}:22`);
    step(210 + i * 100, h, 'host-key', 'done', 'known');
    step(220 + i * 100, h, 'node', 'done', 'v20.19.0');
    step(230 + i * 100, h, 'upload', 'running');
  }
  step(900, 'gpu-a', 'upload', 'done', '2.1 MiB');
  step(910, 'gpu-a', 'setup', 'skipped', 'cached');
  step(920, 'gpu-a', 'data', 'running');
  if (stage === 'provisioning') return ev;
  step(1500, 'gpu-b', 'upload', 'skipped', 'cached');
  step(1510, 'gpu-b', 'setup', 'done');
  step(1520, 'gpu-b', 'data', 'done', '2 shards');
  step(1600, 'gpu-a', 'data', 'done', '2 shards');
  for (const [i, h] of hosts.entries()) {
    step(1700 + i, h, 'start', 'done');
    ev.push({ type: 'host-ready', ts: T0 + 1710, host: h, ranks: [2 * i, 2 * i + 1] });
  }
  for (let r = 0; r < 4; r++)
    ev.push({ type: 'rank-start', ts: T0 + 1800 + r, rank: r, host: hosts[r >> 1]!, pid: 7000 + r });
  for (let r = 0; r < 4; r++)
    ev.push({ type: 'rank-ready', ts: T0 + 2000 + r, rank: r, host: hosts[r >> 1]!, port: 29500 + r });
  ev.push({ type: 'training-start', ts: T0 + 2010, worldSize: 4 });
  for (let s = 1; s <= 37; s++)
    for (let r = 0; r < 4; r++)
      ev.push({
        type: 'progress',
        ts: T0 + 2000 + s * 400 + r,
        rank: r,
        step: s,
        total: 100,
        unit: 'round',
        rate: 2.5,
        eta: (100 - s) / 2.5,
        samplesPerSec: 1.2e6 + r * 1e4,
        metrics: { 'train-auc': 0.9 - 0.4 * Math.exp(-s / 10), 'valid-auc': 0.88 - 0.38 * Math.exp(-s / 12) },
      });
  ev.push({
    type: 'log',
    ts: T0 + 17000,
    rank: 0,
    stream: 'worker',
    line: '[info] round 37: valid-auc 0.8513',
  });
  return ev;
}

export const TWO_HOST_SEED = {
  heartbeatInterval: 1,
  ranks: [
    { rank: 0, host: 'gpu-a', gpu: 0 },
    { rank: 1, host: 'gpu-a', gpu: 1 },
    { rank: 2, host: 'gpu-b', gpu: 0 },
    { rank: 3, host: 'gpu-b', gpu: 1 },
  ],
};

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The time of the last event. */
export function lastTs(events: readonly JobEvent[]): number {
  return Math.max(...events.map((e) => e.ts));
}
