/**
 * The skeleton every collective shares. An Op is one numbered collective (`q`, the same on every rank
 * because all ranks call collectives in the same order). The communicator routes each data frame of
 * that number to `target` (where its payload lands) and then `onData`; the Op counts what it still
 * expects to receive and which of its sends are not yet in the kernel, and settles when both are zero
 * — so the caller may reuse its buffer as soon as the promise resolves.
 */
import { DtrainError } from '../../configs/errors.js';
import type { FrameHeader } from '../protocol/index.js';
import type { FloatArray } from './kernels.js';

/** The header of a collective's data frame: op number, phase, step, segment. */
export interface DataHeader extends FrameHeader {
  readonly t: 'dc';
  readonly q: number;
  readonly p: number;
  readonly s: number;
  readonly k: number;
}

/** What an Op may use from its communicator. */
export interface OpContext {
  readonly rank: number;
  readonly worldSize: number;
  /** Sends one data frame; rejects with E_PEER_LOST naming `to`. */
  send(to: number, header: DataHeader, view?: ArrayBufferView): Promise<void>;
  /** A reusable, aligned receive area for frames from `from`, exactly `bytes` long. */
  scratch(from: number, bytes: number): Uint8Array;
  /** A typed view of `payload`, copied into `from`'s scratch first only if it is misaligned. */
  aligned<T extends FloatArray>(from: number, payload: Buffer, like: T): T;
  /** A reusable, aligned accumulator with room for `like.length` elements of its type. */
  accumulator<T extends FloatArray>(like: T): T;
}

/** Floor-mod for rank arithmetic. */
export function mod(x: number, n: number): number {
  return ((x % n) + n) % n;
}

/** A protocol violation by `from` inside a collective. */
export function badFrame(from: number, why: string): DtrainError {
  return new DtrainError('E_PROTOCOL', `peer rank ${from} sent a bad collective frame: ${why}`, {
    category: 'infra',
  });
}

/** True when `payload` already is the memory `view` covers (it was received in place). */
export function inPlace(payload: Buffer, view: ArrayBufferView): boolean {
  return payload.buffer === view.buffer && payload.byteOffset === view.byteOffset;
}

/** Byte view of elements [start, start+len) of a typed array. */
export function bytesOf(
  a: ArrayBufferView & { BYTES_PER_ELEMENT?: number },
  start: number,
  len: number,
): Uint8Array {
  const eb = a.BYTES_PER_ELEMENT ?? 1;
  return new Uint8Array(a.buffer, a.byteOffset + start * eb, len * eb);
}

/** Base of every collective. Subclasses implement begin/target/onData. */
export abstract class Op {
  readonly done: Promise<void>;
  #resolve!: () => void;
  #reject!: (e: Error) => void;
  #recv = 0;
  #sends = 0;
  #begun = false;
  #settled = false;

  constructor(
    protected readonly ctx: OpContext,
    readonly q: number,
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /** Issues the first sends and declares the receives. */
  protected abstract begin(): void;
  /** Where the payload of this op's frame lands; undefined for a fresh buffer. */
  abstract target(from: number, h: DataHeader, length: number): Uint8Array | undefined;
  /** Handles one of this op's frames; throws (E_PROTOCOL) on a frame that does not fit. */
  abstract onData(from: number, h: DataHeader, payload: Buffer | undefined): void;

  start(): void {
    this.begin();
    this.#begun = true;
    this.#check();
  }

  fail(error: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#reject(error);
  }

  protected expect(frames: number): void {
    this.#recv += frames;
  }

  protected received(): void {
    this.#recv--;
    this.#check();
  }

  protected send(to: number, p: number, s: number, k: number, view?: ArrayBufferView): void {
    this.#sends++;
    this.ctx.send(to, { t: 'dc', q: this.q, p, s, k }, view).then(
      () => {
        this.#sends--;
        this.#check();
      },
      (e: Error) => this.fail(e),
    );
  }

  #check(): void {
    if (this.#begun && !this.#settled && this.#recv === 0 && this.#sends === 0) {
      this.#settled = true;
      this.#resolve();
    }
  }
}
