/**
 * The binned training matrix, built once: row-major bin codes in shared memory (so worker threads
 * read it without copies). Training never writes it: a tree's first split copies its rows into
 * another row buffer, partitioned in place from then on (partition.ts; with wasm kernels, a copy of
 * these codes in the context's memory plays this part), so every tree starts from it in row order. Feature f's code is its
 * bin (`upper_bound` of the value in its cuts, clamped to the last bin) or `bins(f)` when missing. Histograms give every feature
 * bins(f) + 1 slots so the missing code needs no branch in the hot loop.
 */
import type { Dataset } from '../../data/index.js';
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

const PREFIXES = 65536;

/** Float32 bits → uint32 key with the same order as the floats (radix-sort.ts's transform). */
function orderKey(u: number): number {
  return u & 0x80000000 ? ~u >>> 0 : (u | 0x80000000) >>> 0;
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
  const bits = new Uint32Array(features.buffer, features.byteOffset, features.length);
  const start = new Uint32Array(PREFIXES + 1);
  const cutBits = new Uint32Array(new Float32Array(values).buffer);
  for (let f = 0; f < cols; f++) {
    const lo = cuts.ptrs[f]!;
    const nb = cuts.ptrs[f + 1]! - lo;
    const miss = missingCode[f]!;
    // start[p] = number of cuts whose order key has a top-16-bit prefix below p.
    let c = 0;
    for (let p = 0; p <= PREFIXES; p++) {
      while (c < nb && orderKey(cutBits[lo + c]!) >>> 16 < p) c++;
      start[p] = c;
    }
    for (let i = f; i < rows * cols; i += cols) {
      const x = features[i]!;
      if (Number.isNaN(x)) {
        codes[i] = miss;
        continue;
      }
      const p = orderKey(bits[i]!) >>> 16;
      // upper_bound among the few cuts sharing x's prefix.
      let a = start[p]!;
      let b = start[p + 1]!;
      while (a < b) {
        const m = (a + b) >>> 1;
        if (values[lo + m]! > x) b = m;
        else a = m + 1;
      }
      codes[i] = Math.min(a, nb - 1);
    }
  }
  return { rows, cols, codes, missingCode, slotOffsets };
}
