/**
 * The plan: JobSpec → LaunchPlan (which rank runs where, with which command, data and WorkerSpec),
 * and its text. Pure; nothing downstream of the plan reads the JobSpec again.
 */
export { formatPlan } from './format-plan.js';
export { type PlanOptions, planJob } from './plan-job.js';
export { shardPath } from './shard-path.js';
export type { DataShard, HostPlan, LaunchPlan, RankPlan } from './contract.js';
export { forRun, plannedWorker, type WorkerPlace } from './worker-spec.js';
