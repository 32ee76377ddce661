/**
 * The collectives that are not rings: all-reduce of small buffers (gather to rank 0, which reduces in
 * the order of reference.ts and sends the result back: one round trip), broadcast (a star for small
 * buffers, a segmented chain root → root+1 → … for large ones), and the raw stream used to measure
 * plain TCP throughput over the same connections.
 */
import { blockOffsets, segmentCount } from './blocks.js';
import { type FloatArray, type ReduceOp, reduceInto } from './kernels.js';
import { badFrame, bytesOf, type DataHeader, inPlace, mod, Op, type OpContext } from './op.js';

const GATHER = 2;
const RESULT = 3;
const CHAIN = 4;
const STAR = 5;
const STREAM = 6;

/** Small all-reduce: every rank sends its buffer to rank 0; rank 0 reduces and sends the result to all. */
export class GatherReduceOp extends Op {
  readonly #inputs: (FloatArray | undefined)[] = [];
  #got = 0;

  constructor(
    ctx: OpContext,
    q: number,
    private readonly buf: FloatArray,
    private readonly op: ReduceOp,
  ) {
    super(ctx, q);
  }

  protected begin(): void {
    if (this.ctx.rank === 0) {
      this.expect(this.ctx.worldSize - 1);
    } else {
      this.expect(1);
      this.send(0, GATHER, 0, 0, this.buf);
    }
  }

  target(from: number, h: DataHeader, length: number): Uint8Array | undefined {
    if (length !== this.buf.byteLength) return undefined;
    if (this.ctx.rank === 0 && h.p === GATHER) return this.ctx.scratch(from, length);
    if (this.ctx.rank !== 0 && h.p === RESULT && from === 0) return bytesOf(this.buf, 0, this.buf.length);
    return undefined;
  }

  onData(from: number, h: DataHeader, payload: Buffer | undefined): void {
    const bytes = payload ?? Buffer.alloc(0);
    if (bytes.length !== this.buf.byteLength) throw badFrame(from, 'all-reduce buffer of the wrong length');
    if (this.ctx.rank === 0 && h.p === GATHER && this.#inputs[from] === undefined) {
      this.#inputs[from] = this.ctx.aligned(from, bytes, this.buf);
      if (++this.#got === this.ctx.worldSize - 1) this.#reduceAndReply();
    } else if (this.ctx.rank !== 0 && h.p === RESULT && from === 0) {
      const dest = bytesOf(this.buf, 0, this.buf.length);
      if (!inPlace(bytes, dest)) dest.set(bytes);
    } else {
      throw badFrame(from, `unexpected all-reduce frame p=${h.p}`);
    }
    this.received();
  }

  #reduceAndReply(): void {
    const { buf, op } = this;
    const n = this.ctx.worldSize;
    const input = (j: number) => (j === 0 ? buf : this.#inputs[j]!);
    const acc = this.ctx.accumulator(buf);
    const offsets = blockOffsets(buf.length, n);
    for (let c = 0; c < n; c++) {
      const start = offsets[c]!;
      const len = offsets[c + 1]! - start;
      acc.set(input((c + 1) % n).subarray(start, start + len), start);
      for (let k = 2; k <= n; k++) reduceInto(acc, start, input((c + k) % n), start, len, op);
    }
    buf.set(acc.subarray(0, buf.length));
    for (let j = 1; j < n; j++) this.send(j, RESULT, 0, 0, buf);
  }
}

/** Broadcast of raw bytes from `root`: a star below `starBytes`, else a segmented chain. */
export class BroadcastOp extends Op {
  readonly #star: boolean;
  readonly #pos: number;

  constructor(
    ctx: OpContext,
    q: number,
    private readonly bytes: Uint8Array,
    private readonly root: number,
    private readonly segBytes: number,
    starBytes: number,
  ) {
    super(ctx, q);
    this.#star = bytes.length < starBytes;
    this.#pos = mod(ctx.rank - root, ctx.worldSize);
  }

  protected begin(): void {
    const n = this.ctx.worldSize;
    const segs = segmentCount(this.bytes.length, this.segBytes);
    if (this.ctx.rank !== this.root) this.expect(this.#star ? 1 : segs);
    else if (this.#star) {
      for (let j = 0; j < n; j++) if (j !== this.root) this.send(j, STAR, 0, 0, this.bytes);
    } else for (let k = 0; k < segs; k++) this.send(mod(this.root + 1, n), CHAIN, 0, k, this.#segment(k));
  }

  #segment(k: number): Uint8Array | undefined {
    const start = k * this.segBytes;
    if (!Number.isInteger(k) || k < 0 || start >= this.bytes.length) return undefined;
    return this.bytes.subarray(start, Math.min(start + this.segBytes, this.bytes.length));
  }

  #dest(from: number, h: DataHeader): Uint8Array | undefined {
    if (this.ctx.rank === this.root) return undefined;
    if (this.#star) return h.p === STAR && from === this.root ? this.bytes : undefined;
    return h.p === CHAIN && from === mod(this.ctx.rank - 1, this.ctx.worldSize)
      ? this.#segment(h.k)
      : undefined;
  }

  target(from: number, h: DataHeader, length: number): Uint8Array | undefined {
    const dest = this.#dest(from, h);
    return dest && dest.length === length ? dest : undefined;
  }

  onData(from: number, h: DataHeader, payload: Buffer | undefined): void {
    const dest = this.#dest(from, h);
    if (dest === undefined || (payload?.length ?? 0) !== dest.length || payload === undefined) {
      throw badFrame(from, `unexpected broadcast frame p=${h.p} k=${h.k}`);
    }
    if (!inPlace(payload, dest)) dest.set(payload);
    if (!this.#star && this.#pos < this.ctx.worldSize - 1) {
      this.send(mod(this.ctx.rank + 1, this.ctx.worldSize), CHAIN, 0, h.k, dest);
    }
    this.received();
  }
}

/** Raw throughput probe: send `count` copies of `payload` to `to` while receiving `count` from `from`. */
export class StreamOp extends Op {
  constructor(
    ctx: OpContext,
    q: number,
    private readonly to: number,
    private readonly from: number,
    private readonly payload: Uint8Array,
    private readonly count: number,
  ) {
    super(ctx, q);
  }

  protected begin(): void {
    if (this.from >= 0) this.expect(this.count);
    if (this.to >= 0) for (let i = 0; i < this.count; i++) this.send(this.to, STREAM, 0, i, this.payload);
  }

  target(from: number, h: DataHeader, length: number): Uint8Array | undefined {
    return from === this.from && h.p === STREAM && length === this.payload.length
      ? this.ctx.scratch(from, length)
      : undefined;
  }

  onData(from: number, h: DataHeader, payload: Buffer | undefined): void {
    if (from !== this.from || h.p !== STREAM || (payload?.length ?? 0) !== this.payload.length) {
      throw badFrame(from, 'unexpected stream frame');
    }
    this.received();
  }
}
