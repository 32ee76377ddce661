/**
 * Numbers straight from file bytes. The fast path covers what data files hold (sign, digits, a
 * decimal point, an exponent) and gives exactly what Number() gives; anything else goes to the slow
 * path, which reads the words LightGBM, numpy and pandas read: infinities and missing markers in any
 * case (LightGBM's Atof lower-cases the token), then decimal literals as Number() does (one too large
 * for a double, like 1e400, is ±Infinity). Hexadecimal, binary and octal literals, which Number()
 * takes but none of those tools do, are not numbers here.
 */

/** The tokens read as a missing value (NaN), besides the empty field; in any case, nan with a sign. */
export const MISSING_MARKERS: readonly string[] = ['NA', 'N/A', 'nan', 'NaN', 'null', 'None', '?'];

/** Infinity spelled as LightGBM, numpy and pandas spell it (any case, optional sign). */
const INFINITY_WORDS = new Set(['inf', 'infinity']);
const MISSING_WORDS = new Set(['na', 'n/a', 'nan', 'null', 'none', '?']);

const POW10 = Float64Array.from({ length: 23 }, (_, i) => 10 ** i);
const SPACE = 32;
const TAB = 9;
const QUOTE = 34;

function isBlank(c: number | undefined): boolean {
  return c === SPACE || c === TAB;
}

/**
 * The number in bytes [from, to) of `buf` (surrounding blanks and one pair of double quotes allowed):
 * NaN for an empty field or a missing marker, undefined when the token is not a number.
 */
export function parseNumber(buf: Uint8Array, from: number, to: number): number | undefined {
  let i = from;
  let end = to;
  while (i < end && isBlank(buf[i])) i++;
  while (end > i && isBlank(buf[end - 1])) end--;
  if (i === end) return Number.NaN;
  let c = buf[i]!;
  if (c === QUOTE && end - i >= 2 && buf[end - 1] === QUOTE) {
    // A quoted CSV field ("1.5"): the number inside, still on the fast path.
    i++;
    end--;
    while (i < end && isBlank(buf[i])) i++;
    while (end > i && isBlank(buf[end - 1])) end--;
    if (i === end) return Number.NaN;
    c = buf[i]!;
  }
  const negative = c === 45;
  if (negative || c === 43) i++;
  // Mantissa ≤ 15 digits and |exponent| ≤ 22: both factors are exact doubles, so one multiply or
  // divide rounds once, exactly as Number() does.
  let mantissa = 0;
  let digits = 0;
  let exp10 = 0;
  for (; i < end; i++) {
    c = buf[i]! - 48;
    if (c < 0 || c > 9) break;
    mantissa = mantissa * 10 + c;
    digits++;
  }
  if (i < end && buf[i] === 46) {
    for (i++; i < end; i++) {
      c = buf[i]! - 48;
      if (c < 0 || c > 9) break;
      mantissa = mantissa * 10 + c;
      digits++;
      exp10--;
    }
  }
  if (digits > 0 && i < end && (buf[i] === 101 || buf[i] === 69)) {
    i++;
    const expNegative = buf[i] === 45;
    if (expNegative || buf[i] === 43) i++;
    let e = 0;
    let expDigits = 0;
    for (; i < end && expDigits < 6; i++) {
      c = buf[i]! - 48;
      if (c < 0 || c > 9) break;
      e = e * 10 + c;
      expDigits++;
    }
    if (expDigits === 0) i = -1;
    exp10 += expNegative ? -e : e;
  }
  if (i === end && digits > 0 && digits <= 15 && exp10 >= -22 && exp10 <= 22) {
    const v = exp10 < 0 ? mantissa / POW10[-exp10]! : mantissa * POW10[exp10]!;
    return negative ? -v : v;
  }
  return parseSlow(buf, from, to);
}

function parseSlow(buf: Uint8Array, from: number, to: number): number | undefined {
  let text = Buffer.from(buf.buffer, buf.byteOffset + from, to - from)
    .toString('latin1')
    .trim();
  if (text.length >= 2 && text.charCodeAt(0) === QUOTE && text.charCodeAt(text.length - 1) === QUOTE) {
    text = text.slice(1, -1).trim();
  }
  if (text === '') return Number.NaN;
  const lower = text.toLowerCase();
  if (MISSING_WORDS.has(lower)) return Number.NaN;
  const sign = lower.charCodeAt(0);
  const signed = sign === 43 || sign === 45;
  const word = signed ? lower.slice(1) : lower;
  if (word === 'nan' && signed) return Number.NaN;
  if (INFINITY_WORDS.has(word)) return sign === 45 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  // Number() also reads 0x…, 0b…, 0o… (and 'Infinity', handled above): no data tool does.
  if (/^[+-]?0[xbo]/.test(lower)) return undefined;
  const v = Number(text);
  return Number.isNaN(v) ? undefined : v;
}

/** True when `text` reads as a number or a missing value (header detection uses this). */
export function isNumberOrMissing(text: string): boolean {
  const bytes = Buffer.from(text, 'latin1');
  return parseNumber(bytes, 0, bytes.length) !== undefined;
}
