/**
 * The histogram accumulation as WebAssembly over the context's shared memory (core/hist-context.ts
 * createHistContext), generated per matrix like its JavaScript twin (features unrolled, slot offsets
 * as constants). Every thread compiles its own instance over the same memory. The sums are the same
 * as the JavaScript kernel's, in the same order (test).
 */
import { F64, I32, op, pagesOf, type WasmFunction, wasmModule } from './module.js';

/** Accumulates `n` rows from byte address `rowAt` (codes) and `ghAt` (`[g, h]` float32) into `histAt`. */
export type WasmHist = (rowAt: number, ghAt: number, n: number, histAt: number) => void;

interface Cache {
  memory: WebAssembly.Memory;
  featOff: Int32Array;
  kernels: Map<number, WasmHist>;
}
let cache: Cache | undefined;

/**
 * The histogram kernel of features [from, to) for rows of `cols` codes of `width` bytes, in blocks
 * of `block` features (one pass over the rows per block, as the JavaScript kernel).
 */
export function wasmHistKernel(
  memory: WebAssembly.Memory,
  featOff: Int32Array,
  cols: number,
  width: number,
  from: number,
  to: number,
  block: number,
): WasmHist {
  if (cache?.memory !== memory || cache.featOff !== featOff) cache = { memory, featOff, kernels: new Map() };
  const key = from * (cols + 1) + to;
  const hit = cache.kernels.get(key);
  if (hit) return hit;
  // Parameters 0–3: rowAt, ghAt, n, histAt; locals 4–7: i, row, p, a (i32); 8–9: g, h (f64).
  const [ROW0, GH0, N, HB, I, ROW, P, A, G, H] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const body: number[] = [];
  const stride = cols * width;
  const load = width === 2 ? op.i32Load16u : op.i32Load8u;
  for (let b0 = from; b0 < to; b0 += block) {
    const b1 = Math.min(to, b0 + block);
    body.push(...op.i32(0), ...op.set(I), ...op.get(ROW0), ...op.set(ROW), ...op.get(GH0), ...op.set(P));
    body.push(...op.block, ...op.loop);
    body.push(...op.get(I), ...op.get(N), ...op.i32GeU, ...op.brIf(1));
    body.push(...op.get(P), ...op.f32Load(0), ...op.f64PromoteF32, ...op.set(G));
    body.push(...op.get(P), ...op.f32Load(4), ...op.f64PromoteF32, ...op.set(H));
    for (let f = b0; f < b1; f++) {
      const off = 8 * featOff[f]!;
      // a = histAt + code × 16; the feature's slots start `off` bytes further.
      body.push(...op.get(HB), ...op.get(ROW), ...load(f * width), ...op.i32(4), ...op.i32Shl, ...op.i32Add);
      body.push(...op.set(A));
      body.push(
        ...op.get(A),
        ...op.get(A),
        ...op.f64Load(off),
        ...op.get(G),
        ...op.f64Add,
        ...op.f64Store(off),
      );
      body.push(
        ...op.get(A),
        ...op.get(A),
        ...op.f64Load(off + 8),
        ...op.get(H),
        ...op.f64Add,
        ...op.f64Store(off + 8),
      );
    }
    body.push(...op.get(I), ...op.i32(1), ...op.i32Add, ...op.set(I));
    body.push(...op.get(ROW), ...op.i32(stride), ...op.i32Add, ...op.set(ROW));
    body.push(...op.get(P), ...op.i32(8), ...op.i32Add, ...op.set(P));
    body.push(...op.br(0), ...op.end, ...op.end);
  }
  const fn: WasmFunction = {
    name: 'hist',
    params: 4,
    returnsI32: false,
    locals: [
      [4, I32],
      [2, F64],
    ],
    body,
  };
  const bytes = wasmModule(pagesOf(memory), [fn]);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { e: { m: memory } });
  const kernel = instance.exports['hist'] as WasmHist;
  cache.kernels.set(key, kernel);
  return kernel;
}
