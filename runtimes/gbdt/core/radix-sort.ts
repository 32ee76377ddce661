/**
 * Ascending sort of non-NaN float32 values by a three-pass LSD radix sort on order-preserving
 * uint32 keys: about 10× faster than `Float32Array.prototype.sort` on a million values, which the
 * cut sketch does once per feature.
 */

const RADIX = 2048;

/** A sorted copy of `values` (which must hold no NaN). −0 sorts before +0. */
export function sortFloat32(values: Float32Array): Float32Array {
  const n = values.length;
  if (n < 4096) return Float32Array.from(values).sort();
  let a = new Uint32Array(n);
  let b = new Uint32Array(n);
  new Float32Array(a.buffer).set(values);
  for (let i = 0; i < n; i++) {
    const u = a[i]!;
    a[i] = u & 0x80000000 ? ~u >>> 0 : (u | 0x80000000) >>> 0;
  }
  const counts = new Uint32Array(RADIX);
  for (let shift = 0; shift < 32; shift += 11) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(a[i]! >>> shift) & (RADIX - 1)]!++;
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const u = a[i]!;
      const d = (u >>> shift) & (RADIX - 1);
      b[counts[d]!++] = u;
    }
    const t = a;
    a = b;
    b = t;
  }
  for (let i = 0; i < n; i++) {
    const u = a[i]!;
    a[i] = u & 0x80000000 ? (u & 0x7fffffff) >>> 0 : ~u >>> 0;
  }
  return new Float32Array(a.buffer);
}
