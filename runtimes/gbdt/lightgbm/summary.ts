/**
 * The LightGBM flavour's bin-construction sample in double: per feature the distinct values of the
 * sampled rows (the same hash sample as cuts.ts `summarize`, so 1, 2 or N ranks agree) with their
 * counts, taken from Dataset.doubles when the reader kept them — the values LightGBM's parser reads —
 * else from the float32 features. LightGBM's bin bounds are midpoints of neighbouring values in
 * double, so bounds from float32-rounded values differ from its own (31.469999313 for its
 * 31.470000000000002) and send values in between the other way. ±inf reads as ±1e308, as LightGBM's
 * parser reads `inf`.
 *
 * Serialized as float64 words: `[F, then per feature: missingCount, n, n values (ascending), n counts]`;
 * without doubles, as a float64 0 and then those as 32-bit words (float32 values), half the bytes.
 * Missing counts cover every row, sampled or not.
 */
import type { Dataset } from '../../data/index.js';
import { mergeSorted, type RowSpan, sampled, sortFloat64 } from '../core/index.js';

/** Features gathered per pass over the rows (bounds the gathered columns to BLOCK × sampled rows). */
const BLOCK = 32;

/** This rank's summary bytes (see the module comment). */
export function summarizeLgb(dataset: Dataset, span: RowSpan, sampleRows: number): Uint8Array {
  const { rows, cols, features } = dataset;
  const exact = dataset.doubles;
  const all = span.total <= sampleRows;
  const threshold = all ? 0 : Math.floor((sampleRows / span.total) * 2 ** 32);
  const keep = new Uint8Array(rows);
  let kept = 0;
  for (let r = 0; r < rows; r++) {
    keep[r] = all || sampled(span.offset + r, threshold) ? 1 : 0;
    kept += keep[r]!;
  }
  // Features in blocks of BLOCK, each gathered in one pass in row order (the rows are row-major):
  // a pass per feature would stride through all the rows once for each.
  const block = Math.min(cols, BLOCK);
  const columns = new Float64Array(block * kept);
  const lengths = new Int32Array(block);
  const missings = new Float64Array(block);
  const out = new Float64Array(1 + cols * (2 + 2 * kept));
  let w = 0;
  out[w++] = cols;
  for (let f = 0; f < cols; f++) {
    const b = f % block;
    if (b === 0) {
      const width = Math.min(block, cols - f);
      lengths.fill(0);
      missings.fill(0);
      for (let r = 0, row = f; r < rows; r++, row += cols) {
        for (let k = 0; k < width; k++) {
          const v = exact === undefined ? features[row + k]! : exact[row + k]!;
          if (Number.isNaN(v)) missings[k]!++;
          else if (keep[r]) columns[k * kept + lengths[k]!++] = v;
        }
      }
    }
    const n = lengths[b]!;
    const missing = missings[b]!;
    const sorted = sortFloat64(columns.subarray(b * kept, b * kept + n));
    out[w++] = missing;
    const at = w++;
    let distinct = 0;
    const counts = w + n; // values first, counts after; moved down below once `distinct` is known
    for (let i = 0; i < n; i++) {
      // −0 and 0 are one value, as in LightGBM's distinct count.
      if (distinct > 0 && sorted[i] === out[w + distinct - 1]) out[counts + distinct - 1]!++;
      else {
        out[w + distinct] = sorted[i]! === 0 ? 0 : sorted[i]!;
        out[counts + distinct] = 1;
        distinct++;
      }
    }
    out[at] = distinct;
    out.copyWithin(w + distinct, counts, counts + distinct);
    w += 2 * distinct;
  }
  if (exact !== undefined) return new Uint8Array(out.buffer.slice(0, 8 * w));
  // Float32 values (no doubles kept): half the bytes, as 32-bit words after a float64 0 in place of F.
  const narrow = new Uint32Array(2 + w);
  const asFloat = new Float32Array(narrow.buffer);
  narrow[2] = cols;
  for (let i = 1, f = 0, p = 1; f < cols; f++) {
    narrow[2 + p++] = out[i++]!; // missing
    const n = out[i++]!;
    narrow[2 + p++] = n;
    for (let k = 0; k < n; k++) asFloat[2 + p++] = out[i++]!;
    for (let k = 0; k < n; k++) narrow[2 + p++] = out[i++]!;
  }
  return new Uint8Array(narrow.buffer);
}

/** A summary as float64 words (the narrow form widened). */
function words64(bytes: Uint8Array): Float64Array {
  const head = new Float64Array(bytes.slice(0, 8).buffer)[0];
  if (head === 0 && bytes.byteLength >= 12) {
    const words = new Uint32Array(bytes.slice(8).buffer);
    const floats = new Float32Array(words.buffer);
    const wide = new Float64Array(words.length);
    wide[0] = words[0]!;
    for (let i = 1; i < words.length; ) {
      wide[i] = words[i]!;
      const n = words[i + 1]!;
      wide[i + 1] = n;
      for (let k = i + 2; k < i + 2 + n; k++) wide[k] = floats[k]!;
      for (let k = i + 2 + n; k < i + 2 + 2 * n; k++) wide[k] = words[k]!;
      i += 2 + 2 * n;
    }
    return wide;
  }
  if (bytes.byteOffset % 8 === 0)
    return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  return new Float64Array(bytes.slice().buffer);
}

/** Per feature (value, count) lists and missing counts merged from every rank's `summarizeLgb` bytes. */
export function mergeLgbSummaries(summaries: readonly Uint8Array[]): {
  values: number[][];
  counts: number[][];
  missing: number[];
} {
  const views = summaries.map(words64);
  const numFeature = views[0]?.[0] ?? 0;
  const pos = views.map(() => 1);
  const values: number[][] = [];
  const counts: number[][] = [];
  const missing: number[] = [];
  for (let f = 0; f < numFeature; f++) {
    let miss = 0;
    let uv: number[] = [];
    let uw: number[] = [];
    views.forEach((w, k) => {
      let p = pos[k]!;
      miss += w[p++]!;
      const n = w[p++]!;
      [uv, uw] = mergeSorted(
        uv,
        uw,
        Array.from(w.subarray(p, p + n)),
        Array.from(w.subarray(p + n, p + 2 * n)),
      );
      pos[k] = p + 2 * n;
    });
    // LightGBM's parser reads inf as 1e308.
    values.push(uv.map((v) => (v === Infinity ? 1e308 : v === -Infinity ? -1e308 : v)));
    counts.push(uw);
    missing.push(miss);
  }
  return { values, counts, missing };
}
