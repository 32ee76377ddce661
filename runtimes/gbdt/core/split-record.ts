/**
 * Split records as the LightGBM parallel learners exchange them (LightGBM's `SplitInfo`
 * serialisation in `SyncUpGlobalBestSplit`): float64 words `[gain, feature, bin, threshold,
 * defaultLeft, leftG, leftH, rightG, rightH, leftCount, rightCount, cats…, n]`, every field exact, so
 * the rank that receives a split has the same numbers as the rank that found it.
 */
import { emptySplit, type SplitInfo } from './split.js';

const FIELDS = 11;

/** The records of `splits`, one after another. */
export function encodeSplits(splits: readonly SplitInfo[]): Uint8Array {
  let words = 0;
  for (const s of splits) words += FIELDS + 1 + (s.cats?.length ?? 0);
  const out = new Float64Array(words);
  let o = 0;
  for (const s of splits) {
    out.set(
      [
        s.gain,
        s.feature,
        s.bin,
        s.threshold,
        s.defaultLeft ? 1 : 0,
        s.leftG,
        s.leftH,
        s.rightG,
        s.rightH,
        s.leftCount,
        s.rightCount,
      ],
      o,
    );
    o += FIELDS;
    const cats = s.cats ?? [];
    out[o++] = s.cats === undefined ? -1 : cats.length;
    out.set(cats, o);
    o += cats.length;
  }
  return new Uint8Array(out.buffer);
}

/** The `count` records in `bytes` (as `encodeSplits` wrote them). */
export function decodeSplits(bytes: Uint8Array, count: number): SplitInfo[] {
  const w = new Float64Array(bytes.slice().buffer);
  const out: SplitInfo[] = [];
  let o = 0;
  for (let i = 0; i < count; i++) {
    const s = fixedFields(w, o);
    o += FIELDS;
    const n = w[o++]!;
    if (n >= 0) {
      s.cats = Array.from(w.subarray(o, o + n));
      o += n;
    }
    out.push(s);
  }
  return out;
}

/**
 * Whether split `a` beats `b` as the global best: higher gain, then the lower feature index (what a
 * serial scan over features in ascending order keeps). A record without a feature never wins.
 */
export function beats(a: SplitInfo, b: SplitInfo): boolean {
  if (a.feature < 0) return false;
  if (b.feature < 0) return true;
  return a.gain > b.gain || (a.gain === b.gain && a.feature < b.feature);
}

/**
 * Fixed-width records for all-gathering splits in one all-reduce: the 11 fields, then the category
 * count (−1: not categorical) and the left categories as a bitset of `catWords` 32-bit words (bins
 * below 32·catWords; `cats` must be ascending, as the split rules write them). Every word is exact.
 */
export function fixedSplitWords(catWords: number): number {
  return FIELDS + 1 + catWords;
}

/** Writes `s` as a fixed-width record at out[o, o + fixedSplitWords(catWords)). */
export function writeFixedSplit(s: SplitInfo, catWords: number, out: Float64Array, o: number): void {
  out[o] = s.gain;
  out[o + 1] = s.feature;
  out[o + 2] = s.bin;
  out[o + 3] = s.threshold;
  out[o + 4] = s.defaultLeft ? 1 : 0;
  out[o + 5] = s.leftG;
  out[o + 6] = s.leftH;
  out[o + 7] = s.rightG;
  out[o + 8] = s.rightH;
  out[o + 9] = s.leftCount;
  out[o + 10] = s.rightCount;
  out[o + FIELDS] = s.cats === undefined ? -1 : s.cats.length;
  const bits = o + FIELDS + 1;
  out.fill(0, bits, bits + catWords);
  for (const c of s.cats ?? []) {
    if (c >= 32 * catWords) throw new RangeError(`category bin ${c} does not fit ${catWords} bitset words`);
    out[bits + (c >>> 5)] = out[bits + (c >>> 5)]! + 2 ** (c & 31);
  }
}

/** A split with the FIELDS numbers at w[o, …) read back (categories not included). */
function fixedFields(w: Float64Array, o: number): SplitInfo {
  const s = emptySplit();
  s.gain = w[o]!;
  s.feature = w[o + 1]!;
  s.bin = w[o + 2]!;
  s.threshold = w[o + 3]!;
  s.defaultLeft = w[o + 4] === 1;
  s.leftG = w[o + 5]!;
  s.leftH = w[o + 6]!;
  s.rightG = w[o + 7]!;
  s.rightH = w[o + 8]!;
  s.leftCount = w[o + 9]!;
  s.rightCount = w[o + 10]!;
  return s;
}

/** The record at w[o, …) as writeFixedSplit wrote it. */
export function readFixedSplit(w: Float64Array, o: number, catWords: number): SplitInfo {
  const s = fixedFields(w, o);
  if (w[o + FIELDS]! >= 0) {
    const cats: number[] = [];
    for (let j = 0; j < catWords; j++) {
      const word = w[o + FIELDS + 1 + j]! >>> 0;
      for (let b = 0; b < 32; b++) if ((word >>> b) & 1) cats.push(32 * j + b);
    }
    s.cats = cats;
  }
  return s;
}
