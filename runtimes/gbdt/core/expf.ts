/**
 * glibc's `expf` (sysdeps/ieee754/flt-32/e_expf.c, glibc ≥ 2.28, from ARM's optimized-routines),
 * the one XGBoost 1.7's float sigmoid and softmax call. It is not correctly rounded: it evaluates
 * 2^(k/32) · p(r) in double and rounds that to float32, so about 1 argument in 1,500 gets a float one
 * ulp away from `Math.fround(Math.exp(x))`. One such ulp in one row's gradient moves a small leaf by
 * 1e-5 relative, so trees stop matching XGBoost's after some 100 rounds; with these same double steps
 * the result is bit-identical (checked against the real libm on 200,000 arguments, see expf.test.ts).
 */

const N = 32;
// 2^(i/32) as doubles: the table's `tab[i] + (i << 47)` bit patterns, read as doubles.
const TAB_BITS = [
  0x3ff0000000000000n,
  0x3fefd9b0d3158574n,
  0x3fefb5586cf9890fn,
  0x3fef9301d0125b51n,
  0x3fef72b83c7d517bn,
  0x3fef54873168b9aan,
  0x3fef387a6e756238n,
  0x3fef1e9df51fdee1n,
  0x3fef06fe0a31b715n,
  0x3feef1a7373aa9cbn,
  0x3feedea64c123422n,
  0x3feece086061892dn,
  0x3feebfdad5362a27n,
  0x3feeb42b569d4f82n,
  0x3feeab07dd485429n,
  0x3feea47eb03a5585n,
  0x3feea09e667f3bcdn,
  0x3fee9f75e8ec5f74n,
  0x3feea11473eb0187n,
  0x3feea589994cce13n,
  0x3feeace5422aa0dbn,
  0x3feeb737b0cdc5e5n,
  0x3feec49182a3f090n,
  0x3feed503b23e255dn,
  0x3feee89f995ad3adn,
  0x3feeff76f2fb5e47n,
  0x3fef199bdd85529cn,
  0x3fef3720dcef9069n,
  0x3fef5818dcfba487n,
  0x3fef7c97337b9b5fn,
  0x3fefa4afa2a490dan,
  0x3fefd0765b6e4540n,
];
const TAB = new Float64Array(N);
{
  const bits = new BigUint64Array(TAB.buffer);
  for (let i = 0; i < N; i++) bits[i] = TAB_BITS[i]! + (BigInt(i) << 47n);
}
// 2^j for j = −160 … 159 (k / 32 stays within ±151 past the range checks): the exponent glibc adds
// to the table entry's bits, as an exact multiplication instead of Math.pow (4× the whole call).
const POW2_OFFSET = 160;
const POW2 = Float64Array.from({ length: 2 * POW2_OFFSET }, (_, i) => 2 ** (i - POW2_OFFSET));
const SHIFT = 6755399441055744; // 1.5 · 2^52: adding it rounds to an integer, ties to even
const INV_LN2_N = Math.LOG2E * N; // 0x1.71547652b82fep+0 · 32
const C0 = 0.05550361559341535 / (N * N * N); // 0x1.c6af84b912394p-5 / N³
const C1 = 0.2402284522445722 / (N * N); // 0x1.ebfce50fac4f3p-3 / N²
const C2 = 0.6931471806916203 / N; // 0x1.62e42ff0c52d6p-1 / N
const OVERFLOW = 88.72283172607422; // 0x1.62e42ep6f: above, +inf
const UNDERFLOW = -103.97207641601562; // -0x1.9fe368p6f: below, +0

/** `expf(x)` of the float32 `x`, as glibc computes it. */
export function expf(x: number): number {
  const xd = Math.fround(x);
  if (!(xd <= OVERFLOW)) return Number.isNaN(xd) ? xd : Number.POSITIVE_INFINITY;
  if (xd < UNDERFLOW) return 0;
  const z = INV_LN2_N * xd;
  const k = z + SHIFT - SHIFT;
  const r = z - k;
  const s = TAB[k & (N - 1)]! * POW2[(k >> 5) + POW2_OFFSET]!;
  const y = (C0 * r + C1) * (r * r) + (C2 * r + 1);
  return Math.fround(y * s);
}
