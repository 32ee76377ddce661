/**
 * The Connection object: framed, authenticated TCP after the handshake (connection.ts builds it).
 * Events: 'frame' (Frame), then 'close' (Error | undefined) exactly once. Frames that arrive before the
 * first 'frame' listener is attached are held (the socket paused), not lost.
 */
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { DtrainError } from '../../configs/errors.js';
import type { Peer } from './auth.js';
import {
  encodeFrameHead,
  type Frame,
  FrameDecoder,
  type FrameHeader,
  MAX_HEADER_BYTES,
  type PayloadTarget,
} from './frame.js';

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
        'E_CONN_CLOSED',
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
