/**
 * Numbers in LightGBM's text model: printf-style `%g` printing (what its writer emits), and the
 * exact map between our float32 rule `x < t` and LightGBM's double rule `x <= threshold`.
 *
 * Our predictor reads every input as float32 (the CSV/LibSVM readers round each parsed double to
 * float32, ties to even) and sends a row left iff `fround(x) < t`. LightGBM compares the double it
 * parsed: left iff `x <= threshold`. For float32 inputs any threshold in [prevFloat32(t), t) gives
 * the same decisions, since no float32 lies strictly between prevFloat32(t) and t. We write the one
 * point of that interval that also agrees for *double* inputs (LightGBM's CLI parses text as
 * double): the rounding boundary between prevFloat32(t) and t, so `x <= threshold ⇔ fround(x) < t`
 * for every double x, not only for float32 ones.
 */

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The largest float32 below `t` (a finite float32): −2^128 stands for −∞ below −FLT_MAX. */
function prevFloat32(t: number): number {
  if (t === 0) return -(2 ** -149);
  f32[0] = t;
  u32[0] = t > 0 ? u32[0]! - 1 : u32[0]! + 1;
  return Number.isFinite(f32[0]!) ? f32[0]! : -(2 ** 128);
}

/** The smallest float32 above the float32 `f` (may be +∞). */
function nextFloat32(f: number): number {
  if (f === 0) return 2 ** -149;
  if (f === -Infinity) return -3.4028234663852886e38;
  f32[0] = f;
  u32[0] = f > 0 ? u32[0]! + 1 : u32[0]! - 1;
  return f32[0]!;
}

/** The largest double below the finite, non-zero double `x`. */
function prevDouble(x: number): number {
  f64[0] = x;
  u64[0] = x > 0 ? u64[0]! - 1n : u64[0]! + 1n;
  return f64[0]!;
}

/**
 * LightGBM's `x <= threshold` for our float32 split `x < t`: exact for every double input x once
 * it is rounded to float32 as our readers do (see the module comment). `t` must be a float32 (±∞
 * included: a split at +∞ keeps every finite value left).
 */
export function lightgbmThresholdOf(t: number): number {
  // x < −∞ sends every number right, as x <= −∞ does (LightGBM reads an input "-inf" as −1e308).
  if (t === Number.NEGATIVE_INFINITY) return t;
  // x < +∞: every finite float32 goes left and +∞ right; 2^128 is where doubles start rounding to +∞.
  const hi = t === 0 ? 0 : t === Number.POSITIVE_INFINITY ? 2 ** 128 : t; // −0 and 0 split alike
  const lo = prevFloat32(hi);
  const mid = (lo + hi) / 2; // exact: float32 neighbours differ in the 25th bit at most
  // A double exactly at the boundary rounds to the even neighbour; it goes left only if that is lo.
  return Math.fround(mid) < hi ? mid : prevDouble(mid);
}

/**
 * Our float32 `t` for LightGBM's `x <= threshold`: the smallest float32 above the threshold, so
 * `x < t ⇔ x <= threshold` for every float32 x (t is +∞ when every finite float32 goes left).
 */
export function float32ThresholdOf(threshold: number): number {
  // LightGBM writes `inf` for a split of NaN against every value: every number goes left but +∞,
  // which no float32 threshold can send left (LightGBM's parser reads an input "inf" as 1e308).
  if (threshold === Number.POSITIVE_INFINITY) return threshold;
  const f = Math.fround(threshold);
  // Math.fround rounds to nearest: a result above the threshold is the smallest float32 above it.
  const t = f > threshold ? f : nextFloat32(f);
  return t === 0 ? 0 : t; // never −0: it splits as 0 does, and prints as 0
}

/**
 * |x| rounded to `digits` significant digits as C rounds it: the decimal digits and the power of ten
 * of the first. JS's toExponential rounds exact halves up, C to even; halves are found exactly.
 */
function decimalDigits(x: number, digits: number): { ds: string; power: number } {
  const a = Math.abs(x);
  const [m0, e0] = a.toExponential(digits - 1).split('e') as [string, string];
  const rounded = { ds: m0.replace('.', ''), power: Number(e0) };
  // An exact half at `digits` digits reads "…5" at one digit more, with no rounding there.
  const [m1, e1] = a.toExponential(digits).split('e') as [string, string];
  if (!m1.endsWith('5')) return rounded;
  f64[0] = a;
  const bits = u64[0]!;
  const biased = Number(bits >> 52n);
  const mantissa = biased === 0 ? bits : (bits & 0xfffffffffffffn) | (1n << 52n);
  const e = biased === 0 ? -1074 : biased - 1075;
  const q = digits - 1 - Number(e1); // a · 10^q has `digits` digits before the point
  const num = 2n * mantissa * (q >= 0 ? 10n ** BigInt(q) : 1n) * (e >= 0 ? 2n ** BigInt(e) : 1n);
  const den = (q < 0 ? 10n ** BigInt(-q) : 1n) * (e < 0 ? 2n ** BigInt(-e) : 1n);
  const twice = num / den;
  if (num % den !== 0n || twice % 2n === 0n) return rounded; // not exactly half way
  const lower = (twice - 1n) / 2n;
  const even = lower % 2n === 0n ? lower : lower + 1n;
  const ds = even.toString();
  // Rounding up may carry into a new digit (9.5 → 10).
  return ds.length > digits ? { ds: ds.slice(0, digits), power: Number(e1) + 1 } : { ds, power: Number(e1) };
}

/**
 * C's `printf("%.{precision}g", x)` (also fmt's `{:.Ng}`): `precision` significant digits, trailing
 * zeros dropped, exponent form (`1e-08`, `1.5e+20`) when the exponent is < −4 or ≥ precision.
 */
export function formatG(x: number, precision: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const { ds, power } = decimalDigits(x, precision);
  const sign = x < 0 ? '-' : '';
  const trim = (s: string) => s.replace(/0+$/, '');
  if (power < -4 || power >= precision) {
    const frac = trim(ds.slice(1));
    const exp = `${power < 0 ? '-' : '+'}${String(Math.abs(power)).padStart(2, '0')}`;
    return `${sign}${ds[0]}${frac === '' ? '' : `.${frac}`}e${exp}`;
  }
  const int = power >= 0 ? ds.slice(0, power + 1) : '0';
  const frac = trim(power >= 0 ? ds.slice(power + 1) : '0'.repeat(-power - 1) + ds);
  return `${sign}${int}${frac === '' ? '' : `.${frac}`}`;
}

/** `%.17g`: what LightGBM writes for thresholds, leaf values and leaf weights (round-trips doubles). */
export const g17 = (x: number): string => formatG(x, 17);

/** `%g`: what LightGBM writes for gains, internal values and weights, and shrinkage. */
export const g6 = (x: number): string => formatG(x, 6);
