/**
 * Float printing for XGBoost's JSON: its reader types numbers lexically (`1` is an Integer, `1.0` a
 * Number) and stores floats as float32, so floats are printed as the shortest decimal that reads
 * back to the same float32, always with a decimal point or exponent.
 */

/** The shortest decimal string s with Math.fround(Number(s)) === Math.fround(x), e.g. `0.1`, `1.0`. */
export function formatFloat32(x: number): string {
  const f = Math.fround(x);
  if (!Number.isFinite(f)) throw new RangeError(`formatFloat32: ${x} is not a finite float32`);
  if (f === 0) return Object.is(f, -0) ? '-0.0' : '0.0';
  let s = '';
  for (let p = 1; p <= 9; p++) {
    s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) break;
  }
  // Number → string drops toPrecision's exponent where plain digits are as short (1e+2 → 100).
  s = String(Number(s));
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** A JSON array of floats, each printed by `formatFloat32`. */
export function float32Array(values: ArrayLike<number>): string {
  const parts: string[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) parts[i] = formatFloat32(values[i]!);
  return `[${parts.join(',')}]`;
}
