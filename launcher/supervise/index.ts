/**
 * Supervision of one run: rendezvous, heartbeat watch, gang stop and root cause, behind the
 * `Supervisor`. The rank lifecycle it drives (../rank-state.ts) is shared with the store and renderers.
 */
export { type HeartbeatWatch, watchHeartbeats } from './heartbeat-watch.js';
export { type Cause, RootCause, SYMPTOM_GRACE_MS } from './root-cause.js';
export { Rendezvous } from './rendezvous.js';
export { findSilence, type Silence } from './silence.js';
export { Supervisor, type SupervisorOptions } from './supervisor.js';
