/**
 * One SSH connection to a host and what rides on it: exec channels, SFTP, the reverse tunnel to the
 * coordinator (opened once per connection), batched kills, and the listeners told when it drops.
 */
import { connect as netConnect } from 'node:net';
import type { Client, SFTPWrapper } from 'ssh2';
import { DtrainError } from '../../../configs/errors.js';
import type { ExecResult, RemoteHost, StartOptions } from '../types.js';

/** One SSH connection to a host and what rides on it. */
export interface Link {
  readonly client: Client;
  ranks: number;
  closing: boolean;
  closed: boolean;
  forward?: Promise<number>;
  coordinator?: { readonly host: string; readonly port: number };
  sftp?: Promise<SFTPWrapper>;
  readonly onLost: Set<(reason: string) => void>;
  kills: string[];
  killing: boolean;
}

/**
 * Wraps a fresh connection: tells `onLost` listeners when it drops (not when we close it), and
 * pipes each connection that comes back through the reverse tunnel to the coordinator.
 */
export function linkOf(client: Client, hostName: string): Link {
  const link: Link = {
    client,
    ranks: 0,
    closing: false,
    closed: false,
    onLost: new Set(),
    kills: [],
    killing: false,
  };
  client.on('close', () => {
    link.closed = true;
    if (link.closing) return;
    const reason = `the SSH connection to ${hostName} dropped`;
    for (const f of link.onLost) f(reason);
  });
  client.on('error', () => {});
  client.on('tcp connection', (_info, accept, reject) => {
    const to = link.coordinator;
    if (!to) return reject();
    const up = accept();
    const down = netConnect(to.port, to.host);
    up.on('error', () => down.destroy());
    down.on('error', () => up.destroy());
    up.pipe(down).pipe(up);
  });
  return link;
}

export function execOn(client: Client, command: string, stdin?: string): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, ch) => {
      if (err) return reject(err);
      const out: Buffer[] = [];
      const errs: Buffer[] = [];
      let code: number | null = null;
      let signal: string | null = null;
      ch.on('data', (d: Buffer) => out.push(d));
      ch.stderr.on('data', (d: Buffer) => errs.push(d));
      ch.on('exit', (c: number | null, s?: string) => {
        code = c ?? null;
        signal = s ?? null;
      });
      ch.on('close', () =>
        resolve({
          code,
          signal,
          stdout: Buffer.concat(out).toString(),
          stderr: Buffer.concat(errs).toString(),
        }),
      );
      ch.end(stdin);
    });
  });
}

export function sftpOf(link: Link): Promise<SFTPWrapper> {
  link.sftp ??= new Promise((res, rej) => link.client.sftp((err, sftp) => (err ? rej(err) : res(sftp))));
  link.sftp.catch(() => {
    link.sftp = undefined;
  });
  return link.sftp;
}

export function remoteOf(name: string, link: Link): RemoteHost {
  return {
    name,
    exec: (command, o) => execOn(link.client, command, o?.stdin),
    async putFile(localPath, remotePath) {
      const sftp = await sftpOf(link);
      await new Promise<void>((res, rej) => sftp.fastPut(localPath, remotePath, (e) => (e ? rej(e) : res())));
    },
    async rename(from, to) {
      const sftp = await sftpOf(link);
      await new Promise<void>((res, rej) => sftp.rename(from, to, (e) => (e ? rej(e) : res())));
    },
  };
}

/** The remote port that leads back to the coordinator, opened once per connection. */
export function forwardPort(
  link: Link,
  coordinator: StartOptions['coordinator'],
  host: string,
): Promise<number> {
  link.coordinator = coordinator;
  link.forward ??= new Promise((res, rej) =>
    link.client.forwardIn('127.0.0.1', 0, (err, port) =>
      err
        ? rej(
            new DtrainError(
              'E_SSH_FORWARD',
              `${host} refused to forward a port back to the coordinator: ${err.message}`,
              {
                category: 'infra',
                detail:
                  "dtrain needs remote port forwarding; check `AllowTcpForwarding` in the host's sshd_config.",
              },
            ),
          )
        : res(port),
    ),
  );
  return link.forward;
}

/** Signals are batched per connection into one exec, so a gang stop does not exceed sshd's MaxSessions. */
export function queueKill(link: Link, signal: NodeJS.Signals, pid: number): void {
  const name = signal.replace(/^SIG/, '');
  if (!/^[A-Z0-9]+$/.test(name) || link.closed) return;
  link.kills.push(`kill -s ${name} -- -${pid} 2>/dev/null`);
  if (link.killing) return;
  link.killing = true;
  setImmediate(function flush() {
    const batch = link.kills.splice(0);
    if (batch.length === 0 || link.closed) {
      link.killing = false;
      return;
    }
    execOn(link.client, `${batch.join('; ')}; true`)
      .catch(() => {})
      .finally(() => setImmediate(flush));
  });
}

/**
 * Ends the links, waiting for each server's goodbye; a host behind a cut link never answers, so its
 * socket is dropped after 2 s.
 */
export function closeLinks(links: readonly Link[]): Promise<void>[] {
  const closing: Promise<void>[] = [];
  for (const l of links) {
    l.closing = true;
    if (l.closed) continue;
    closing.push(
      new Promise((res) => {
        l.client.once('close', () => res());
        setTimeout(() => {
          l.client.destroy();
          res();
        }, 2000).unref();
      }),
    );
  }
  return closing;
}
