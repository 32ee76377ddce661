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

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Sorts non-NaN doubles ascending in place, as `Float64Array.prototype.sort` does (−0 before +0),
 * and returns them: a four-pass LSD radix sort on order-preserving 64-bit keys (two uint32 words),
 * passes whose digit is the same for every value skipped. LightGBM's bin sample sorts one column
 * of up to bin_construct_sample_cnt (200,000) doubles per feature with it.
 */
export function sortFloat64(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < 4096 || !LITTLE_ENDIAN) return values.sort();
  // Words 2i (low) and 2i + 1 (high) of value i.
  let a = new Uint32Array(2 * n);
  let b = new Uint32Array(2 * n);
  new Float64Array(a.buffer).set(values);
  for (let i = 1; i < 2 * n; i += 2) {
    const hi = a[i]!;
    if (hi & 0x80000000) {
      a[i] = ~hi >>> 0;
      a[i - 1] = ~a[i - 1]! >>> 0;
    } else a[i] = (hi | 0x80000000) >>> 0;
  }
  const counts = new Uint32Array(1 << 16);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass >> 1;
    const shift = (pass & 1) * 16;
    counts.fill(0);
    for (let i = word; i < 2 * n; i += 2) counts[(a[i]! >>> shift) & 0xffff]!++;
    let sum = 0;
    let same = false;
    for (let d = 0; d < counts.length; d++) {
      const c = counts[d]!;
      if (c === n) {
        same = true;
        break;
      }
      counts[d] = sum;
      sum += c;
    }
    if (same) continue;
    for (let i = 0; i < 2 * n; i += 2) {
      const at = 2 * counts[(a[i + word]! >>> shift) & 0xffff]!++;
      b[at] = a[i]!;
      b[at + 1] = a[i + 1]!;
    }
    const t = a;
    a = b;
    b = t;
  }
  for (let i = 1; i < 2 * n; i += 2) {
    const hi = a[i]!;
    if (hi & 0x80000000) a[i] = (hi & 0x7fffffff) >>> 0;
    else {
      a[i] = ~hi >>> 0;
      a[i - 1] = ~a[i - 1]! >>> 0;
    }
  }
  values.set(new Float64Array(a.buffer));
  return values;
}
