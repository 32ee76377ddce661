/**
 * Where and as whom to connect for one host of a job: the job file first (address, port, user,
 * `ssh.identity`, `ssh.jump`), then the user's ssh config for the alias (HostName, Port, User,
 * IdentityFile, ProxyJump), then OpenSSH's defaults. Pure.
 */
import { DtrainError } from '../../../configs/errors.js';
import { parseHost } from '../../../configs/index.js';
import type { SshSpec } from '../../../configs/index.js';
import { expandTilde, resolveHost, type SshConfig } from './config.js';

export interface SshTarget {
  /** The host as written in the job file (messages name it). */
  readonly name: string;
  /** What is dialled (HostName from ssh config, or the name) and checked in known_hosts. */
  readonly hostName: string;
  readonly port: number;
  readonly user: string;
  /** Key files to try after the agent, in order. */
  readonly identityFiles: readonly string[];
  /** True when identityFiles are OpenSSH's defaults (missing ones are then not an error). */
  readonly defaultIdentities: boolean;
  /** The host to go through first (ProxyJump), itself a target. */
  readonly jump: SshTarget | undefined;
  /** Seconds to wait for each connection. */
  readonly connectTimeout: number;
}

export interface TargetContext {
  readonly config: SshConfig;
  readonly ssh: SshSpec;
  /** The local user's home folder. */
  readonly home: string;
  /** The local user name (the default remote user, as with ssh). */
  readonly localUser: string;
}

export const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/** The target for a job host (`address` as in HostSpec, without user or port). */
export function resolveTarget(
  host: { readonly address: string; readonly port: number | undefined; readonly user: string | undefined },
  c: TargetContext,
): SshTarget {
  const jumps = c.ssh.jump ?? resolveHost(c.config, host.address, c).proxyJump;
  return build(host, c, jumpChain(jumps, c));
}

function build(
  host: { readonly address: string; readonly port: number | undefined; readonly user: string | undefined },
  c: TargetContext,
  jump: SshTarget | undefined,
): SshTarget {
  const conf = resolveHost(c.config, host.address, c);
  const explicit = [...(c.ssh.identity ? [expandTilde(c.ssh.identity, c.home)] : []), ...conf.identityFiles];
  return {
    name: host.address,
    hostName: conf.hostName,
    port: host.port ?? conf.port ?? 22,
    user: host.user ?? conf.user ?? c.localUser,
    identityFiles: explicit.length > 0 ? explicit : DEFAULT_IDENTITIES.map((f) => `${c.home}/.ssh/${f}`),
    defaultIdentities: explicit.length === 0,
    jump,
    connectTimeout: c.ssh.connect_timeout,
  };
}

/** `a,b,c` (ProxyJump) → a, then b through a, then c through b; each hop from its own config. */
function jumpChain(text: string | undefined, c: TargetContext): SshTarget | undefined {
  if (!text) return undefined;
  let previous: SshTarget | undefined;
  for (const hop of text.split(',')) {
    const parsed = parseHost(hop.trim().replace(/^ssh:\/\//, ''), 'string');
    if (!parsed.ok)
      throw new DtrainError(
        'E_SSH_JUMP_INVALID',
        `jump host ${JSON.stringify(hop)} is not valid: ${parsed.why}`,
        {
          category: 'config',
        },
      );
    previous = build(parsed.host, c, previous);
  }
  return previous;
}

/** `user@host:port`, for messages. */
export function describeTarget(t: SshTarget): string {
  const port = t.port === 22 ? '' : `:${t.port}`;
  const via = t.jump ? ` via ${t.jump.name}` : '';
  return `${t.user}@${t.hostName}${port}${via}`;
}
