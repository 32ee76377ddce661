/** Capacity doubling for the typed arrays readers fill row by row. */

/** `a` itself when it holds `need` elements, else a copy with at least double the capacity. */
export function growFloat32(a: Float32Array<ArrayBuffer>, need: number): Float32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const next = new Float32Array(Math.max(need, a.length * 2));
  next.set(a);
  return next;
}

/** `a` itself when it holds `need` elements, else a copy with at least double the capacity. */
export function growInt32(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const next = new Int32Array(Math.max(need, a.length * 2));
  next.set(a);
  return next;
}
