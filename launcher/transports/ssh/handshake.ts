/**
 * One SSH handshake with a host: keepalives, a connect timeout that also covers a jump stream, host
 * key algorithms ordered by what known_hosts holds, the host-key decision (host-key.ts) and, except
 * in collect mode, the login. Every failure becomes a DtrainError that says which and why.
 */
import type { Duplex } from 'node:stream';
import ssh2, { type Client } from 'ssh2';
import { DtrainError } from '../../../configs/errors.js';
import type { AuthPlan } from './auth.js';
import { messageOf } from './errors.js';
import { type HostKeyMode, type HostKeySeen, hostKeyAction, hostKeyError } from './host-key.js';
import {
  appendKnownHost,
  checkHostKey,
  type HostKeyStatus,
  keyTypeOf,
  knownKeyTypes,
  readKnownHosts,
} from './known-hosts.js';
import type { SshTarget } from './target.js';

const DEFAULT_HOST_KEY_ALGOS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

export interface Handshake {
  readonly target: SshTarget;
  readonly mode: HostKeyMode;
  readonly sock: Duplex | undefined;
  readonly auth: AuthPlan;
  readonly knownHosts: string;
  readonly errorContext: { readonly jobFile: string; readonly knownHosts: string };
  readonly onSeen: ((seen: HostKeySeen, action: string) => void) | undefined;
  readonly signal: AbortSignal | undefined;
}

export async function handshake(h: Handshake): Promise<Client> {
  const { target } = h;
  const entries = await readKnownHosts(h.knownHosts);
  const preferred = knownKeyTypes(entries, target.hostName, target.port).flatMap((t) =>
    t === 'ssh-rsa'
      ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']
      : DEFAULT_HOST_KEY_ALGOS.includes(t)
        ? [t]
        : [],
  );
  const auth = h.auth;
  return new Promise<Client>((resolve, reject) => {
    const client = new ssh2.Client();
    // Errors after the handshake are seen through 'close'; without a listener they would crash dtrain.
    client.on('error', () => {});
    let seen: HostKeySeen | undefined;
    let refused = false;
    let recordError: unknown;
    let settled = false;
    const timeoutMs = target.connectTimeout * 1000;
    const finish = (error: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      h.signal?.removeEventListener('abort', onAbort);
      if (error === undefined) return resolve(client);
      client.destroy();
      reject(error);
    };
    const onAbort = () =>
      finish(
        new DtrainError('E_INTERRUPTED', `connecting to ${target.name} was stopped`, {
          category: 'interrupted',
        }),
      );
    h.signal?.addEventListener('abort', onAbort, { once: true });
    // ssh2's readyTimeout covers the handshake; this also covers a jump stream that never answers.
    const guard = setTimeout(
      () => finish(connectError(target, { level: 'client-timeout' }, auth)),
      timeoutMs + 1000,
    );
    client.once('ready', () => finish(undefined));
    client.once('error', (err: Error & { level?: string; code?: string }) => {
      if (refused && seen)
        finish(h.mode === 'collect' ? new CollectedKey(seen) : hostKeyError(seen, h.errorContext));
      else if (recordError)
        finish(
          new DtrainError(
            'E_KNOWN_HOSTS',
            `could not record the host key of ${target.name} in ${h.knownHosts}: ${messageOf(recordError)}`,
            { category: 'infra', cause: recordError },
          ),
        );
      else finish(connectError(target, err, auth));
    });
    client.once('close', () =>
      finish(connectError(target, { message: 'the server closed the connection' }, auth)),
    );
    client.connect({
      host: target.hostName,
      port: target.port,
      username: target.user,
      ...(h.sock ? { sock: h.sock } : {}),
      readyTimeout: timeoutMs,
      keepaliveInterval: 5000,
      keepaliveCountMax: 3,
      agentForward: false,
      tryKeyboard: false,
      ...(preferred.length > 0
        ? { algorithms: { serverHostKey: { remove: preferred, prepend: preferred } as never } }
        : {}),
      authHandler: auth.methods,
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        const keyType = keyTypeOf(key);
        const status: HostKeyStatus = checkHostKey(entries, target.hostName, target.port, keyType, key);
        seen = { name: target.name, hostName: target.hostName, port: target.port, keyType, key, status };
        const action = hostKeyAction(h.mode, status);
        h.onSeen?.(seen, action);
        if (action === 'refuse') {
          refused = true;
          return verify(false);
        }
        if (action === 'accept') return verify(true);
        appendKnownHost(h.knownHosts, target.hostName, target.port, key).then(
          () => verify(true),
          (error) => {
            recordError = error;
            verify(false);
          },
        );
      },
    });
  });
}

/** Thrown by a collect-mode handshake: the key was seen and, by design, not trusted. */
export class CollectedKey extends Error {
  constructor(readonly seen: HostKeySeen) {
    super(`host key of ${seen.name} collected`);
  }
}

function connectError(
  target: SshTarget,
  err: { level?: string; code?: string; message?: string },
  auth: AuthPlan,
): DtrainError {
  const where = `${target.name}${target.hostName !== target.name ? ` (${target.hostName}:${target.port})` : target.port !== 22 ? `:${target.port}` : ''}`;
  if (err.level === 'client-authentication') {
    const skipped = auth.skipped.length ? `; skipped ${auth.skipped.join(', ')}` : '';
    return new DtrainError(
      'E_SSH_AUTH',
      `could not log in to ${where} as ${target.user}: the host accepted none of our keys`,
      {
        category: 'infra',
        detail: `tried: ${auth.tried.join(', ') || 'nothing'}${skipped}. Load the right key into ssh-agent (ssh-add) or set ssh.identity in the job file.`,
      },
    );
  }
  const timeout = `${target.connectTimeout}s`;
  const why =
    err.level === 'client-timeout' || err.code === 'ETIMEDOUT'
      ? `no SSH handshake within ${timeout} (ssh.connect_timeout)`
      : err.code === 'ECONNREFUSED'
        ? `connection refused on port ${target.port} (is sshd running?)`
        : err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN'
          ? 'host name not found'
          : err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH'
            ? 'no route to host'
            : (err.message ?? 'unknown error');
  return new DtrainError('E_SSH_CONNECT', `could not connect to ${where}: ${why}`, { category: 'infra' });
}
