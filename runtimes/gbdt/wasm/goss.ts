/**
 * GOSS's sample of one block (lightgbm/goss.ts gossSample) as WebAssembly over the context's shared
 * memory: the scores Σ_k |g·h|, the top_rate-th largest score found by three radix passes over the
 * scores' bits (11, 11 and 10 bits; a non-negative float's bits order like its value, so this is
 * kthLargestNonNegative's value), then the keep-or-draw pass with the same generator
 * (runtimes/random/rng.ts, mulberry32) and the same arithmetic. Same sample, same scaled gradients,
 * bit for bit (test).
 */
import { F64, I32, op, type WasmFunction, wasmModule } from './module.js';

/**
 * Samples one block of `rows` rows: grad/hess at byte addresses (rows × K float32), scores written
 * at `scoreAt` (rows float32), inSample bytes at `inAt`, 2048 int32 of counting room at `countsAt`;
 * `state` is the block's generator state (rng.ts rngState). With one output (K = 1) and `ghAt` not 0,
 * it also writes every row's final `[g, h]` there (buffer 0's pairs: what LOAD_GH would load).
 * Returns how many rows it kept.
 */
export type WasmGoss = (
  gradAt: number,
  hessAt: number,
  K: number,
  rows: number,
  scoreAt: number,
  inAt: number,
  countsAt: number,
  topK: number,
  otherK: number,
  state: number,
  multiply: number,
  ghAt: number,
) => number;

/** Bytes of counting room one block's sample takes. */
export const GOSS_COUNT_BYTES = 2048 * 4;

const cache = new WeakMap<WebAssembly.Memory, WasmGoss>();

// Params 0–11 (as WasmGoss), then i32 locals 12–23 and f64 locals 24–25.
const [G, H, K, N, SC, IN, CNT, TOPK, OTHERK, STATE, MUL, GH] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const [I, J, P, B, ABOVE, KTH, BUCKET, PREFIX, THR, KEPT, BIG, T] = [
  12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
];
const [S, R] = [24, 25];
const { get, set } = op;

/** for (i = 0; i < n; i++) { body }, on local i. */
const forRows = (i: number, n: number[], body: number[]): number[] => [
  ...op.i32(0),
  ...set(i),
  ...op.block,
  ...op.loop,
  ...get(i),
  ...n,
  ...op.i32GeU,
  ...op.brIf(1),
  ...body,
  ...op.inc(i),
  ...op.br(0),
  ...op.end,
  ...op.end,
];

/** Scores: score[i] = Σ_k |g·h| (in double, stored as float32); p walks the rows × K floats in bytes. */
function scores(): number[] {
  const b: number[] = [];
  b.push(...op.i32(0), ...set(P));
  b.push(
    ...forRows(I, get(N), [
      ...op.f64(0),
      ...set(S),
      ...forRows(J, get(K), [
        ...get(S),
        ...get(G),
        ...get(P),
        ...op.i32Add,
        ...op.f32Load(0),
        ...op.f64PromoteF32,
        ...get(H),
        ...get(P),
        ...op.i32Add,
        ...op.f32Load(0),
        ...op.f64PromoteF32,
        ...op.f64Mul,
        ...op.f64Abs,
        ...op.f64Add,
        ...set(S),
        ...get(P),
        ...op.i32(4),
        ...op.i32Add,
        ...set(P),
      ]),
      ...get(SC),
      ...get(I),
      ...op.i32(2),
      ...op.i32Shl,
      ...op.i32Add,
      ...get(S),
      ...op.f32DemoteF64,
      ...op.f32Store(0),
    ]),
  );
  return b;
}

/**
 * The (topK − 1)-th largest score's bits into THR, 11 + 11 + 10 bits at a time; `above` counts the
 * scores above the prefix found so far.
 */
function threshold(): number[] {
  const b: number[] = [];
  b.push(
    ...get(TOPK),
    ...op.i32(1),
    ...op.i32Sub,
    ...set(KTH),
    ...op.i32(0),
    ...set(ABOVE),
    ...op.i32(0),
    ...set(THR),
  );
  const passes: [shift: number, mask: number, prefixShift: number][] = [
    [21, 2047, -1],
    [10, 2047, 21],
    [0, 1023, 10],
  ];
  for (const [shift, mask, prefixShift] of passes) {
    // counts[0..mask] = 0
    b.push(
      ...forRows(J, op.i32(mask + 1), [
        ...get(CNT),
        ...get(J),
        ...op.i32(2),
        ...op.i32Shl,
        ...op.i32Add,
        ...op.i32(0),
        ...op.i32Store(0),
      ]),
    );
    // counts[(bits >>> shift) & mask]++ over the scores whose bits above prefixShift are the prefix.
    const count = [
      ...get(CNT),
      ...get(B),
      ...op.i32(shift),
      ...op.i32ShrU,
      ...op.i32(mask),
      ...op.i32And,
      ...op.i32(2),
      ...op.i32Shl,
      ...op.i32Add,
      ...set(T),
      ...get(T),
      ...get(T),
      ...op.i32Load(0),
      ...op.i32(1),
      ...op.i32Add,
      ...op.i32Store(0),
    ];
    const load = [
      ...get(SC),
      ...get(I),
      ...op.i32(2),
      ...op.i32Shl,
      ...op.i32Add,
      ...op.i32Load(0),
      ...set(B),
    ];
    if (prefixShift < 0) b.push(...forRows(I, get(N), [...load, ...count]));
    else {
      b.push(...get(THR), ...op.i32(prefixShift), ...op.i32ShrU, ...set(PREFIX));
      b.push(
        ...forRows(I, get(N), [
          ...load,
          ...get(B),
          ...op.i32(prefixShift),
          ...op.i32ShrU,
          ...get(PREFIX),
          ...op.i32Eq,
          ...op.if,
          ...count,
          ...op.end,
        ]),
      );
    }
    // for (bucket = mask; bucket > 0 && above + counts[bucket] <= kth; bucket--) above += counts[bucket]
    const at = [...get(CNT), ...get(BUCKET), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.i32Load(0)];
    b.push(...op.i32(mask), ...set(BUCKET), ...op.block, ...op.loop);
    b.push(...get(BUCKET), ...op.i32Eqz, ...op.brIf(1));
    b.push(...get(ABOVE), ...at, ...op.i32Add, ...get(KTH), ...op.i32GtS, ...op.brIf(1));
    b.push(...get(ABOVE), ...at, ...op.i32Add, ...set(ABOVE));
    b.push(...get(BUCKET), ...op.i32(1), ...op.i32Sub, ...set(BUCKET), ...op.br(0), ...op.end, ...op.end);
    b.push(...get(THR), ...get(BUCKET), ...op.i32(shift), ...op.i32Shl, ...op.i32Or, ...set(THR));
  }
  return b;
}

// Keep-or-draw helpers: grad/hess of the row at p scaled by MUL; a mulberry32 step; row i's [g, h]
// copied to GH; row i's inSample byte.
const scale = (arr: number): number[] => [
  ...get(arr),
  ...get(P),
  ...op.i32Add,
  ...get(arr),
  ...get(P),
  ...op.i32Add,
  ...op.f32Load(0),
  ...get(MUL),
  ...op.f32DemoteF64,
  ...op.f32Mul,
  ...op.f32Store(0),
];
const mix = (shift: number, or: number): number[] => [
  ...get(T),
  ...get(T),
  ...op.i32(shift),
  ...op.i32ShrU,
  ...op.i32Xor,
  ...get(T),
  ...op.i32(or),
  ...op.i32Or,
  ...op.i32Mul,
];
const copyTo = (offset: number, arr: number): number[] => [
  ...get(GH),
  ...get(I),
  ...op.i32(3),
  ...op.i32Shl,
  ...op.i32Add,
  ...get(arr),
  ...get(I),
  ...op.i32(2),
  ...op.i32Shl,
  ...op.i32Add,
  ...op.f32Load(0),
  ...op.f32Store(offset),
];
const inByte = (v: number): number[] => [
  ...get(IN),
  ...get(I),
  ...op.i32Add,
  ...op.i32(v),
  ...op.i32Store8(0),
];

/** Keep or draw, row by row (goss.hpp BaggingHelper); KEPT counts the rows kept. */
function keepOrDraw(): number[] {
  const b: number[] = [];
  b.push(...op.i32(0), ...set(KEPT), ...op.i32(0), ...set(BIG));
  b.push(
    ...forRows(I, get(N), [
      ...get(SC),
      ...get(I),
      ...op.i32(2),
      ...op.i32Shl,
      ...op.i32Add,
      ...op.i32Load(0),
      ...get(THR),
      ...op.i32GeU,
      ...op.if,
      ...inByte(1),
      ...op.inc(KEPT),
      ...op.inc(BIG),
      ...op.else,
      // mulberry32: state += 0x6d2b79f5; t = imul(t ^ t >>> 15, t | 1); t ^= t + imul(t ^ t >>> 7, t | 61)
      ...get(STATE),
      ...op.i32(0x6d2b79f5),
      ...op.i32Add,
      ...op.tee(STATE),
      ...set(T),
      ...mix(15, 1),
      ...set(T),
      ...get(T),
      ...get(T),
      ...mix(7, 61),
      ...op.i32Add,
      ...op.i32Xor,
      ...set(T),
      // r = (t ^ t >>> 14) as uint32 / 2^32
      ...get(T),
      ...get(T),
      ...op.i32(14),
      ...op.i32ShrU,
      ...op.i32Xor,
      ...op.f64FromU32,
      ...op.f64(2 ** -32),
      ...op.f64Mul,
      ...set(R),
      // r < (otherK − (kept − big)) / ((rows − i) − (topK − big))
      ...get(R),
      ...get(OTHERK),
      ...get(KEPT),
      ...get(BIG),
      ...op.i32Sub,
      ...op.i32Sub,
      ...op.f64FromI32,
      ...get(N),
      ...get(I),
      ...op.i32Sub,
      ...get(TOPK),
      ...get(BIG),
      ...op.i32Sub,
      ...op.i32Sub,
      ...op.f64FromI32,
      ...op.f64Div,
      ...op.f64Lt,
      ...op.if,
      ...inByte(1),
      ...op.inc(KEPT),
      ...get(I),
      ...get(K),
      ...op.i32Mul,
      ...op.i32(2),
      ...op.i32Shl,
      ...set(P),
      ...forRows(J, get(K), [...scale(G), ...scale(H), ...get(P), ...op.i32(4), ...op.i32Add, ...set(P)]),
      ...op.else,
      ...inByte(0),
      ...op.end,
      ...op.end,
      // gh[2i], gh[2i + 1] = g[i], h[i] (K = 1)
      ...get(GH),
      ...op.if,
      ...copyTo(0, G),
      ...copyTo(4, H),
      ...op.end,
    ]),
  );
  return b;
}

/** This thread's GOSS kernel over `memory`. */
export function wasmGoss(memory: WebAssembly.Memory): WasmGoss {
  const hit = cache.get(memory);
  if (hit) return hit;
  const b = [...scores(), ...threshold(), ...keepOrDraw(), ...get(KEPT)];
  const fn: WasmFunction = {
    name: 'goss',
    params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64, I32],
    returnsI32: true,
    locals: [
      [12, I32],
      [2, F64],
    ],
    body: b,
  };
  const bytes = wasmModule(memory.buffer.byteLength / 65536, [fn]);
  const e = new WebAssembly.Instance(new WebAssembly.Module(bytes), { e: { m: memory } }).exports;
  const goss = e['goss'] as WasmGoss;
  cache.set(memory, goss);
  return goss;
}
