/**
 * The serial definition of what allReduce computes, bit for bit. With n ranks, the buffer is cut into
 * n blocks (blocks.ts); block c is reduced in rank order c+1, c+2, …, n-1, 0, …, c (mod n):
 *   acc = x[c+1]; acc = acc op x[c+2]; …; acc = acc op x[c]
 * in the element type of the inputs (Float32 rounding for Float32Array). Both the ring (reduce-scatter
 * + all-gather) and the small-buffer algorithm (gather to rank 0) follow this order, so the result does
 * not depend on which one ran, and every rank ends with the same bits.
 */
import { blockOffsets } from './blocks.js';
import { type FloatArray, type ReduceOp, reduceInto } from './kernels.js';

/** The result allReduce must produce for these per-rank inputs (all the same type and length). */
export function referenceAllReduce<T extends FloatArray>(inputs: readonly T[], op: ReduceOp): T {
  const n = inputs.length;
  const first = inputs[0];
  if (first === undefined) throw new RangeError('referenceAllReduce needs at least one input');
  const out = first.slice() as T;
  const offsets = blockOffsets(first.length, n);
  for (let c = 0; c < n; c++) {
    const start = offsets[c]!;
    const len = offsets[c + 1]! - start;
    out.set(inputs[(c + 1) % n]!.subarray(start, start + len), start);
    for (let k = 2; k <= n; k++) reduceInto(out, start, inputs[(c + k) % n]!, start, len, op);
  }
  return out;
}
