/**
 * Point-to-point receive queues, one per peer: frames wait here until `take` asks for their type, and
 * `take` waits until a frame of its type arrives or the peer is lost.
 */
import type { Frame } from '../protocol/index.js';

interface Waiter {
  readonly t: string;
  readonly resolve: (f: Frame) => void;
  readonly reject: (e: Error) => void;
}

export class Mailbox {
  readonly #frames: Frame[][];
  readonly #waiters: Waiter[][];
  readonly #gone: (Error | undefined)[] = [];

  constructor(peers: number) {
    this.#frames = Array.from({ length: peers }, () => []);
    this.#waiters = Array.from({ length: peers }, () => []);
  }

  put(from: number, frame: Frame): void {
    const waiters = this.#waiters[from]!;
    const i = waiters.findIndex((w) => w.t === frame.header.t);
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(frame);
    else this.#frames[from]!.push(frame);
  }

  /** The next frame of type `t` from `from`; rejects with `gone` (or the peer's failure) if none will come. */
  take(from: number, t: string, gone?: Error): Promise<Frame> {
    const frames = this.#frames[from]!;
    const i = frames.findIndex((f) => f.header.t === t);
    if (i >= 0) return Promise.resolve(frames.splice(i, 1)[0]!);
    const failure = this.#gone[from] ?? gone;
    if (failure) return Promise.reject(failure);
    return new Promise((resolve, reject) => this.#waiters[from]!.push({ t, resolve, reject }));
  }

  /** No more frames will come from `from`. */
  fail(from: number, error: Error): void {
    this.#gone[from] ??= error;
    for (const w of this.#waiters[from]!.splice(0)) w.reject(error);
  }

  failAll(error: Error): void {
    for (let j = 0; j < this.#frames.length; j++) this.fail(j, error);
  }
}
