/**
 * The subset of OpenSSH's client configuration (ssh_config(5)) that dtrain honours, so a host that
 * `ssh ALIAS` reaches is reached the same way: `Host` blocks with `*`, `?` and `!` patterns, HostName
 * (with %h), User, Port, IdentityFile (~ and %d/%u/%h/%r expanded, several accumulate), ProxyJump and
 * ConnectTimeout. As in OpenSSH the first value found for a keyword wins. `Match` blocks are skipped
 * (never applied) and `Include` is not followed. Parsing is pure; `readSshConfig` does the file I/O.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One `Host` block (or the implicit block before the first `Host`) with its options in file order. */
export interface SshConfigBlock {
  /** The block's patterns; undefined for a `Match` block, which is never applied. */
  readonly patterns: readonly string[] | undefined;
  readonly options: readonly { readonly key: string; readonly args: readonly string[] }[];
}

export interface SshConfig {
  readonly blocks: readonly SshConfigBlock[];
}

/** What the config says about one alias; fields are undefined where it says nothing. */
export interface ResolvedSshHost {
  /** The name to connect to (HostName, with %h replaced), or the alias itself. */
  readonly hostName: string;
  readonly user: string | undefined;
  readonly port: number | undefined;
  /** Every IdentityFile of every matching block, in order, with ~ and tokens expanded. */
  readonly identityFiles: readonly string[];
  /** ProxyJump as written (`none` is reported as undefined). */
  readonly proxyJump: string | undefined;
  /** Seconds. */
  readonly connectTimeout: number | undefined;
}

export const EMPTY_SSH_CONFIG: SshConfig = { blocks: [] };

/** Parses the text of an ssh config file. Unknown keywords are kept and ignored. */
export function parseSshConfig(text: string): SshConfig {
  const blocks: { patterns: string[] | undefined; options: { key: string; args: string[] }[] }[] = [
    { patterns: ['*'], options: [] },
  ];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const args = splitArgs(m[2]!);
    if (key === 'host') blocks.push({ patterns: args, options: [] });
    else if (key === 'match') blocks.push({ patterns: undefined, options: [] });
    else blocks[blocks.length - 1]!.options.push({ key, args });
  }
  return { blocks };
}

/** Splits an option's arguments on whitespace, honouring double quotes as OpenSSH does. */
function splitArgs(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2]!);
  return out;
}

/** True when `name` matches a comma/space list of patterns (`*`, `?`, `!negation`), as OpenSSH does. */
export function matchPatternList(name: string, patterns: readonly string[]): boolean {
  let matched = false;
  for (const list of patterns) {
    for (const p of list.split(',')) {
      if (p === '') continue;
      if (p.startsWith('!')) {
        if (matchPattern(name, p.slice(1))) return false;
      } else if (matchPattern(name, p)) matched = true;
    }
  }
  return matched;
}

/** One glob pattern: `*` any run, `?` any one character; case-insensitive like host names. */
export function matchPattern(name: string, pattern: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

export interface ResolveContext {
  /** The local user's home, for `~` and %d. */
  readonly home: string;
  /** The local user name, for %u. */
  readonly localUser?: string;
}

/** What the config says for `alias` (the host as written in the job file). */
export function resolveHost(config: SshConfig, alias: string, context: ResolveContext): ResolvedSshHost {
  const first = new Map<string, readonly string[]>();
  const identity: string[] = [];
  for (const block of config.blocks) {
    if (!block.patterns || !matchPatternList(alias, block.patterns)) continue;
    for (const { key, args } of block.options) {
      if (args.length === 0) continue;
      if (key === 'identityfile') identity.push(args[0]!);
      else if (!first.has(key)) first.set(key, args);
    }
  }
  const one = (key: string) => first.get(key)?.[0];
  const hostName = (one('hostname') ?? alias).replace(/%h/g, alias).replace(/%%/g, '%');
  const user = one('user');
  const port = numberOrUndefined(one('port'));
  const jump = one('proxyjump');
  const tokens = (path: string) =>
    expandTilde(path, context.home)
      .replace(/%d/g, context.home)
      .replace(/%u/g, context.localUser ?? '')
      .replace(/%h/g, hostName)
      .replace(/%r/g, user ?? context.localUser ?? '')
      .replace(/%%/g, '%');
  return {
    hostName,
    user,
    port,
    identityFiles: identity.filter((p) => p.toLowerCase() !== 'none').map(tokens),
    proxyJump: jump === undefined || jump.toLowerCase() === 'none' ? undefined : jump,
    connectTimeout: numberOrUndefined(one('connecttimeout')),
  };
}

function numberOrUndefined(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

/** `~` and `~/x` → the home folder; everything else unchanged. */
export function expandTilde(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return path;
}

/** The config file dtrain reads: DTRAIN_SSH_CONFIG, else ~/.ssh/config. */
export function sshConfigPath(env: Readonly<Record<string, string | undefined>>, home: string): string {
  return env['DTRAIN_SSH_CONFIG'] || join(home, '.ssh', 'config');
}

/** Reads and parses the user's ssh config; a missing file is an empty config. */
export async function readSshConfig(path: string): Promise<SshConfig> {
  try {
    return parseSshConfig(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_SSH_CONFIG;
    throw error;
  }
}
