/**
 * Ring reduce-scatter and all-gather, segmented and pipelined. With blocks 0..n-1 (blocks.ts) and
 * left = r-1, right = r+1:
 *   reduce-scatter step s (0..n-2): send block r-1-s, receive block r-2-s and reduce it into place;
 *     after the last step rank r holds block r fully reduced, in the order of reference.ts.
 *   all-gather step s (0..n-2): send block r-s, receive block r-s-1 straight into place.
 * Each block travels in segments; a segment is forwarded the moment it is reduced or received, so
 * sending segment k overlaps reducing segment k+1, and reduce-scatter flows into all-gather per segment.
 * Reduce-scatter segments land in the per-peer scratch; all-gather segments land in the caller's buffer.
 */
import { segmentCount } from './blocks.js';
import { type FloatArray, type ReduceOp, reduceInto } from './kernels.js';
import { badFrame, bytesOf, type DataHeader, inPlace, mod, Op, type OpContext } from './op.js';

const RS = 0;
const AG = 1;

/** Which phases to run: reduce-scatter, all-gather, or both (all-reduce). */
export interface RingPlan {
  readonly buf: FloatArray;
  readonly op: ReduceOp;
  readonly offsets: readonly number[];
  readonly segElems: number;
  readonly reduceScatter: boolean;
  readonly allGather: boolean;
}

export class RingOp extends Op {
  readonly #plan: RingPlan;
  readonly #left: number;
  readonly #right: number;
  #segStart = 0;
  #segLen = 0;

  constructor(ctx: OpContext, q: number, plan: RingPlan) {
    super(ctx, q);
    this.#plan = plan;
    this.#left = mod(ctx.rank - 1, ctx.worldSize);
    this.#right = mod(ctx.rank + 1, ctx.worldSize);
  }

  protected begin(): void {
    const { rank: r, worldSize: n } = this.ctx;
    const { reduceScatter, allGather } = this.#plan;
    let expected = 0;
    for (let s = 0; s < n - 1; s++) {
      if (reduceScatter) expected += this.#segments(mod(r - 2 - s, n));
      if (allGather) expected += this.#segments(mod(r - s - 1, n));
    }
    this.expect(expected);
    const phase = reduceScatter ? RS : AG;
    const first = reduceScatter ? mod(r - 1, n) : r;
    const count = this.#segments(first);
    for (let k = 0; k < count; k++) {
      this.#locate(first, k);
      this.#sendSegment(phase, 0, k);
    }
  }

  target(from: number, h: DataHeader, length: number): Uint8Array | undefined {
    if (!this.#valid(from, h) || length !== this.#segLen * this.#plan.buf.BYTES_PER_ELEMENT) return undefined;
    return h.p === RS
      ? this.ctx.scratch(from, length)
      : bytesOf(this.#plan.buf, this.#segStart, this.#segLen);
  }

  onData(from: number, h: DataHeader, payload: Buffer | undefined): void {
    const { buf, op, allGather } = this.#plan;
    if (!this.#valid(from, h)) throw badFrame(from, `unexpected segment p=${h.p} s=${h.s} k=${h.k}`);
    const bytes = this.#segLen * buf.BYTES_PER_ELEMENT;
    if (payload === undefined || payload.length !== bytes)
      throw badFrame(from, 'segment of the wrong length');
    const last = h.s === this.ctx.worldSize - 2;
    if (h.p === RS) {
      reduceInto(buf, this.#segStart, this.ctx.aligned(from, payload, buf), 0, this.#segLen, op);
      if (!last) this.#sendSegment(RS, h.s + 1, h.k);
      else if (allGather) this.#sendSegment(AG, 0, h.k);
    } else {
      const dest = bytesOf(buf, this.#segStart, this.#segLen);
      if (!inPlace(payload, dest)) dest.set(payload);
      if (!last) this.#sendSegment(AG, h.s + 1, h.k);
    }
    this.received();
  }

  #sendSegment(phase: number, step: number, k: number): void {
    const start = this.#segStart;
    this.send(this.#right, phase, step, k, this.#plan.buf.subarray(start, start + this.#segLen));
  }

  #segments(block: number): number {
    const { offsets, segElems } = this.#plan;
    return segmentCount(offsets[block + 1]! - offsets[block]!, segElems);
  }

  /** Sets #segStart/#segLen for segment k of a block; false when there is no such segment. */
  #locate(block: number, k: number): boolean {
    const { offsets, segElems } = this.#plan;
    const end = offsets[block + 1]!;
    const start = offsets[block]! + k * segElems;
    if (!Number.isInteger(k) || k < 0 || start >= end) return false;
    this.#segStart = start;
    this.#segLen = Math.min(segElems, end - start);
    return true;
  }

  /** Checks a frame's place in the schedule and locates its segment. */
  #valid(from: number, h: DataHeader): boolean {
    const n = this.ctx.worldSize;
    const { reduceScatter, allGather } = this.#plan;
    if (from !== this.#left || !Number.isInteger(h.s) || h.s < 0 || h.s > n - 2) return false;
    if (h.p === RS && reduceScatter) return this.#locate(mod(this.ctx.rank - 2 - h.s, n), h.k);
    if (h.p === AG && allGather) return this.#locate(mod(this.ctx.rank - h.s - 1, n), h.k);
    return false;
  }
}
