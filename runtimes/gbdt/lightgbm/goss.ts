/**
 * Gradient-based one-side sampling (src/boosting/goss.hpp `BaggingHelper`): rows ranked by
 * Σ_k |g·h|; the top `top_rate` share is kept, `other_rate` of all rows is drawn from the rest with
 * LightGBM's running probability (rest needed / rest left), and the drawn rows' gradients and hessians
 * are multiplied by (n − top)/other. One block per rank (LightGBM uses per-thread blocks), so with
 * several ranks each samples its own rows, as LightGBM's data-parallel GOSS does. Where the arrays
 * live in the context's wasm memory, wasm/goss.ts draws the same sample in WebAssembly.
 */
import type { Rng } from '../../random/index.js';

/** The k-th largest value (0-based) of `a` (reordered in place): quickselect. */
export function kthLargest(a: Float32Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

const HI = new Uint32Array(65537);
const LO = new Uint32Array(65537);

/**
 * The k-th largest value (0-based) of the non-negative floats `a` (not NaN), by two 16-bit radix
 * passes over their bits (a non-negative float's bits order like its value): the same value as
 * `kthLargest`, in two reads of `a` without reordering it.
 */
export function kthLargestNonNegative(a: Float32Array, k: number): number {
  const bits = new Uint32Array(a.buffer, a.byteOffset, a.length);
  HI.fill(0);
  for (let i = 0; i < bits.length; i++) HI[bits[i]! >>> 16]!++;
  // The high half holding the k-th largest, and how many values lie above it.
  let above = 0;
  let hi = 65535;
  for (; hi > 0 && above + HI[hi]! <= k; hi--) above += HI[hi]!;
  LO.fill(0);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i]!;
    if (b >>> 16 === hi) LO[b & 0xffff]!++;
  }
  let lo = 65535;
  for (; lo > 0 && above + LO[lo]! <= k; lo--) above += LO[lo]!;
  const out = new Uint32Array([((hi << 16) | lo) >>> 0]);
  return new Float32Array(out.buffer)[0]!;
}

/**
 * Marks the sample in `inSample` (1 = kept), scales the drawn small-gradient rows' grad/hess (rows × K)
 * in place, and returns the sample size. `scratch` holds ≥ rows floats; with ≥ 2·rows, the selection
 * works in its second half instead of a fresh copy.
 */
export function gossSample(
  grad: Float32Array,
  hess: Float32Array,
  K: number,
  rows: number,
  topRate: number,
  otherRate: number,
  rng: Rng,
  inSample: Uint8Array,
  scratch: Float32Array,
): number {
  const topK = Math.max(1, Math.floor(rows * topRate));
  const otherK = Math.floor(rows * otherRate);
  const score = scratch.subarray(0, rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.abs(grad[i * K + k]! * hess[i * K + k]!);
    score[i] = s;
  }
  const threshold = kthLargestNonNegative(score, topK - 1);
  const multiply = Math.fround((rows - topK) / otherK);
  let kept = 0;
  let big = 0;
  for (let i = 0; i < rows; i++) {
    if (score[i]! >= threshold) {
      inSample[i] = 1;
      kept++;
      big++;
      continue;
    }
    const restNeed = otherK - (kept - big);
    const restAll = rows - i - (topK - big);
    if (rng.next() < restNeed / restAll) {
      inSample[i] = 1;
      kept++;
      for (let k = 0; k < K; k++) {
        grad[i * K + k] = grad[i * K + k]! * multiply;
        hess[i * K + k] = hess[i * K + k]! * multiply;
      }
    } else inSample[i] = 0;
  }
  return kept;
}
