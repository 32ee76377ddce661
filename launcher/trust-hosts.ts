/**
 * The `dtrain hosts trust` protocol: read the host key of every remote host of the job and of its
 * jump hosts, show them, and record the unknown ones once the caller confirms; then read again the
 * hosts that sit behind a jump host just trusted (they could not be reached before). A changed or
 * revoked key is never recorded or replaced: it is left to the user, who knows why it changed. The
 * caller renders (onReports) and asks (confirm); this module decides and writes known_hosts.
 */
import type { JobSpec } from '../configs/index.js';
import { appendKnownHost, type HostKeyReport, scanHostKeys } from './transports/index.js';

export type { HostKeyReport } from './transports/index.js';

export interface TrustHostsOptions {
  readonly spec: JobSpec;
  /** The launching environment (HOME, USER, SSH_AUTH_SOCK, DTRAIN_KNOWN_HOSTS, DTRAIN_SSH_CONFIG). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Told each table of keys read: all hosts first, then (after recording) those behind a jump host. */
  readonly onReports: (reports: readonly HostKeyReport[]) => void;
  /** Asked before anything is written; false records nothing and ends the protocol. */
  readonly confirm: (unknown: readonly HostKeyReport[], knownHosts: string) => Promise<boolean>;
  /** Told each time keys were recorded (`again`: the second pass, behind jump hosts). */
  readonly onRecorded: (count: number, knownHosts: string, again: boolean) => void;
}

export interface TrustHostsResult {
  /** no-remote-hosts: nothing to read; declined: confirm said no; done: see `problems`. */
  readonly outcome: 'no-remote-hosts' | 'declined' | 'done';
  readonly knownHosts: string;
  /** Hosts left untrusted: a changed or revoked key, or no key read at all (status `error`). */
  readonly problems: readonly HostKeyReport[];
}

export async function trustHosts(o: TrustHostsOptions): Promise<TrustHostsResult> {
  const scan = () =>
    scanHostKeys({
      hosts: o.spec.hosts.filter((h) => !h.local),
      ssh: o.spec.ssh,
      jobFile: o.spec.source.file,
      env: o.env,
    });
  let { knownHosts, reports } = await scan();
  if (reports.length === 0) return { outcome: 'no-remote-hosts', knownHosts, problems: [] };
  o.onReports(reports);
  const unknown = reports.filter((r) => r.status === 'unknown');
  if (unknown.length > 0) {
    if (!(await o.confirm(unknown, knownHosts))) return { outcome: 'declined', knownHosts, problems: [] };
    for (const r of unknown) await appendKnownHost(knownHosts, r.hostName, r.port, r.key!);
    o.onRecorded(unknown.length, knownHosts, false);
    // Hosts behind a jump host that was just trusted can be read now.
    if (reports.some((r) => r.status === 'error' && r.via !== undefined)) {
      ({ knownHosts, reports } = await scan());
      o.onReports(reports.filter((r) => r.via !== undefined));
      const next = reports.filter((r) => r.status === 'unknown');
      for (const r of next) await appendKnownHost(knownHosts, r.hostName, r.port, r.key!);
      if (next.length > 0) o.onRecorded(next.length, knownHosts, true);
    }
  }
  const problems = reports.filter(
    (r) => r.status === 'changed' || r.status === 'revoked' || r.status === 'error',
  );
  return { outcome: 'done', knownHosts, problems };
}
