/**
 * LightGBM's left-out rows as WebAssembly (lightgbm/row-tasks.ts LEFT_OUT): the rows GOSS left out
 * of a tree's sample walk the tree over their codes and get their leaf's value added.
 */
import { I32, op, pagesOf, type WasmFunction, wasmModule } from './module.js';

/**
 * row-tasks.ts's LEFT_OUT walk: rows [from, to) not in the sample get their leaf's value added to
 * output k (byte addresses; the walk tree's format is row-tasks.ts's: 16-byte nodes, [0] the left
 * child's address or 1 on a leaf, [1] the feature's byte offset in a row, [2] the address of the
 * node's direction bits; `leafAt` is any leaf's address, where idle lanes park). LEFT_LANES rows
 * walk side by side, each step branch-free; a lane that reaches its leaf adds the value and takes
 * the next left-out row at once, so no lane waits for a deeper neighbour and no sampled row is walked.
 */
export type WasmLeftOut = (
  codesAt: number,
  inAt: number,
  marginsAt: number,
  nodesAt: number,
  valuesAt: number,
  K: number,
  k: number,
  from: number,
  to: number,
  leafAt: number,
) => void;

/** Rows the left-out walk keeps in flight (their loads overlap; 6–12 measured alike, 4 slower). */
const LEFT_LANES = 8;

const leftOutCache = new WeakMap<WebAssembly.Memory, Map<number, WasmLeftOut>>();

/** This thread's walk over `memory` for rows of `cols` codes of `width` bytes. */
export function wasmLeftOut(memory: WebAssembly.Memory, cols: number, width: number): WasmLeftOut {
  let byShape = leftOutCache.get(memory);
  if (!byShape) {
    byShape = new Map();
    leftOutCache.set(memory, byShape);
  }
  const key = cols * 4 + width;
  const hit = byShape.get(key);
  if (hit) return hit;
  const stride = cols * width;
  const [CODES, IN, MARG, NODES, VALS, KK, K1, FROM, TO, LEAF] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [CUR, ACTIVE, T] = [10, 11, 12];
  const lanes = Array.from({ length: LEFT_LANES }, (_, i) => i);
  // Per lane: node address, row (−1: idle), the row's codes address, the node's control word.
  const O = lanes.map((l) => 13 + 4 * l);
  const RW = lanes.map((l) => 14 + 4 * l);
  const RA = lanes.map((l) => 15 + 4 * l);
  const W = lanes.map((l) => 16 + 4 * l);
  const get = op.get;
  const set = op.set;
  const load = width === 2 ? op.i32Load16u : op.i32Load8u;
  // o ← w + (bit c of the node's bits) · 16, c = the row's code of the node's feature
  const step = (lane: number): number[] => [
    ...get(W[lane]!),
    ...get(RA[lane]!),
    ...get(O[lane]!),
    ...op.i32Load(4),
    ...op.i32Add,
    ...load(0),
    ...op.tee(T),
    ...op.i32(3),
    ...op.i32ShrU,
    ...get(O[lane]!),
    ...op.i32Load(8),
    ...op.i32Add,
    ...op.i32Load8u(0),
    ...get(T),
    ...op.i32(7),
    ...op.i32And,
    ...op.i32ShrU,
    ...op.i32(1),
    ...op.i32And,
    ...op.i32(4),
    ...op.i32Shl,
    ...op.i32Add,
    ...set(O[lane]!),
  ];
  // At a leaf: margins[row·K + k] += values[(o − nodes) / 16] (a busy lane), then the next left-out row.
  const leaf = (lane: number): number[] => [
    ...get(RW[lane]!),
    ...op.i32(0),
    ...op.i32GeS,
    ...op.if,
    ...get(MARG),
    ...get(RW[lane]!),
    ...get(KK),
    ...op.i32Mul,
    ...get(K1),
    ...op.i32Add,
    ...op.i32(3),
    ...op.i32Shl,
    ...op.i32Add,
    ...set(T),
    ...get(T),
    ...get(T),
    ...op.f64Load(0),
    ...get(VALS),
    ...get(O[lane]!),
    ...get(NODES),
    ...op.i32Sub,
    ...op.i32(1),
    ...op.i32ShrU,
    ...op.i32Add,
    ...op.f64Load(0),
    ...op.f64Add,
    ...op.f64Store(0),
    ...get(ACTIVE),
    ...op.i32(1),
    ...op.i32Sub,
    ...set(ACTIVE),
    ...op.i32(-1),
    ...set(RW[lane]!),
    ...op.end,
    // while (cur < to): if (!inSample[cur]) { take it; break } cur++
    ...op.block,
    ...op.loop,
    ...get(CUR),
    ...get(TO),
    ...op.i32GeS,
    ...op.brIf(1),
    ...op.inc(CUR),
    ...get(IN),
    ...get(CUR),
    ...op.i32Add,
    ...op.i32Load8u(0),
    ...op.brIf(0),
    ...get(CUR),
    ...set(RW[lane]!),
    ...get(CODES),
    ...get(RW[lane]!),
    ...op.i32(stride),
    ...op.i32Mul,
    ...op.i32Add,
    ...set(RA[lane]!),
    ...get(NODES),
    ...set(O[lane]!),
    ...op.inc(ACTIVE),
    ...op.end,
    ...op.end,
  ];
  const b: number[] = [];
  // The cursor reads inSample[cur] after moving past it: start one before `from`.
  b.push(...get(FROM), ...op.i32(1), ...op.i32Sub, ...set(CUR), ...op.i32(0), ...set(ACTIVE));
  b.push(...get(TO), ...op.i32(1), ...op.i32Sub, ...set(TO));
  for (const l of lanes) b.push(...get(LEAF), ...set(O[l]!), ...op.i32(-1), ...set(RW[l]!));
  b.push(...op.block, ...op.loop);
  for (const l of lanes) {
    b.push(...get(O[l]!), ...op.i32Load(0), ...op.tee(W[l]!), ...op.i32(1), ...op.i32And, ...op.if);
    b.push(...leaf(l), ...op.else, ...step(l), ...op.end);
  }
  b.push(...get(ACTIVE), ...op.brIf(0), ...op.end, ...op.end);
  const fn: WasmFunction = {
    name: 'walk',
    params: 10,
    returnsI32: false,
    locals: [[3 + 4 * LEFT_LANES, I32]],
    body: b,
  };
  const bytes = wasmModule(pagesOf(memory), [fn]);
  const e = new WebAssembly.Instance(new WebAssembly.Module(bytes), { e: { m: memory } }).exports;
  const walk = e['walk'] as WasmLeftOut;
  byShape.set(key, walk);
  return walk;
}
