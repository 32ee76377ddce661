/**
 * The host-key decision and its words, apart from the connection that needs them. A key is checked
 * against known_hosts in every mode; the policy only decides what happens to a new or changed one:
 *   strict      unknown → refuse, changed → refuse
 *   accept-new  unknown → record (atomically) and go on, changed → refuse
 *   off         go on without looking (reported as a skipped step)
 *   collect     (dtrain hosts trust) note the key, never log in
 * A revoked key is refused in every mode, as ssh does.
 */
import type { HostKeyPolicy } from '../../../configs/index.js';
import { DtrainError } from '../../../configs/errors.js';
import { fingerprint, type HostKeyStatus, hostKeyName } from './known-hosts.js';

export type HostKeyMode = HostKeyPolicy | 'collect';

export type HostKeyAction = 'accept' | 'record' | 'refuse';

export function hostKeyAction(mode: HostKeyMode, status: HostKeyStatus): HostKeyAction {
  if (status === 'revoked' || mode === 'collect') return 'refuse';
  if (mode === 'off' || status === 'ok') return 'accept';
  if (status === 'unknown' && mode === 'accept-new') return 'record';
  return 'refuse';
}

export interface HostKeySeen {
  /** The host as written in the job file. */
  readonly name: string;
  readonly hostName: string;
  readonly port: number;
  readonly keyType: string;
  readonly key: Buffer;
  readonly status: HostKeyStatus;
}

export interface HostKeyErrorContext {
  /** The job file, for the `dtrain hosts trust` command line. */
  readonly jobFile: string;
  /** The known_hosts file in use. */
  readonly knownHosts: string;
}

/** The DtrainError for a refused key: what, where, the fingerprint, and the exact command to fix it. */
export function hostKeyError(seen: HostKeySeen, c: HostKeyErrorContext): DtrainError {
  const where = seen.name === seen.hostName ? seen.name : `${seen.name} (${seen.hostName})`;
  const fp = `${seen.keyType} ${fingerprint(seen.key)}`;
  const entry = hostKeyName(seen.hostName, seen.port);
  const file = c.knownHosts;
  const trust = `dtrain hosts trust ${c.jobFile || 'JOB.yaml'}`;
  const portFlag = seen.port === 22 ? '' : `-p ${seen.port} `;
  if (seen.status === 'changed')
    return new DtrainError('E_HOST_KEY_CHANGED', `host key of ${where} has CHANGED: it now presents ${fp}`, {
      category: 'infra',
      detail: [
        `${file} holds a different ${seen.keyType} key for ${entry}. This can be a man-in-the-middle attack,`,
        'or the host was reinstalled. dtrain never replaces a known key. If you know why it changed, remove the',
        `old one and trust the new one:`,
        `  ssh-keygen -R '${entry}' -f ${file}`,
        `  ${trust}`,
      ].join('\n'),
    });
  if (seen.status === 'revoked')
    return new DtrainError('E_HOST_KEY_REVOKED', `host key of ${where} is revoked in ${file}: ${fp}`, {
      category: 'infra',
      detail:
        "A key marked @revoked is never accepted. Ask the host's administrator which key it should present.",
    });
  return new DtrainError('E_HOST_KEY_UNKNOWN', `host key of ${where} is not known: ${fp}`, {
    category: 'infra',
    detail: [
      `${entry} is not in ${file} and ssh.host_keys is strict. Check the fingerprint with the host's`,
      'administrator, then trust it with',
      `  ${trust}`,
      'or',
      `  ssh-keyscan ${portFlag}${seen.hostName} >> ${file}`,
      '(ssh.host_keys: accept-new records the keys of new hosts on first connect)',
    ].join('\n'),
  });
}
