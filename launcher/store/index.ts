/** launcher/store/: job state and files under ~/.dtrain (records, events, per-rank logs). */
export { dtrainHome, JobStore } from './job-store.js';
export { JobWriter } from './job-writer.js';
export type { JobRecord, RankRecord } from './types.js';
