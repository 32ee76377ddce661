/**
 * Dialling hosts: a jump host (ProxyJump) first, shared by every host behind it, then the host
 * itself through a stream the jump host forwards. Shared by the transport and the host-key scan;
 * closeAll() ends every connection it made, jump hosts included.
 */
import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { DtrainError } from '../../../configs/errors.js';
import { authMethods, NO_AUTH, type PassphrasePrompt } from './auth.js';
import type { SshContext } from './context.js';
import { messageOf } from './errors.js';
import { handshake } from './handshake.js';
import type { HostKeyMode, HostKeySeen } from './host-key.js';
import type { SshTarget } from './target.js';

export interface Dialer {
  dial(
    target: SshTarget,
    mode: HostKeyMode,
    onSeen?: (seen: HostKeySeen, action: string) => void,
  ): Promise<Client>;
  closeAll(): void;
}

export interface DialerOptions {
  readonly context: SshContext;
  /** The job file, named in host-key errors (`dtrain hosts trust FILE`). */
  readonly jobFile: string;
  readonly passphrase?: PassphrasePrompt | undefined;
  /** Cancels handshakes in flight. */
  readonly signal?: AbortSignal | undefined;
}

export function makeDialer(o: DialerOptions): Dialer {
  const ctx = o.context;
  const knownHosts = ctx.knownHosts;
  const jumps = new Map<string, Promise<Client>>();
  const live = new Set<Client>();
  let closed = false;
  const errorContext = { jobFile: o.jobFile, knownHosts };

  async function dial(
    target: SshTarget,
    mode: HostKeyMode,
    onSeen?: (s: HostKeySeen, a: string) => void,
  ): Promise<Client> {
    let sock: Duplex | undefined;
    if (target.jump) {
      const jump = target.jump;
      const key = `${jump.user}@${jump.hostName}:${jump.port}`;
      // A jump host is checked strictly unless the job says otherwise; in a scan it must already be trusted.
      let via = jumps.get(key);
      if (!via) {
        via = dial(jump, mode === 'collect' ? 'strict' : mode);
        jumps.set(key, via);
        via.catch(() => jumps.delete(key));
      }
      const client = await via.catch((error) => {
        throw new DtrainError(
          'E_SSH_JUMP',
          `could not reach ${target.name} through ${jump.name}: ${messageOf(error)}`,
          {
            category: 'infra',
            detail: error instanceof DtrainError ? error.detail : undefined,
            cause: error,
          },
        );
      });
      sock = await new Promise<Duplex>((res, rej) =>
        client.forwardOut('127.0.0.1', 0, target.hostName, target.port, (err, stream) =>
          err
            ? rej(
                new DtrainError(
                  'E_SSH_CONNECT',
                  `${jump.name} could not open a connection to ${target.hostName}:${target.port}: ${err.message}`,
                  { category: 'infra', cause: err },
                ),
              )
            : res(stream),
        ),
      );
    }
    const auth = mode === 'collect' ? NO_AUTH : await authMethods(target, ctx.agent, o.passphrase);
    const client = await handshake({
      target,
      mode,
      sock,
      auth,
      knownHosts,
      errorContext,
      onSeen,
      signal: o.signal,
    });
    // close() may come while this handshake was still running (another host failed first): a
    // connection made after it would keep dtrain alive, so it is ended at once.
    if (closed) {
      client.end();
      throw new DtrainError('E_INTERRUPTED', `connecting to ${target.name} was stopped`, {
        category: 'interrupted',
      });
    }
    live.add(client);
    client.once('close', () => live.delete(client));
    return client;
  }

  return {
    dial,
    closeAll() {
      closed = true;
      const all = [...live];
      for (const c of all) c.end();
      for (const j of jumps.values())
        void j.then(
          (c) => c.end(),
          () => {},
        );
      // end() waits for the server's goodbye; a host whose link is gone never sends one, and its socket
      // would keep dtrain running until TCP gives up. What has not closed by now is cut.
      setTimeout(() => {
        for (const c of all) c.destroy();
        for (const j of jumps.values())
          void j.then(
            (c) => c.destroy(),
            () => {},
          );
      }, 1500).unref();
    },
  };
}
