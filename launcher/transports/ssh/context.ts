/**
 * Where the SSH side's inputs come from in the launching environment (home, user, agent,
 * known_hosts), and how a path written for a host (`~/x`, relative) becomes an absolute one there.
 */
import { homedir, userInfo } from 'node:os';
import { knownHostsPath } from './known-hosts.js';

export interface SshContext {
  /** The local user's home folder. */
  readonly home: string;
  /** The local user name (the default remote user, as with ssh). */
  readonly localUser: string;
  /** SSH_AUTH_SOCK, when an agent runs. */
  readonly agent: string | undefined;
  readonly knownHosts: string;
}

export function contextOf(env: Readonly<Record<string, string | undefined>>, userHome?: string): SshContext {
  const home = userHome ?? env['HOME'] ?? homedir();
  return {
    home,
    localUser: env['USER'] ?? env['LOGNAME'] ?? userInfo().username,
    agent: env['SSH_AUTH_SOCK'] || undefined,
    knownHosts: knownHostsPath(env, home),
  };
}

/** `~/x` and relative paths are under the remote home; absolute ones stay. */
export function absoluteOnHost(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return `${home}/${path.slice(2)}`;
  if (path.startsWith('/')) return path;
  return `${home}/${path}`;
}
