/**
 * The wire protocol: frames, the HMAC challenge, authenticated connections, and the coordinator ↔
 * worker messages. The one module of runtimes/ that launcher/ imports.
 */
export { newToken } from './auth.js';
export {
  type AcceptOptions,
  type AuthOptions,
  acceptConnection,
  Connection,
  connect,
  type Frame,
  type FrameHeader,
  type Listener,
  listen,
  type Peer,
} from './connection.js';
export { DEFAULT_MAX_PAYLOAD, PROTOCOL_VERSION } from './frame.js';
export * from './messages.js';
export {
  type PlannedWorker,
  parseWorkerSpec,
  type WorkerData,
  type WorkerJob,
  type WorkerSpec,
} from './worker-spec.js';
