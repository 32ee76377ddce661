/**
 * The element-wise reduction kernels shared by the collectives and their serial reference, so both
 * round identically. Monomorphic loops per element type; no per-element objects or closures.
 */

/** The element types the reducing collectives accept. */
export type FloatArray = Float32Array | Float64Array;

/** A reduction: `sum` (IEEE addition, order documented in reference.ts) or `max` (Math.max). */
export type ReduceOp = 'sum' | 'max';

function sum32(dst: Float32Array, d: number, src: Float32Array, s: number, len: number): void {
  for (let i = 0; i < len; i++) dst[d + i] = dst[d + i]! + src[s + i]!;
}

function sum64(dst: Float64Array, d: number, src: Float64Array, s: number, len: number): void {
  for (let i = 0; i < len; i++) dst[d + i] = dst[d + i]! + src[s + i]!;
}

function max32(dst: Float32Array, d: number, src: Float32Array, s: number, len: number): void {
  for (let i = 0; i < len; i++) dst[d + i] = Math.max(dst[d + i]!, src[s + i]!);
}

function max64(dst: Float64Array, d: number, src: Float64Array, s: number, len: number): void {
  for (let i = 0; i < len; i++) dst[d + i] = Math.max(dst[d + i]!, src[s + i]!);
}

/** dst[d..d+len) = dst[d..d+len) op src[s..s+len). Both arrays must have the same element type. */
export function reduceInto(
  dst: FloatArray,
  d: number,
  src: FloatArray,
  s: number,
  len: number,
  op: ReduceOp,
): void {
  if (dst instanceof Float32Array) {
    if (op === 'sum') sum32(dst, d, src as Float32Array, s, len);
    else max32(dst, d, src as Float32Array, s, len);
  } else if (op === 'sum') sum64(dst, d, src as Float64Array, s, len);
  else max64(dst, d, src as Float64Array, s, len);
}
