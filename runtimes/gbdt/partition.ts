/**
 * Row partitioning: a node's segment of the row index is split in place, stably (rows keep
 * ascending order on both sides, like XGBoost's partition builder), reading the feature-major codes.
 */
import type { HistContext } from './histogram.js';
import type { SplitInfo } from './split.js';

/** Partitions rowIndex[begin, end) by split `s`; returns the position of the first right row. */
export function partitionRows(
  ctx: HistContext,
  scratch: Uint32Array,
  begin: number,
  end: number,
  s: SplitInfo,
): number {
  const { columns, rows: n, missingCode } = ctx.matrix;
  const rows = ctx.rowIndex;
  const f = s.feature;
  const bin = s.bin;
  const miss = missingCode[f]!;
  const dl = s.defaultLeft;
  const col = columns.subarray(f * n, (f + 1) * n);
  let w = begin;
  let k = 0;
  for (let i = begin; i < end; i++) {
    const r = rows[i]!;
    const c = col[r]!;
    if (c === miss ? dl : c <= bin) rows[w++] = r;
    else scratch[k++] = r;
  }
  rows.set(scratch.subarray(0, k), w);
  return w;
}
