/**
 * SSH in one place: ~/.ssh/config and known_hosts as OpenSSH reads them, where and as whom to
 * connect, the host-key decision, quoting for remote shells, and the transport and host-key scan.
 * This surface never loads ssh2 by itself: the transport and the scan import it on first call, so a
 * run without remote hosts (and `dtrain plan`, which quotes with this folder's rules) never pays for it.
 */
import type { RemoteTransport } from '../types.js';
import type { HostKeyReport, ScanOptions } from './scan-host-keys.js';
import type { SshTransportOptions } from './transport.js';

export type { PassphrasePrompt } from './auth.js';
export { parseSshConfig, resolveHost, type SshConfig, sshConfigPath } from './config.js';
export type { HostKeyAction, HostKeyMode } from './host-key.js';
export {
  appendKnownHost,
  fingerprint,
  type HostKeyStatus,
  hostKeyName,
  knownHostsPath,
} from './known-hosts.js';
export { envWords, type QuoteOptions, rankCommand, shellJoin, shellQuote } from './quote.js';
export type { HostKeyReport, ScanHost, ScanOptions } from './scan-host-keys.js';
export type { SshRankExit } from './start-rank.js';
export type { SshTransportOptions } from './transport.js';

/** The SSH transport for a run (loads ssh2). */
export async function sshTransport(options: SshTransportOptions): Promise<RemoteTransport> {
  const { sshTransport: create } = await import('./transport.js');
  return create(options);
}

/** Reads the host key of every host and jump host (loads ssh2); jump hosts come first. */
export async function scanHostKeys(
  options: ScanOptions,
): Promise<{ knownHosts: string; reports: HostKeyReport[] }> {
  const { scanHostKeys: scan } = await import('./scan-host-keys.js');
  return scan(options);
}
