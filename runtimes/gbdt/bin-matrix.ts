/**
 * The binned training matrix, built once: row-major bin codes in shared memory (so histogram worker
 * threads read it without copies). Feature f's code is its bin (`upper_bound` of the value in its
 * cuts, clamped to the last bin) or `bins(f)` when missing. Histograms give every feature
 * bins(f) + 1 slots so the missing code needs no branch in the hot loop.
 */
import type { Dataset } from '../data/dataset.js';
import type { Cuts } from './cuts.js';

export interface BinMatrix {
  readonly rows: number;
  readonly cols: number;
  /** rows × cols codes; Uint8Array when every feature's codes fit in a byte. */
  readonly codes: Uint8Array | Uint16Array;
  /** Per feature: the code of a missing value (= its bin count). */
  readonly missingCode: Uint16Array;
  /** Per feature: first histogram slot; slotOffsets[cols] is the slot count of one histogram. */
  readonly slotOffsets: Uint32Array;
}

/** Bins `dataset` with `cuts`. */
export function buildBinMatrix(dataset: Dataset, cuts: Cuts): BinMatrix {
  const { rows, cols, features } = dataset;
  const missingCode = new Uint16Array(cols);
  const slotOffsets = new Uint32Array(cols + 1);
  let maxCode = 0;
  for (let f = 0; f < cols; f++) {
    const nb = cuts.ptrs[f + 1]! - cuts.ptrs[f]!;
    missingCode[f] = nb;
    slotOffsets[f + 1] = slotOffsets[f]! + nb + 1;
    maxCode = Math.max(maxCode, cuts.hasMissing[f] ? nb : nb - 1);
  }
  const wide = maxCode > 255;
  const bytes = rows * cols * (wide ? 2 : 1);
  const sab = new SharedArrayBuffer(Math.max(bytes, 8));
  const codes = wide ? new Uint16Array(sab, 0, rows * cols) : new Uint8Array(sab, 0, rows * cols);
  const values = cuts.values;
  for (let f = 0; f < cols; f++) {
    const lo = cuts.ptrs[f]!;
    const hi = cuts.ptrs[f + 1]!;
    const last = hi - lo - 1;
    const miss = missingCode[f]!;
    for (let r = 0, i = f; r < rows; r++, i += cols) {
      const x = features[i]!;
      if (Number.isNaN(x)) {
        codes[i] = miss;
        continue;
      }
      // upper_bound: first cut > x.
      let a = lo;
      let b = hi;
      while (a < b) {
        const m = (a + b) >>> 1;
        if (values[m]! > x) b = m;
        else a = m + 1;
      }
      const bin = a - lo;
      codes[i] = Math.min(bin, last);
    }
  }
  return { rows, cols, codes, missingCode, slotOffsets };
}
