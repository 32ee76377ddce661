/**
 * Authenticated, framed TCP connections: the only way dtrain processes talk. `connect` (client) and
 * `acceptConnection`/`listen` (server) run the HMAC handshake of auth.ts first; a Connection exists
 * only after it succeeded. Events: 'frame' (Frame), then 'close' (Error | undefined) exactly once.
 * Frames that arrive before the first 'frame' listener is attached are held, not lost.
 */
import { EventEmitter } from 'node:events';
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
import {
  DEFAULT_MAX_PAYLOAD,
  encodeFrame,
  encodeFrameHead,
  type Frame,
  FrameDecoder,
  type FrameHeader,
  MAX_HEADER_BYTES,
  type PayloadTarget,
} from './frame.js';
import { readHandshakeFrame } from './handshake-read.js';

export type { Peer } from './auth.js';
export type { Frame, FrameHeader, PayloadTarget } from './frame.js';

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

/** An authenticated connection. See the module docblock for its events. */
export class Connection extends EventEmitter {
  readonly peer: Peer;
  readonly remoteAddress: string;
  /** Where large payloads are received; consulted only while a 'frame' listener is attached. */
  payloadTarget: PayloadTarget | undefined;
  readonly #socket: net.Socket;
  readonly #decoder: FrameDecoder;
  readonly #queue: Frame[] = [];
  #closed = false;
  #finished = false;
  #closeEmitted = false;
  #error: Error | undefined;
  #corked = false;

  /** Internal: built by connect/acceptConnection once the handshake succeeded. */
  constructor(socket: net.Socket, peer: Peer, rest: Buffer | undefined, maxPayload: number) {
    super();
    this.#socket = socket;
    this.peer = peer;
    this.remoteAddress = `${socket.remoteAddress}:${socket.remotePort}`;
    this.#decoder = new FrameDecoder(
      (f) => this.#dispatch(f),
      { maxHeader: MAX_HEADER_BYTES, maxPayload },
      (h, n) =>
        this.#queue.length === 0 && this.listenerCount('frame') > 0 ? this.payloadTarget?.(h, n) : undefined,
    );
    socket.on('data', (chunk: Buffer) => this.#push(chunk));
    socket.on('error', (e) => {
      this.#error ??= new DtrainError(
        'E_CONN_LOST',
        `connection to ${this.remoteAddress} failed: ${e.message}`,
        {
          category: 'infra',
          cause: e,
        },
      );
    });
    socket.on('end', () => {
      if (this.#decoder.midFrame) this.#error ??= protocolTruncated(this.remoteAddress);
    });
    socket.on('close', () => this.#finish());
    this.on('newListener', (event) => {
      if (event === 'frame' && this.#queue.length > 0) queueMicrotask(() => this.#flush());
    });
    if (rest && rest.length > 0) this.#push(rest);
    if (!this.#closed && this.#queue.length === 0) socket.resume();
  }

  /** True once close()/destroy() was called or the socket closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends one frame. Resolves when the bytes were handed to the kernel (so the payload's memory may
   * be reused); rejects with E_CONN_CLOSED when the connection is or becomes closed.
   */
  send(header: FrameHeader, payload?: ArrayBufferView): Promise<void> {
    if (this.#closed) return Promise.reject(this.#closedError());
    return new Promise<void>((resolve, reject) => {
      const bytes =
        payload && payload.byteLength > 0
          ? Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
          : undefined;
      const head = encodeFrameHead(header, bytes?.length ?? 0);
      const done = (err?: Error | null) => (err ? reject(this.#closedError(err)) : resolve());
      const socket = this.#socket;
      if (!this.#corked) {
        // One writev per tick for all frames sent in it.
        this.#corked = true;
        socket.cork();
        process.nextTick(() => {
          this.#corked = false;
          socket.uncork();
        });
      }
      if (bytes) {
        socket.write(head);
        socket.write(bytes, done);
      } else {
        socket.write(head, done);
      }
    });
  }

  /** Graceful end: pending frames are flushed, then the socket closes. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.end();
    setTimeout(() => this.#socket.destroy(), 2000).unref();
  }

  /** Immediate close; `err` becomes the 'close' event's error. */
  destroy(err?: Error): void {
    if (err) this.#error ??= err;
    this.#closed = true;
    this.#decoder.stop();
    this.#socket.destroy();
  }

  #closedError(cause?: unknown): DtrainError {
    return new DtrainError('E_CONN_CLOSED', `connection to ${this.remoteAddress} is closed`, {
      category: 'infra',
      cause: cause ?? this.#error,
    });
  }

  #push(chunk: Buffer): void {
    if (this.#closed && this.#socket.destroyed) return;
    try {
      this.#decoder.push(chunk);
    } catch (e) {
      this.destroy(e as Error);
    }
  }

  #dispatch(frame: Frame): void {
    if (this.#queue.length > 0 || this.listenerCount('frame') === 0) {
      this.#queue.push(frame);
      this.#socket.pause();
      return;
    }
    this.emit('frame', frame);
  }

  #flush(): void {
    while (this.#queue.length > 0 && this.listenerCount('frame') > 0) this.emit('frame', this.#queue.shift());
    if (this.#queue.length > 0) return;
    if (this.#finished) this.#emitClose();
    else if (!this.#socket.destroyed) this.#socket.resume();
  }

  #finish(): void {
    this.#closed = true;
    this.#finished = true;
    if (this.#queue.length === 0) this.#emitClose();
  }

  #emitClose(): void {
    if (this.#closeEmitted) return;
    this.#closeEmitted = true;
    this.emit('close', this.#error);
  }
}

function protocolTruncated(remote: string): DtrainError {
  return new DtrainError('E_PROTOCOL', `connection to ${remote} ended in the middle of a frame`, {
    category: 'infra',
  });
}

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
