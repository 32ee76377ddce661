/**
 * Reading the host keys of a job's hosts for `dtrain hosts trust`: every remote host and its jump
 * hosts, connected far enough to see the key, logging in nowhere except jump hosts already trusted.
 */
import type { SshSpec } from '../../../configs/index.js';
import type { PassphrasePrompt } from './auth.js';
import { readSshConfig, type SshConfig, sshConfigPath } from './config.js';
import { contextOf } from './context.js';
import { makeDialer } from './dial.js';
import { messageOf } from './errors.js';
import { CollectedKey } from './handshake.js';
import type { HostKeySeen } from './host-key.js';
import { fingerprint, type HostKeyStatus, hostKeyName } from './known-hosts.js';
import { resolveTarget, type SshTarget } from './target.js';

/** What one host presented, for `dtrain hosts trust`. */
export interface HostKeyReport {
  /** The host as written in the job file. */
  readonly host: string;
  readonly hostName: string;
  readonly port: number;
  /** Its name in known_hosts (`host` or `[host]:port`). */
  readonly entry: string;
  /** The jump host it was reached through, if any. */
  readonly via: string | undefined;
  readonly keyType: string | undefined;
  readonly key: Buffer | undefined;
  readonly fingerprint: string | undefined;
  /** ok = already in known_hosts; error = no key could be read (see `error`). */
  readonly status: HostKeyStatus | 'error';
  readonly error: string | undefined;
}

export interface ScanOptions {
  /** The job's remote hosts, as written (address without user or port). */
  readonly hosts: readonly ScanHost[];
  /** The job file's `ssh:` settings. */
  readonly ssh: SshSpec;
  /** The job file, named in errors. */
  readonly jobFile: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly userHome?: string;
  readonly signal?: AbortSignal;
  readonly passphrase?: PassphrasePrompt;
}

export interface ScanHost {
  readonly address: string;
  readonly port: number | undefined;
  readonly user: string | undefined;
}

/**
 * Connects to every remote host of the job (and its jump hosts) far enough to read its host key,
 * logging in nowhere except jump hosts that are already trusted. Jump hosts come first in the list.
 */
export async function scanHostKeys(
  o: ScanOptions,
): Promise<{ knownHosts: string; reports: HostKeyReport[] }> {
  const ctx = contextOf(o.env, o.userHome);
  const config: SshConfig = await readSshConfig(sshConfigPath(o.env, ctx.home));
  const dialer = makeDialer({ context: ctx, jobFile: o.jobFile, passphrase: o.passphrase, signal: o.signal });
  const targets = o.hosts.map((h) =>
    resolveTarget(h, { config, ssh: o.ssh, home: ctx.home, localUser: ctx.localUser }),
  );
  const all = new Map<string, SshTarget>();
  for (const t of targets) {
    for (let j = t.jump; j; j = j.jump) all.set(`jump ${j.hostName}:${j.port}`, j);
  }
  for (const t of targets) all.set(`${t.hostName}:${t.port}`, t);
  try {
    const reports = await Promise.all(
      [...all.values()].map(async (t): Promise<HostKeyReport> => {
        const base = {
          host: t.name,
          hostName: t.hostName,
          port: t.port,
          entry: hostKeyName(t.hostName, t.port),
          via: t.jump?.name,
        };
        let seen: HostKeySeen | undefined;
        try {
          await dialer.dial(t, 'collect', (s) => {
            seen = s;
          });
        } catch (error) {
          if (!(error instanceof CollectedKey) && !seen)
            return {
              ...base,
              keyType: undefined,
              key: undefined,
              fingerprint: undefined,
              status: 'error',
              error: messageOf(error),
            };
        }
        const s = seen!;
        return {
          ...base,
          keyType: s.keyType,
          key: s.key,
          fingerprint: fingerprint(s.key),
          status: s.status,
          error: undefined,
        };
      }),
    );
    return { knownHosts: ctx.knownHosts, reports };
  } finally {
    dialer.closeAll();
  }
}
