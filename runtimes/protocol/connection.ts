/**
 * Authenticated, framed TCP connections: the only way dtrain processes talk. `connect` (client) and
 * `acceptConnection`/`listen` (server) run the HMAC handshake of auth.ts first; a Connection exists
 * only after it succeeded (framed-connection.ts has the Connection itself).
 */
import net from 'node:net';
import { DtrainError } from '../../configs/errors.js';
import {
  authMessage,
  challengeMessage,
  macEqual,
  newNonce,
  type Peer,
  readChallenge,
  verifyAuth,
  welcomeMac,
} from './auth.js';
import { DEFAULT_MAX_PAYLOAD, encodeFrame } from './frame.js';
import { Connection } from './framed-connection.js';
import { readHandshakeFrame } from './handshake-read.js';

export type { Peer } from './auth.js';
export type { Frame, FrameHeader, PayloadTarget } from './frame.js';
export { Connection } from './framed-connection.js';

/** What both ends of a connection need to authenticate each other. */
export interface AuthOptions {
  readonly token: string;
  readonly jobId: string;
  /** Handshake deadline; default 5000 ms. */
  readonly timeoutMs?: number;
  /** Largest payload accepted after the handshake; default 1 GiB. */
  readonly maxPayload?: number;
}

/** Server-side options: a callback for dropped peers and the identity announced in the challenge. */
export interface AcceptOptions extends AuthOptions {
  readonly onReject?: (reason: string, remoteAddress: string) => void;
  readonly me?: Peer;
}

const DEFAULT_TIMEOUT_MS = 5000;
const noop = () => {};

function addressOf(socket: net.Socket): string {
  return `${socket.remoteAddress}:${socket.remotePort}`;
}

/**
 * Server side: runs the handshake on an accepted socket. Resolves the Connection, or undefined when
 * the peer was rejected (the socket is then closed, and `onReject` told why). Never throws.
 */
export async function acceptConnection(
  socket: net.Socket,
  auth: AcceptOptions,
): Promise<Connection | undefined> {
  socket.setNoDelay(true);
  socket.on('error', noop);
  const remote = addressOf(socket);
  const deadline = Date.now() + (auth.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const nonce = newNonce();
  try {
    socket.write(
      encodeFrame(challengeMessage(auth.jobId, nonce, auth.me ?? { role: 'coordinator', rank: -1 })),
    );
    const { frame, rest } = await readHandshakeFrame(socket, undefined, deadline);
    const verdict = verifyAuth(frame.header, auth.token, auth.jobId, nonce);
    if ('error' in verdict) {
      socket.end(encodeFrame({ t: 'reject', reason: verdict.error }));
      setTimeout(() => socket.destroy(), 1000).unref();
      auth.onReject?.(verdict.error, remote);
      return undefined;
    }
    socket.write(
      encodeFrame({ t: 'welcome', mac: welcomeMac(auth.token, auth.jobId, nonce, verdict.cnonce) }),
    );
    return new Connection(socket, verdict.peer, rest, auth.maxPayload ?? DEFAULT_MAX_PAYLOAD);
  } catch (e) {
    socket.destroy();
    auth.onReject?.((e as Error).message, remote);
    return undefined;
  }
}

function openSocket(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.on('error', noop);
    const fail = (why: string, cause?: unknown) => {
      clearTimeout(timer);
      socket.destroy();
      reject(
        new DtrainError('E_CONNECT', `cannot connect to ${host}:${port}: ${why}`, {
          category: 'infra',
          cause,
        }),
      );
    };
    const timer = setTimeout(() => fail('timed out'), timeoutMs);
    socket.once('error', (e) => fail(e.message, e));
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

/**
 * Client side: dials host:port as `me` and authenticates both ways. Rejects with a DtrainError
 * (category 'infra'): E_CONNECT when the TCP connection fails, E_AUTH when the handshake does.
 */
export async function connect(host: string, port: number, me: Peer, auth: AuthOptions): Promise<Connection> {
  const timeoutMs = auth.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const socket = await openSocket(host, port, timeoutMs);
  const where = `${host}:${port}`;
  const deadline = Date.now() + timeoutMs;
  try {
    const first = await readHandshakeFrame(socket, undefined, deadline);
    const challenge = readChallenge(first.frame.header, auth.jobId);
    if ('error' in challenge) throw new Error(challenge.error);
    const cnonce = newNonce();
    socket.write(encodeFrame(authMessage(auth.token, auth.jobId, challenge.nonce, cnonce, me)));
    const second = await readHandshakeFrame(socket, first.rest, deadline);
    const h = second.frame.header;
    if (h.t === 'reject') throw new Error(`rejected: ${String(h.reason)}`);
    if (h.t !== 'welcome' || !macEqual(h.mac, welcomeMac(auth.token, auth.jobId, challenge.nonce, cnonce))) {
      throw new Error('the server failed to prove it knows the job token');
    }
    return new Connection(socket, challenge.server, second.rest, auth.maxPayload ?? DEFAULT_MAX_PAYLOAD);
  } catch (e) {
    socket.destroy();
    throw new DtrainError('E_AUTH', `authentication with ${where} failed: ${(e as Error).message}`, {
      category: 'infra',
      cause: e,
    });
  }
}

/** A listening server that authenticates every socket it accepts. */
export interface Listener {
  readonly server: net.Server;
  readonly port: number;
  /** Stops accepting and drops sockets still in their handshake; established connections stay. */
  close(): Promise<void>;
}

/** Listens on host:port (0 = any free port) and hands every authenticated connection to `onConnection`. */
export function listen(
  host: string,
  port: number,
  auth: AcceptOptions,
  onConnection: (c: Connection) => void,
): Promise<Listener> {
  const pending = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    pending.add(socket);
    void acceptConnection(socket, auth).then((c) => {
      pending.delete(socket);
      if (c) onConnection(c);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e) =>
      reject(
        new DtrainError('E_LISTEN', `cannot listen on ${host}:${port}: ${e.message}`, { category: 'infra' }),
      ),
    );
    server.listen(port, host, () => {
      server.on('error', noop);
      const address = server.address() as net.AddressInfo;
      const close = async () => {
        server.close();
        for (const s of pending) s.destroy();
      };
      resolve({ server, port: address.port, close });
    });
  });
}
