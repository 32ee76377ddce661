/**
 * Frames: the unit of every dtrain TCP connection. A fixed 12-byte prefix (magic u16 0xD7A1, version
 * u8, flags u8, header length u32 BE, payload length u32 BE), a UTF-8 JSON header object with a string
 * field `t`, then a raw payload (typed arrays as little-endian bytes). Pure: no sockets here.
 */
import { DtrainError } from '../../configs/errors.js';

export const FRAME_MAGIC = 0xd7a1;
export const PROTOCOL_VERSION = 1;
export const PREFIX_BYTES = 12;
/** Largest header accepted once a connection is authenticated. */
export const MAX_HEADER_BYTES = 64 * 1024;
/** Default largest payload accepted once a connection is authenticated. */
export const DEFAULT_MAX_PAYLOAD = 1024 ** 3;
/** Limits before authentication: a small header and no payload at all. */
export const HANDSHAKE_LIMITS: FrameLimits = { maxHeader: 1024, maxPayload: 0 };

/** The JSON header of a frame; `t` names the message type. */
export interface FrameHeader {
  readonly t: string;
  readonly [k: string]: unknown;
}

/** One decoded frame. `payload` is undefined when the frame carries none. */
export interface Frame {
  readonly header: FrameHeader;
  readonly payload: Buffer | undefined;
}

/** Limits checked from the prefix, before any header or payload byte is read. */
export interface FrameLimits {
  readonly maxHeader: number;
  readonly maxPayload: number;
}

/**
 * Chooses where a payload of `length` bytes is written: a Uint8Array of exactly that length (the
 * frame's payload is then a Buffer view over it), or undefined for a fresh aligned allocation.
 */
export type PayloadTarget = (header: FrameHeader, length: number) => Uint8Array | undefined;

function protocolError(message: string): DtrainError {
  return new DtrainError('E_PROTOCOL', message, { category: 'infra' });
}

/** Encodes the prefix and header of a frame into one buffer; the payload is written after it as is. */
export function encodeFrameHead(
  header: FrameHeader,
  payloadBytes: number,
  maxHeader = MAX_HEADER_BYTES,
): Buffer {
  const json = JSON.stringify(header);
  const headerBytes = Buffer.byteLength(json);
  if (headerBytes > maxHeader) throw protocolError(`frame header of ${headerBytes} bytes is over the limit`);
  if (payloadBytes > 0xffffffff) throw protocolError(`frame payload of ${payloadBytes} bytes is too large`);
  const head = Buffer.allocUnsafe(PREFIX_BYTES + headerBytes);
  head.writeUInt16BE(FRAME_MAGIC, 0);
  head.writeUInt8(PROTOCOL_VERSION, 2);
  head.writeUInt8(0, 3);
  head.writeUInt32BE(headerBytes, 4);
  head.writeUInt32BE(payloadBytes, 8);
  head.write(json, PREFIX_BYTES, 'utf8');
  return head;
}

/** Encodes a whole frame into one buffer (tests and small messages; large payloads use encodeFrameHead). */
export function encodeFrame(header: FrameHeader, payload?: ArrayBufferView): Buffer {
  const bytes = payload ? Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength) : undefined;
  const head = encodeFrameHead(header, bytes?.length ?? 0);
  return bytes ? Buffer.concat([head, bytes]) : head;
}

function parseHeader(bytes: Buffer): FrameHeader {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw protocolError('frame header is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw protocolError('frame header is not a JSON object');
  }
  if (typeof (value as { t?: unknown }).t !== 'string') throw protocolError('frame header has no string `t`');
  return value as FrameHeader;
}

/**
 * Streaming decoder: feed socket chunks to `push`; each complete frame goes to `onFrame` synchronously.
 * Each payload byte is copied once, into the target or a fresh buffer. `push` throws a DtrainError
 * (E_PROTOCOL) on bad input; after that, or after `stop()`, the decoder must not be fed again.
 */
export class FrameDecoder {
  limits: FrameLimits;
  target: PayloadTarget | undefined;
  readonly #onFrame: (frame: Frame) => void;
  readonly #prefix = Buffer.alloc(PREFIX_BYTES);
  #prefixFill = 0;
  #header: Buffer | undefined;
  #headerFill = 0;
  #parsed: FrameHeader | undefined;
  #payload: Uint8Array | undefined;
  #payloadFill = 0;
  #payloadLength = 0;
  #stopped = false;

  constructor(onFrame: (frame: Frame) => void, limits: FrameLimits, target?: PayloadTarget) {
    this.#onFrame = onFrame;
    this.limits = limits;
    this.target = target;
  }

  /** Stops after the frame being delivered; `push` then returns the bytes it did not consume. */
  stop(): void {
    this.#stopped = true;
  }

  /** True while a frame is partly read. */
  get midFrame(): boolean {
    return this.#prefixFill > 0 || this.#header !== undefined || this.#payload !== undefined;
  }

  /** Consumes a chunk; returns the unconsumed rest when `stop()` was called during it. */
  push(chunk: Buffer): Buffer | undefined {
    let pos = 0;
    while (pos < chunk.length && !this.#stopped) {
      if (this.#parsed === undefined && this.#header === undefined) {
        const n = Math.min(PREFIX_BYTES - this.#prefixFill, chunk.length - pos);
        chunk.copy(this.#prefix, this.#prefixFill, pos, pos + n);
        this.#prefixFill += n;
        pos += n;
        if (this.#prefixFill === PREFIX_BYTES) this.#startFrame();
      } else if (this.#parsed === undefined) {
        const header = this.#header!;
        const n = Math.min(header.length - this.#headerFill, chunk.length - pos);
        chunk.copy(header, this.#headerFill, pos, pos + n);
        this.#headerFill += n;
        pos += n;
        if (this.#headerFill === header.length) this.#headerDone();
      } else {
        const payload = this.#payload!;
        const n = Math.min(this.#payloadLength - this.#payloadFill, chunk.length - pos);
        payload.set(chunk.subarray(pos, pos + n), this.#payloadFill);
        this.#payloadFill += n;
        pos += n;
        if (this.#payloadFill === this.#payloadLength) this.#deliver();
      }
    }
    return this.#stopped && pos < chunk.length ? chunk.subarray(pos) : undefined;
  }

  #startFrame(): void {
    const p = this.#prefix;
    if (p.readUInt16BE(0) !== FRAME_MAGIC) throw protocolError('bad frame magic (not a dtrain peer?)');
    if (p.readUInt8(2) !== PROTOCOL_VERSION) {
      throw protocolError(`protocol version ${p.readUInt8(2)} is not ${PROTOCOL_VERSION}`);
    }
    const headerLength = p.readUInt32BE(4);
    const payloadLength = p.readUInt32BE(8);
    if (headerLength > this.limits.maxHeader) {
      throw protocolError(
        `frame header of ${headerLength} bytes is over the limit of ${this.limits.maxHeader}`,
      );
    }
    if (payloadLength > this.limits.maxPayload) {
      throw protocolError(
        `frame payload of ${payloadLength} bytes is over the limit of ${this.limits.maxPayload}`,
      );
    }
    if (headerLength === 0) throw protocolError('frame has an empty header');
    this.#payloadLength = payloadLength;
    this.#header = Buffer.allocUnsafe(headerLength);
    this.#headerFill = 0;
  }

  #headerDone(): void {
    const header = parseHeader(this.#header!);
    this.#parsed = header;
    if (this.#payloadLength === 0) {
      this.#deliver();
      return;
    }
    const target = this.target?.(header, this.#payloadLength);
    if (target !== undefined && target.byteLength !== this.#payloadLength) {
      throw new DtrainError('E_INTERNAL', 'payload target has the wrong length', { category: 'internal' });
    }
    // allocUnsafeSlow: an own ArrayBuffer, so typed-array views over it are aligned.
    this.#payload = target ?? Buffer.allocUnsafeSlow(this.#payloadLength);
    this.#payloadFill = 0;
  }

  #deliver(): void {
    const header = this.#parsed!;
    const bytes = this.#payload;
    const payload =
      bytes === undefined
        ? undefined
        : Buffer.isBuffer(bytes)
          ? bytes
          : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#prefixFill = 0;
    this.#header = undefined;
    this.#parsed = undefined;
    this.#payload = undefined;
    this.#onFrame({ header, payload });
  }
}
