/**
 * Reduce-scatter of small buffers in one hop: every rank sends block q straight to rank q, and each
 * rank reduces its own block in the ring's order (ranks r+1, r+2, …, r), so the result has the same
 * bits as the ring's while the latency is one message instead of n−1 in a row. Each rank sends the
 * same bytes as in the ring: every block but its own, once.
 */
import type { FloatArray, ReduceOp } from './kernels.js';
import { reduceInto } from './kernels.js';
import { badFrame, type DataHeader, mod, Op, type OpContext } from './op.js';

const DIRECT = 7;

export class DirectScatterOp extends Op {
  readonly #inputs: (FloatArray | undefined)[] = [];
  #got = 0;

  constructor(
    ctx: OpContext,
    q: number,
    private readonly buf: FloatArray,
    private readonly op: ReduceOp,
    private readonly offsets: readonly number[],
  ) {
    super(ctx, q);
  }

  protected begin(): void {
    const { rank, worldSize: n } = this.ctx;
    if (this.#mine() > 0) this.expect(n - 1);
    for (let j = 1; j < n; j++) {
      const to = mod(rank + j, n);
      const start = this.offsets[to]!;
      const end = this.offsets[to + 1]!;
      if (end > start) this.send(to, DIRECT, 0, 0, this.buf.subarray(start, end));
    }
  }

  target(from: number, h: DataHeader, length: number): Uint8Array | undefined {
    return h.p === DIRECT && length === this.#mine() * this.buf.BYTES_PER_ELEMENT
      ? this.ctx.scratch(from, length)
      : undefined;
  }

  onData(from: number, h: DataHeader, payload: Buffer | undefined): void {
    const bytes = this.#mine() * this.buf.BYTES_PER_ELEMENT;
    if (h.p !== DIRECT || this.#mine() === 0 || this.#inputs[from] !== undefined) {
      throw badFrame(from, `unexpected reduce-scatter frame p=${h.p}`);
    }
    if (payload === undefined || payload.length !== bytes) throw badFrame(from, 'block of the wrong length');
    this.#inputs[from] = this.ctx.aligned(from, payload, this.buf);
    if (++this.#got === this.ctx.worldSize - 1) this.#reduce();
    this.received();
  }

  #mine(): number {
    return this.offsets[this.ctx.rank + 1]! - this.offsets[this.ctx.rank]!;
  }

  #reduce(): void {
    const { rank, worldSize: n } = this.ctx;
    const start = this.offsets[rank]!;
    const len = this.#mine();
    const own = this.buf.subarray(start, start + len);
    const acc = this.ctx.accumulator(own);
    acc.set(this.#inputs[mod(rank + 1, n)]!);
    for (let k = 2; k < n; k++) reduceInto(acc, 0, this.#inputs[mod(rank + k, n)]!, 0, len, this.op);
    reduceInto(acc, 0, own, 0, len, this.op);
    own.set(acc);
  }
}
