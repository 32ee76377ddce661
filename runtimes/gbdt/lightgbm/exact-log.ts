/**
 * The natural logarithm rounded correctly to double, as the C library LightGBM links computes it
 * (glibc's log is correctly rounded); V8's Math.log may be one ulp off (log(357/212): …266 against
 * …268), which LightGBM's initial scores would then show in every leaf value. Computed in
 * double-double (≈ 2^-100 relative error): x = m·2^e with m in [√½, √2), log m = 2·atanh(s),
 * s = (m − 1)/(m + 1). For the few calls per training (initial scores), not for loops over rows.
 */

const SPLIT = 134217729; // 2^27 + 1 (Dekker's split)
const LN2_HI = Math.LN2;
const LN2_LO = 2.3190468138462996e-17;
/** Series terms: s² ≤ 0.0295, so 0.0295^24 is far below 2^-106. */
const TERMS = 24;

type DD = [number, number];

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function twoProd(a: number, b: number): DD {
  const p = a * b;
  const ca = SPLIT * a;
  const ah = ca - (ca - a);
  const al = a - ah;
  const cb = SPLIT * b;
  const bh = cb - (cb - b);
  const bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

function norm(h: number, l: number): DD {
  const s = h + l;
  return [s, l - (s - h)];
}

function add(a: DD, b: DD): DD {
  const [s, e] = twoSum(a[0], b[0]);
  return norm(s, e + a[1] + b[1]);
}

function mul(a: DD, b: DD): DD {
  const [p, e] = twoProd(a[0], b[0]);
  return norm(p, e + a[0] * b[1] + a[1] * b[0]);
}

function div(a: DD, b: DD): DD {
  const q1 = a[0] / b[0];
  let r = add(a, mul([-q1, 0], b));
  const q2 = r[0] / b[0];
  r = add(r, mul([-q2, 0], b));
  const q3 = r[0] / b[0];
  return add(norm(q1, q2), [q3, 0]);
}

/** log(x) correctly rounded (up to ties closer than 2^-100); non-finite, zero and negative x as Math.log. */
export function exactLog(x: number): number {
  if (!(x > 0) || x === Number.POSITIVE_INFINITY) return Math.log(x);
  let e = 0;
  let m = x;
  // Denormals first become normal (exact scaling by powers of two).
  if (m < 2 ** -1000) {
    m *= 2 ** 100;
    e -= 100;
  }
  const k = Math.floor(Math.log2(m));
  m /= 2 ** k;
  e += k;
  // Bring m into [√½, √2) (one step either way covers log2's rounding).
  while (m >= Math.SQRT2) {
    m /= 2;
    e++;
  }
  while (m < Math.SQRT1_2) {
    m *= 2;
    e--;
  }
  const s = div([m - 1, 0], twoSum(m, 1));
  const s2 = mul(s, s);
  let acc: DD = div([1, 0], [2 * TERMS + 1, 0]);
  for (let i = TERMS - 1; i >= 0; i--) acc = add(mul(acc, s2), div([1, 0], [2 * i + 1, 0]));
  const logM = mul([2 * s[0], 2 * s[1]], acc);
  const eLn2 = add(twoProd(e, LN2_HI), [e * LN2_LO, 0]);
  const r = add(eLn2, logM);
  return r[0] + r[1];
}
