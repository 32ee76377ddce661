/** The launcher's public surface: plan, run, and the job store. cli/ imports only from here. */
export type { EventSink, JobEvent, JobState } from './events.js';
export { type Detached, type DetachOptions, startDetached } from './detach.js';
export { describeExit } from './exit-text.js';
export { type FollowEnd, type FollowOptions, followJob, LineTail } from './follow-job.js';
export type { RunResult } from './launch.js';
export {
  formatPlan,
  type HostPlan,
  type LaunchPlan,
  type PlanOptions,
  planJob,
  type RankPlan,
} from './plan/index.js';
export { isTerminal, nextRankState, type RankEvent, type RankState } from './rank-state.js';
export { type RunJobOptions, runJob, WORKER_ENTRY } from './run-job.js';
export { processAlive, stopJob } from './stop-job.js';
export { dtrainHome, JobStore } from './store/job-store.js';
export type { JobRecord, RankRecord } from './store/types.js';
export {
  type HostKeyReport,
  type TrustHostsOptions,
  type TrustHostsResult,
  trustHosts,
} from './trust-hosts.js';
