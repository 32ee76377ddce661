/**
 * LightGBM's text parser for data values (include/LightGBM/utils/common.h `Common::Atof`, used by its
 * CSV/TSV/LibSVM readers unless `precise_float_parser=true`): digits summed in double, the fraction
 * divided by a power of ten built by `Common::Pow`, the exponent applied by repeated multiplication.
 * Not correctly rounded: "0.9053558666731177" reads as 0.90535586667311763, one ulp below the nearest
 * double. LightGBM places its bin bounds between, and compares its thresholds with, these values, so
 * the lightgbm framework keeps them (Dataset.doubles) to write the thresholds LightGBM writes.
 */

/** `Common::Pow(base, power)`, operation for operation (its rounding is part of the result). */
function pow(base: number, power: number): number {
  if (power < 0) return 1 / pow(base, -power);
  if (power === 0) return 1;
  if (power % 2 === 0) return pow(base * base, power / 2);
  if (power % 3 === 0) return pow(base * base * base, power / 3);
  return base * pow(base, power - 1);
}

// pow(10, n) for the fraction lengths data files hold, computed once by `pow` itself (so the same bits).
const POW10 = Float64Array.from({ length: 64 }, (_, n) => pow(10, n));

const SPACE = 32;
const TAB = 9;
const QUOTE = 34;

/**
 * LightGBM's reading of the number in bytes [from, to) of `buf` (blanks and one pair of double quotes
 * around it allowed, as our CSV reader allows). `inf`/`infinity` read as ±1e308, as LightGBM reads
 * them; NaN for anything that is not a number (the caller has parsed the token already).
 */
export function lightgbmAtof(buf: Uint8Array, from: number, to: number): number {
  let p = from;
  let end = to;
  while (p < end && (buf[p] === SPACE || buf[p] === TAB)) p++;
  while (end > p && (buf[end - 1] === SPACE || buf[end - 1] === TAB)) end--;
  if (end - p >= 2 && buf[p] === QUOTE && buf[end - 1] === QUOTE) {
    p++;
    end--;
  }
  let sign = 1;
  if (buf[p] === 45) {
    sign = -1;
    p++;
  } else if (buf[p] === 43) p++;
  const c = buf[p];
  const isDigit = p < end && c! >= 48 && c! <= 57;
  if (!(isDigit || c === 46 || c === 101 || c === 69)) {
    const word = Buffer.from(buf.subarray(p, end)).toString('latin1').toLowerCase();
    return word === 'inf' || word === 'infinity' ? sign * 1e308 : Number.NaN;
  }
  let value = 0;
  // Digit loops: a byte outside '0'..'9' (or the token's end) ends each run.
  for (; p < end; p++) {
    const d = buf[p]! - 48;
    if (d < 0 || d > 9) break;
    value = value * 10 + d;
  }
  if (p < end && buf[p] === 46) {
    let right = 0;
    let nn = 0;
    for (p++; p < end; p++) {
      const d = buf[p]! - 48;
      if (d < 0 || d > 9) break;
      right = d + right * 10;
      nn++;
    }
    value += right / (nn < POW10.length ? POW10[nn]! : pow(10, nn));
  }
  let frac = false;
  let scale = 1;
  if (p < end && (buf[p] === 101 || buf[p] === 69)) {
    p++;
    if (buf[p] === 45) {
      frac = true;
      p++;
    } else if (buf[p] === 43) p++;
    let expon = 0;
    // uint32 arithmetic, as LightGBM's; any exponent past 308 is cut to 308 below.
    for (; p < end; p++) {
      const d = buf[p]! - 48;
      if (d < 0 || d > 9) break;
      expon = Math.min(1e9, expon * 10 + d);
    }
    if (expon > 308) expon = 308;
    while (expon >= 50) {
      scale *= 1e50;
      expon -= 50;
    }
    while (expon >= 8) {
      scale *= 1e8;
      expon -= 8;
    }
    while (expon > 0) {
      scale *= 10;
      expon -= 1;
    }
  }
  return sign * (frac ? value / scale : value * scale);
}
