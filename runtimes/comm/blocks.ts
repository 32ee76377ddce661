/**
 * How a buffer is cut among ranks: block c of a length-L buffer over n ranks is contiguous and
 * near-equal — the first L % n blocks hold floor(L/n)+1 elements, the rest floor(L/n). Pure.
 */
import { DtrainError } from '../../configs/errors.js';

/** The n+1 block boundaries of the near-equal split: block c is [offsets[c], offsets[c+1]). */
export function blockOffsets(length: number, n: number): number[] {
  const base = Math.floor(length / n);
  const extra = length % n;
  const offsets = [0];
  for (let c = 0; c < n; c++) offsets.push(offsets[c]! + base + (c < extra ? 1 : 0));
  return offsets;
}

/** Block boundaries from explicit per-rank counts, which must add up to `length`; `what` names the call. */
export function offsetsFromCounts(
  counts: readonly number[],
  n: number,
  length: number,
  what = 'allGather',
): number[] {
  if (counts.length !== n || counts.some((c) => !Number.isInteger(c) || c < 0)) {
    throw new DtrainError('E_INTERNAL', `${what} needs ${n} non-negative integer counts`, {
      category: 'internal',
    });
  }
  const offsets = [0];
  for (const c of counts) offsets.push(offsets[offsets.length - 1]! + c);
  if (offsets[n] !== length) {
    throw new DtrainError(
      'E_INTERNAL',
      `${what} counts add up to ${offsets[n]}, not the buffer's ${length}`,
      {
        category: 'internal',
      },
    );
  }
  return offsets;
}

/** Number of segments of at most `seg` elements in a block of `len` elements. */
export function segmentCount(len: number, seg: number): number {
  return Math.ceil(len / seg);
}
