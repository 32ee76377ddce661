/**
 * How ranks reach their hosts: the contracts (types.ts), local processes (local.ts), SSH (ssh/,
 * whose ssh2 half loads only when first called) and one transport per plan that picks by host.
 */
export { byHostTransport } from './by-host.js';
export { type LocalTransportOptions, localTransport } from './local.js';
export {
  appendKnownHost,
  envWords,
  type HostKeyReport,
  hostKeyName,
  type PassphrasePrompt,
  type ScanOptions,
  type SshTransportOptions,
  scanHostKeys,
  shellQuote,
  sshTransport,
} from './ssh/index.js';
export type {
  ConnectedHost,
  ExecResult,
  HostStep,
  RankExit,
  RankProcess,
  RemoteHost,
  RemoteTransport,
  StartOptions,
  StepSink,
  StepState,
  Transport,
} from './types.js';
