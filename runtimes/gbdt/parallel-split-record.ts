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
