/**
 * The job event stream: the single source that the plain/JSON renderers and the TUI draw from and
 * that the job store appends to `events.jsonl`. The `--json` lines are these objects, one per line:
 * a stable interface, so fields are only ever added.
 */
import type { Framework, Parallelism } from '../configs/job-spec.js';

interface Base {
  /** Milliseconds since the epoch. */
  readonly ts: number;
}

export type JobState = 'pending' | 'running' | 'succeeded' | 'failed' | 'stopped';

export type JobEvent =
  | (Base & {
      readonly type: 'job-start';
      readonly jobId: string;
      readonly name: string;
      readonly framework: Framework;
      readonly parallelism: Parallelism;
      readonly worldSize: number;
      readonly hosts: readonly string[];
      readonly local: boolean;
    })
  /** The coordinator is listening; workers will dial host:port. */
  | (Base & { readonly type: 'coordinator-ready'; readonly host: string; readonly port: number })
  /** A provisioning step on a host (connect, host-key, node, upload, setup, data, start). */
  | (Base & {
      readonly type: 'host-step';
      readonly host: string;
      readonly step: string;
      readonly state: 'running' | 'done' | 'skipped' | 'failed';
      readonly detail: string | undefined;
    })
  | (Base & { readonly type: 'host-ready'; readonly host: string; readonly ranks: readonly number[] })
  | (Base & {
      readonly type: 'rank-start';
      readonly rank: number;
      readonly host: string;
      readonly pid: number;
    })
  | (Base & {
      readonly type: 'rank-ready';
      readonly rank: number;
      readonly host: string;
      readonly port: number;
    })
  | (Base & { readonly type: 'training-start'; readonly worldSize: number })
  | (Base & {
      readonly type: 'progress';
      readonly rank: number;
      readonly step: number;
      readonly total: number;
      readonly unit: string;
      /** Steps per second over the recent window. */
      readonly rate: number;
      /** Seconds left at that rate; undefined until it can be estimated. */
      readonly eta: number | undefined;
      readonly samplesPerSec: number | undefined;
      readonly metrics: Readonly<Record<string, number>> | undefined;
    })
  | (Base & {
      readonly type: 'log';
      readonly rank: number;
      readonly stream: 'stdout' | 'stderr' | 'worker';
      readonly line: string;
    })
  /** The compute backend a rank chose (tensorflow), with why: the fallback chain made visible. */
  | (Base & {
      readonly type: 'backend';
      readonly rank: number;
      readonly name: string;
      readonly reason: string;
    })
  | (Base & { readonly type: 'result'; readonly rank: number; readonly data: unknown })
  | (Base & {
      readonly type: 'rank-exit';
      readonly rank: number;
      readonly host: string;
      readonly code: number | null;
      readonly signal: string | null;
    })
  | (Base & {
      readonly type: 'rank-lost';
      readonly rank: number;
      readonly host: string;
      readonly silentFor: number;
    })
  | (Base & { readonly type: 'stopping'; readonly reason: string })
  /** A failed run is started again as a new job (`restarts:`), from its latest checkpoint if any. */
  | (Base & {
      readonly type: 'restarting';
      readonly jobId: string;
      readonly attempt: number;
      readonly restarts: number;
      readonly reason: string;
      readonly resumeFrom: string | undefined;
    })
  /** Someone connected to the coordinator and failed the job's challenge; they were dropped. */
  | (Base & { readonly type: 'connection-rejected'; readonly remote: string; readonly reason: string })
  | (Base & {
      readonly type: 'job-end';
      readonly state: Exclude<JobState, 'pending' | 'running'>;
      readonly exitCode: number;
      /** The root cause, one line, when the job did not succeed. */
      readonly error: string | undefined;
      /** What to do about it, when known; may span lines. */
      readonly detail?: string;
      readonly elapsed: number;
    });

export type JobEventType = JobEvent['type'];
export type EventSink = (event: JobEvent) => void;
