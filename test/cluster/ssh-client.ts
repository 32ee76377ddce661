/**
 * OpenSSH's own client against the test bed, as the reference for what dtrain's transport must
 * accept and refuse. No user or system config is read (-F /dev/null), so results do not depend on
 * the machine running the tests.
 */
import { toolPath } from '../helpers/cluster.js';
import { type ExecResult, runCommand, type Testbed } from './testbed.js';

export interface SshOptions {
  /** known_hosts to verify against (default: the bed's plain one). */
  readonly knownHosts?: string;
  /** StrictHostKeyChecking value (default yes). */
  readonly strict?: 'yes' | 'accept-new' | 'no';
  /** Seconds (default 5). */
  readonly connectTimeout?: number;
  /** More ssh arguments before the destination, e.g. ['-R', '...']. */
  readonly extra?: readonly string[];
  /** Kills ssh after this many ms (default 30 000). */
  readonly timeoutMs?: number;
}

/** ssh's argv for host i, without the remote command. */
export function sshArgv(bed: Testbed, i: number, options: SshOptions = {}): string[] {
  const host = bed.hosts[i];
  if (!host) throw new Error(`no host ${i}`);
  return [
    toolPath('ssh')!,
    '-F',
    '/dev/null',
    '-i',
    bed.clientKeyPath,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    `UserKnownHostsFile=${options.knownHosts ?? bed.knownHostsPath}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    `StrictHostKeyChecking=${options.strict ?? 'yes'}`,
    '-o',
    'BatchMode=yes',
    '-o',
    `ConnectTimeout=${options.connectTimeout ?? 5}`,
    '-p',
    String(host.port),
    ...(options.extra ?? []),
    `root@${host.address}`,
  ];
}

/** Runs `command` (a remote shell line) on host i over ssh. */
export function ssh(bed: Testbed, i: number, command: string, options: SshOptions = {}): Promise<ExecResult> {
  return runCommand([...sshArgv(bed, i, options), command], { timeoutMs: options.timeoutMs ?? 30_000 });
}
