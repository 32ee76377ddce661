/**
 * What the job store keeps for each job: the record a `dtrain status` reads. One folder per job under
 * $DTRAIN_HOME/jobs/ (default ~/.dtrain/jobs/):
 *   job.json       the spec and the plan, written once
 *   state.json     this record, replaced atomically (temp file, fsync, rename) as the job moves
 *   events.jsonl   every job event, appended one JSON line at a time
 *   logs/rank-N.log  each rank's stdout and stderr
 * Only the job's own coordinator writes its folder, so concurrent dtrain processes never share a
 * file; a crash loses at most the last state update, never a finished job.
 */
import type { Framework, Parallelism } from '../../configs/job-spec.js';
import type { JobState } from '../events.js';
import type { RankState } from '../rank-state.js';

export interface RankRecord {
  readonly rank: number;
  readonly host: string;
  state: RankState;
  pid: number | undefined;
  port: number | undefined;
  step: number;
  total: number;
  unit: string;
  rate: number | undefined;
  /** Last time (ms since epoch) the coordinator heard from the rank. */
  lastSeen: number | undefined;
  /**
   * Seconds the rank's main thread had not answered at its last heartbeat (a long synchronous phase,
   * or a stuck thread); absent while it answers. Heartbeats come from a thread of their own.
   */
  busy?: number | undefined;
  exitCode: number | null | undefined;
  signal: string | null | undefined;
}

export interface JobRecord {
  readonly id: string;
  readonly name: string;
  readonly framework: Framework;
  readonly parallelism: Parallelism;
  readonly worldSize: number;
  readonly local: boolean;
  readonly jobFile: string;
  readonly output: string;
  state: JobState;
  readonly createdAt: number;
  startedAt: number | undefined;
  endedAt: number | undefined;
  exitCode: number | undefined;
  error: string | undefined;
  /** The process that coordinates the job (dtrain run), to tell a live job from an abandoned one. */
  coordinatorPid: number;
  ranks: RankRecord[];
  result: unknown;
  /** The failed run this one restarted (`restarts:` in the job file). */
  restartOf?: string;
  /** The run that restarted this one after it failed. */
  restartedAs?: string;
}
