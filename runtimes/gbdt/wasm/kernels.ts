/**
 * The engine's hot loops as WebAssembly over the context's shared memory (histogram.ts
 * createHistContext): the histogram accumulation, generated per matrix like its JavaScript twin
 * (features unrolled, slot offsets as constants). Every thread compiles its own instance over the
 * same memory. The sums are the same as the JavaScript kernel's, in the same order (test).
 */
import { F64, I32, op, type WasmFunction, wasmModule } from './module.js';

/** Accumulates `n` rows from byte address `rowAt` (codes) and `ghAt` (`[g, h]` float32) into `histAt`. */
export type WasmHist = (rowAt: number, ghAt: number, n: number, histAt: number) => void;

interface Cache {
  memory: WebAssembly.Memory;
  featOff: Int32Array;
  kernels: Map<number, WasmHist>;
}
let cache: Cache | undefined;

/** Pages of a shared memory (its buffer's length / 64 KiB). */
function pagesOf(memory: WebAssembly.Memory): number {
  return memory.buffer.byteLength / 65536;
}

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

/**
 * A partition of one segment [a, b) (partition.ts): in place, or from buffer 0 into buffer 1; returns
 * the left count. Addresses are bytes in the memory: the source and target buffers' codes, `[g, h]`
 * and ids; `fAt` is the split feature's byte offset within a row; `sel` the category (or keep)
 * table.
 */
export type WasmPartition = (
  sCodes: number,
  sGh: number,
  sIdx: number,
  dCodes: number,
  dGh: number,
  dIdx: number,
  a: number,
  b: number,
  fAt: number,
  bin: number,
  miss: number,
  dl: number,
  sel: number,
) => number;

export interface WasmPartitions {
  readonly split: WasmPartition;
  readonly cat: WasmPartition;
  readonly splitCopy: WasmPartition;
  readonly catCopy: WasmPartition;
  readonly keep: WasmPartition;
}

let partitionCache:
  | { memory: WebAssembly.Memory; stride: number; width: number; fns: WasmPartitions }
  | undefined;

// Parameters 0–12 (as WasmPartition), then i32 locals.
const [SC, SG, SI, DC, DG, DI, PA, PB, FAT, BIN, MISS, DL, SEL] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const [LI, LJ, LW, LK, LC, LX, LY, LQ] = [13, 14, 15, 16, 17, 18, 19, 20];
const PARTITION_LOCALS: readonly (readonly [number, number])[] = [[8, I32]];

type Pred = (row: number) => number[];

/** Address of row `r` (a local) in the buffer whose base is local `base`, rows of `size` bytes. */
function rowAddr(base: number, r: number, size: number): number[] {
  return [...op.get(base), ...op.get(r), ...op.i32(size), ...op.i32Mul, ...op.i32Add];
}

/**
 * Copies `bytes` bytes from the address in local `src` to the address in local `dst`: 8-byte words
 * then the tail, unrolled for short rows, memory.copy for long ones.
 */
function copyBytes(dst: number, src: number, bytes: number): number[] {
  if (bytes > 128) return [...op.get(dst), ...op.get(src), ...op.i32(bytes), ...op.memoryCopy];
  const out: number[] = [];
  let o = 0;
  for (; o + 8 <= bytes; o += 8)
    out.push(...op.get(dst), ...op.get(src), ...op.i64Load(o), ...op.i64Store(o));
  for (; o + 4 <= bytes; o += 4)
    out.push(...op.get(dst), ...op.get(src), ...op.i32Load(o), ...op.i32Store(o));
  for (; o + 2 <= bytes; o += 2)
    out.push(...op.get(dst), ...op.get(src), ...op.i32Load16u(o), ...op.i32Store16(o));
  for (; o < bytes; o++) out.push(...op.get(dst), ...op.get(src), ...op.i32Load8u(o), ...op.i32Store8(o));
  return out;
}

/**
 * Swaps `bytes` bytes at the addresses in locals `x` and `y` (8-byte words, then the tail; long rows
 * in a loop over words using local `q`, and locals x, y advance).
 */
function swapBytes(x: number, y: number, q: number, bytes: number): number[] {
  const out: number[] = [];
  const swapAt = (o: number, load: (o: number) => number[], store: (o: number) => number[]) => {
    // tmp stack: load x; (store x ← y); store y ← tmp — wasm has no swap, so use a value on the stack.
    out.push(...op.get(y), ...op.get(x), ...load(o)); // [y, xv]
    out.push(...op.get(x), ...op.get(y), ...load(o), ...store(o)); // x ← yv; stack [y, xv]
    out.push(...store(o)); // y ← xv
  };
  let o = 0;
  const words = Math.floor(bytes / 8);
  if (words > 16) {
    // for (q = words; q > 0; q--) { swap 8 at x, y; x += 8; y += 8 }
    out.push(...op.i32(words), ...op.set(q), ...op.block, ...op.loop);
    out.push(...op.get(q), ...op.i32Eqz, ...op.brIf(1));
    swapAt(0, op.i64Load, op.i64Store);
    out.push(...op.get(x), ...op.i32(8), ...op.i32Add, ...op.set(x));
    out.push(...op.get(y), ...op.i32(8), ...op.i32Add, ...op.set(y));
    out.push(...op.get(q), ...op.i32(1), ...op.i32Sub, ...op.set(q), ...op.br(0), ...op.end, ...op.end);
    o = 0;
    bytes -= 8 * words;
  } else {
    for (; o + 8 <= bytes; o += 8) swapAt(o, op.i64Load, op.i64Store);
  }
  for (; o + 4 <= bytes; o += 4) swapAt(o, op.i32Load, op.i32Store);
  for (; o + 2 <= bytes; o += 2) swapAt(o, op.i32Load16u, op.i32Store16);
  for (; o < bytes; o++) swapAt(o, op.i32Load8u, op.i32Store8);
  return out;
}

/** Two cursors from both ends; a right row in front trades places with a left row behind. */
function inPlaceBody(left: Pred, stride: number): number[] {
  const b: number[] = [];
  b.push(...op.get(PA), ...op.set(LI), ...op.get(PB), ...op.i32(1), ...op.i32Sub, ...op.set(LJ));
  b.push(...op.block, ...op.loop);
  // while (i <= j && left(i)) i++
  b.push(...op.block, ...op.loop);
  b.push(...op.get(LI), ...op.get(LJ), ...op.i32GtS, ...op.brIf(1));
  b.push(...left(LI), ...op.i32Eqz, ...op.brIf(1));
  b.push(...op.get(LI), ...op.i32(1), ...op.i32Add, ...op.set(LI), ...op.br(0), ...op.end, ...op.end);
  // while (i < j && !left(j)) j--
  b.push(...op.block, ...op.loop);
  b.push(...op.get(LI), ...op.get(LJ), ...op.i32GeS, ...op.brIf(1));
  b.push(...left(LJ), ...op.brIf(1));
  b.push(...op.get(LJ), ...op.i32(1), ...op.i32Sub, ...op.set(LJ), ...op.br(0), ...op.end, ...op.end);
  b.push(...op.get(LI), ...op.get(LJ), ...op.i32GeS, ...op.brIf(1));
  // swap rows i and j: codes, [g, h] (8 bytes), id (4 bytes)
  b.push(...rowAddr(SC, LI, stride), ...op.set(LX), ...rowAddr(SC, LJ, stride), ...op.set(LY));
  b.push(...swapBytes(LX, LY, LQ, stride));
  b.push(...rowAddr(SG, LI, 8), ...op.set(LX), ...rowAddr(SG, LJ, 8), ...op.set(LY));
  b.push(...swapBytes(LX, LY, LQ, 8));
  b.push(...rowAddr(SI, LI, 4), ...op.set(LX), ...rowAddr(SI, LJ, 4), ...op.set(LY));
  b.push(...swapBytes(LX, LY, LQ, 4));
  b.push(...op.get(LI), ...op.i32(1), ...op.i32Add, ...op.set(LI));
  b.push(...op.get(LJ), ...op.i32(1), ...op.i32Sub, ...op.set(LJ));
  b.push(...op.br(0), ...op.end, ...op.end);
  b.push(...op.get(LI), ...op.get(PA), ...op.i32Sub);
  return b;
}

/** One pass: lefts to the target from the front; rights (when kept) from the back. */
function copyBody(left: Pred, stride: number, keepRights: boolean): number[] {
  const b: number[] = [];
  const move = (to: number) => {
    b.push(...rowAddr(DC, to, stride), ...op.set(LX), ...rowAddr(SC, LI, stride), ...op.set(LY));
    b.push(...copyBytes(LX, LY, stride));
    b.push(...rowAddr(DG, to, 8), ...rowAddr(SG, LI, 8), ...op.i64Load(0), ...op.i64Store(0));
    b.push(...rowAddr(DI, to, 4), ...rowAddr(SI, LI, 4), ...op.i32Load(0), ...op.i32Store(0));
  };
  b.push(...op.get(PA), ...op.set(LW), ...op.get(PB), ...op.i32(1), ...op.i32Sub, ...op.set(LK));
  b.push(...op.get(PA), ...op.set(LI));
  b.push(...op.block, ...op.loop);
  b.push(...op.get(LI), ...op.get(PB), ...op.i32GeS, ...op.brIf(1));
  b.push(...left(LI), ...op.if);
  move(LW);
  b.push(...op.get(LW), ...op.i32(1), ...op.i32Add, ...op.set(LW));
  if (keepRights) {
    b.push(...op.else);
    move(LK);
    b.push(...op.get(LK), ...op.i32(1), ...op.i32Sub, ...op.set(LK));
  }
  b.push(...op.end);
  b.push(...op.get(LI), ...op.i32(1), ...op.i32Add, ...op.set(LI), ...op.br(0), ...op.end, ...op.end);
  b.push(...op.get(LW), ...op.get(PA), ...op.i32Sub);
  return b;
}

/** The five partition loops for rows of `cols` codes of `width` bytes over `memory`. */
export function wasmPartitions(memory: WebAssembly.Memory, cols: number, width: number): WasmPartitions {
  const stride = cols * width;
  if (partitionCache?.memory === memory && partitionCache.stride === stride && partitionCache.width === width)
    return partitionCache.fns;
  const load = width === 2 ? op.i32Load16u : op.i32Load8u;
  const code = (r: number) => [...rowAddr(SC, r, stride), ...op.get(FAT), ...op.i32Add, ...load(0)];
  // c == miss ? dl : c <= bin (select picks its first operand when the condition is non-zero)
  const numeric: Pred = (r) => [
    ...op.get(DL),
    ...code(r),
    ...op.tee(LC),
    ...op.get(BIN),
    ...op.i32LeS,
    ...op.get(LC),
    ...op.get(MISS),
    ...op.i32Eq,
    ...op.select,
  ];
  const category: Pred = (r) => [...op.get(SEL), ...code(r), ...op.i32Add, ...op.i32Load8u(0)];
  const kept: Pred = (r) => [
    ...op.get(SEL),
    ...rowAddr(SI, r, 4),
    ...op.i32Load(0),
    ...op.i32Add,
    ...op.i32Load8u(0),
  ];
  const fn = (name: string, body: number[]): WasmFunction => ({
    name,
    params: 13,
    returnsI32: true,
    locals: PARTITION_LOCALS,
    body,
  });
  const bytes = wasmModule(pagesOf(memory), [
    fn('split', inPlaceBody(numeric, stride)),
    fn('cat', inPlaceBody(category, stride)),
    fn('splitCopy', copyBody(numeric, stride, true)),
    fn('catCopy', copyBody(category, stride, true)),
    fn('keep', copyBody(kept, stride, false)),
  ]);
  const e = new WebAssembly.Instance(new WebAssembly.Module(bytes), { e: { m: memory } }).exports;
  const fns: WasmPartitions = {
    split: e['split'] as WasmPartition,
    cat: e['cat'] as WasmPartition,
    splitCopy: e['splitCopy'] as WasmPartition,
    catCopy: e['catCopy'] as WasmPartition,
    keep: e['keep'] as WasmPartition,
  };
  partitionCache = { memory, stride, width, fns };
  return fns;
}

/** The best candidate a LightGBM numerical scan found (wasmLgbScan), read from its instance. */
export interface ScanResult {
  gain: number;
  /** Threshold bin and direction: 1 = the reverse scan (missing left), 0 = the forward one. */
  bin: number;
  reverse: number;
  lg: number;
  lh: number;
  lc: number;
  rg: number;
  rh: number;
  rc: number;
}

/**
 * LightGBM's numerical threshold scan (lightgbm-split.ts #numerical), the same arithmetic in the same
 * order: a reverse scan, and for NaN features a forward one, candidates pruned by `cannotBeat` before
 * dividing (plain gains bound the gains under lambda_l1 and max_delta_step from above, so the test
 * prunes those too). Returns bit 0 when a candidate beat `best` (`read` then gives the last, best,
 * one) and bit 1 when any candidate beat the parent, gain > 0 (LightGBM's is_splittable; until one
 * does, candidates are pruned against 0, not `best`).
 */
export type WasmLgbScan = (
  histAt: number,
  nb: number,
  g: number,
  h: number,
  count: number,
  cnt: number,
  shift: number,
  best: number,
  minData: number,
  minHess: number,
  l2: number,
  forward: number,
  l1: number,
  maxDeltaStep: number,
) => number;

/**
 * A thread's scans: `scan` for plain gains (l1 = 0, no max_delta_step), `scanZeroL2` the same for
 * l2 = 0 (LightGBM's default, without the additions), `scanFull` for any lambda_l1, max_delta_step.
 */
export interface WasmLgbScans {
  readonly scan: WasmLgbScan;
  readonly scanZeroL2: WasmLgbScan;
  readonly scanFull: WasmLgbScan;
  readonly read: (out: ScanResult) => void;
}

const scanCache = new WeakMap<WebAssembly.Memory, WasmLgbScans>();

/** LightGBM's kEpsilon, and cannotBeat's slack (lightgbm-split.ts). */
const K_EPS = Math.fround(1e-15);
const BEAT_SLACK = 1 - 1e-12;

/** This thread's scan over `memory`. */
export function wasmLgbScan(memory: WebAssembly.Memory): WasmLgbScans {
  const hit = scanCache.get(memory);
  if (hit) return hit;
  // Params: 0 histAt, 1 nb (i32); 2 g, 3 h, 4 count, 5 cnt, 6 shift, 7 best, 8 minData, 9 minHess,
  // 10 l2 (f64); 11 forward (i32); 12 l1, 13 max_delta_step (f64). Locals: 14 t, 15 a, 16 improved
  // (i32); 17 sg, 18 sh, 19 sc (the running side), 20 og, 21 oh, 22 oc (the other side), 23 bh,
  // 24 gain, 25 q, 26 the pruning target, 27 T(g), 28 w, 29 the left side's gain (f64); 30 ok (i32).
  const [HIST, NB, G, H, COUNT, CNT, SHIFT, BEST, MIND, MINH, L2, FWD, L1, MDS] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
  ];
  const [T, A, IMP, SG, SH, SC, OG, OH, OC, BH, GAIN, Q, TGT, TT, W, LGN, OK] = [
    14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
  ];
  // Globals: 0 gain, 1 bin, 2 reverse, 3 lg, 4 lh, 5 lc, 6 rg, 7 rh, 8 rc.
  const get = op.get;
  const set = op.set;
  // T(x, 0): x unless it is neither > 0 nor < 0 (then 0), as thresholdL1 with l1 = 0.
  const tl1 = (x: number) => [
    ...get(x),
    ...op.f64(0),
    ...get(x),
    ...op.f64(0),
    ...op.f64Gt,
    ...get(x),
    ...op.f64(0),
    ...op.f64Lt,
    ...op.i32Or,
    ...op.select,
  ];
  // thresholdL1(x, l1): x − l1 above l1, x + l1 below −l1, else 0.
  const tl1Full = (x: number) => [
    ...get(x),
    ...get(L1),
    ...op.f64Sub,
    ...get(x),
    ...get(L1),
    ...op.f64Add,
    ...op.f64(0),
    ...get(x),
    ...get(L1),
    ...op.f64Neg,
    ...op.f64Lt,
    ...op.select,
    ...get(x),
    ...get(L1),
    ...op.f64Gt,
    ...op.select,
  ];
  /**
   * The scan's body: `zeroL2` for l2 = 0 (y + l2 is y exactly and is not added); `full` for any l1
   * and max_delta_step (lightgbm-split.ts leafGain: under max_delta_step the gain of the clipped
   * output w, −(2·T·w + (h + l2)·w²)).
   */
  const scanBody = (zeroL2: boolean, full: boolean): number[] => {
    // y + l2
    const plus = (y: number) => (zeroL2 ? get(y) : [...get(y), ...get(L2), ...op.f64Add]);
    // leafGain(x, y) into local `dst`
    const leafGainInto = (x: number, y: number, dst: number): number[] => {
      if (!full) return [...tl1(x), ...tl1(x), ...op.f64Mul, ...plus(y), ...op.f64Div, ...set(dst)];
      return [
        ...tl1Full(x),
        ...set(TT),
        ...get(MDS),
        ...op.f64(0),
        ...op.f64Le,
        ...op.if,
        ...get(TT),
        ...get(TT),
        ...op.f64Mul,
        ...plus(y),
        ...op.f64Div,
        ...set(dst),
        ...op.else,
        // w = −T / (y + l2), clipped to ±max_delta_step
        ...get(TT),
        ...op.f64Neg,
        ...plus(y),
        ...op.f64Div,
        ...set(W),
        ...get(W),
        ...op.f64Abs,
        ...get(MDS),
        ...op.f64Gt,
        ...op.if,
        ...get(MDS),
        ...op.f64Neg,
        ...get(MDS),
        ...get(W),
        ...op.f64(0),
        ...op.f64Lt,
        ...op.select,
        ...set(W),
        ...op.end,
        ...op.f64(2),
        ...get(TT),
        ...op.f64Mul,
        ...get(W),
        ...op.f64Mul,
        ...plus(y),
        ...get(W),
        ...op.f64Mul,
        ...get(W),
        ...op.f64Mul,
        ...op.f64Add,
        ...op.f64Neg,
        ...set(dst),
        ...op.end,
      ];
    };
    // The pruning target (best + shift)·SLACK, kept in a local and renewed when best improves.
    const target = [
      ...get(BEST),
      ...get(SHIFT),
      ...op.f64Add,
      ...op.f64(BEAT_SLACK),
      ...op.f64Mul,
      ...set(TGT),
    ];
    /** One direction: the running side accumulates bins; `left` says whether it is the left side. */
    const direction = (reverse: boolean): number[] => {
      const b: number[] = [];
      // Running sums start at (0, K_EPS, 0); t from nb − 1 down to 1, or 0 up to nb − 1.
      b.push(...op.f64(0), ...set(SG), ...op.f64(K_EPS), ...set(SH), ...op.f64(0), ...set(SC));
      if (reverse) b.push(...get(NB), ...op.i32(1), ...op.i32Sub, ...set(T));
      else b.push(...op.i32(0), ...set(T));
      b.push(...op.block, ...op.loop);
      if (reverse) b.push(...get(T), ...op.i32(1), ...op.i32LtS, ...op.brIf(1));
      else b.push(...get(T), ...get(NB), ...op.i32GeS, ...op.brIf(1));
      b.push(...get(HIST), ...get(T), ...op.i32(4), ...op.i32Shl, ...op.i32Add, ...set(A));
      b.push(...get(A), ...op.f64Load(8), ...set(BH));
      b.push(...get(SG), ...get(A), ...op.f64Load(0), ...op.f64Add, ...set(SG));
      b.push(...get(SH), ...get(BH), ...op.f64Add, ...set(SH));
      b.push(
        ...get(SC),
        ...get(BH),
        ...get(CNT),
        ...op.f64Mul,
        ...op.f64(0.5),
        ...op.f64Add,
        ...op.f64Trunc,
        ...op.f64Add,
        ...set(SC),
      );
      b.push(...op.block); // continue target (depth 0 here)
      b.push(
        ...get(SC),
        ...get(MIND),
        ...op.f64Lt,
        ...get(SH),
        ...get(MINH),
        ...op.f64Lt,
        ...op.i32Or,
        ...op.brIf(0),
      );
      b.push(
        ...get(COUNT),
        ...get(SC),
        ...op.f64Sub,
        ...set(OC),
        ...get(H),
        ...get(SH),
        ...op.f64Sub,
        ...set(OH),
      );
      // break: the other side too small (depth: block 0, loop 1, outer block 2)
      b.push(
        ...get(OC),
        ...get(MIND),
        ...op.f64Lt,
        ...get(OH),
        ...get(MINH),
        ...op.f64Lt,
        ...op.i32Or,
        ...op.brIf(2),
      );
      b.push(...get(G), ...get(SG), ...op.f64Sub, ...set(OG));
      // The left and right sides as the JS names them.
      const [lg, lh, lc, rg, rh, rc] = reverse ? [OG, OH, OC, SG, SH, SC] : [SG, SH, SC, OG, OH, OC];
      // cannotBeat(lg, lh + l2, rg, rh + l2, best + shift): q = bl·br;
      // lg·lg·br + rg·rg·bl <= (best + shift)·SLACK·q && q > 1e-200 (the JavaScript test multiplies in
      // another order: pruning is conservative by far more than a rounding, so both keep every
      // candidate that can win and pick the same one)
      b.push(...plus(lh), ...plus(rh), ...op.f64Mul, ...set(Q));
      b.push(...get(lg), ...get(lg), ...op.f64Mul, ...plus(rh), ...op.f64Mul);
      b.push(...get(rg), ...get(rg), ...op.f64Mul, ...plus(lh), ...op.f64Mul, ...op.f64Add);
      b.push(...get(TGT), ...get(Q), ...op.f64Mul, ...op.f64Le);
      b.push(...get(Q), ...op.f64(1e-200), ...op.f64Gt, ...op.i32And, ...op.brIf(0));
      // gain = leafGain(lg, lh) + leafGain(rg, rh) − shift
      b.push(...leafGainInto(lg, lh, LGN), ...leafGainInto(rg, rh, GAIN));
      b.push(...get(LGN), ...get(GAIN), ...op.f64Add, ...get(SHIFT), ...op.f64Sub, ...set(GAIN));
      // The first candidate above the parent: splittable, and pruning against best from here on.
      b.push(...get(OK), ...op.i32Eqz, ...get(GAIN), ...op.f64(0), ...op.f64Gt, ...op.i32And, ...op.if);
      b.push(...op.i32(1), ...set(OK), ...target, ...op.end);
      b.push(...get(GAIN), ...get(BEST), ...op.f64Gt, ...op.if);
      b.push(...get(GAIN), ...set(BEST), ...target, ...op.i32(1), ...set(IMP));
      b.push(...get(GAIN), ...op.globalSet(0));
      b.push(
        ...get(T),
        ...(reverse ? [...op.i32(1), ...op.i32Sub] : []),
        ...op.f64FromI32,
        ...op.globalSet(1),
      );
      b.push(...op.f64(reverse ? 1 : 0), ...op.globalSet(2));
      for (const [i, l] of [lg, lh, lc, rg, rh, rc].entries()) b.push(...get(l), ...op.globalSet(3 + i));
      b.push(...op.end); // if
      b.push(...op.end); // continue block
      b.push(...get(T), ...op.i32(1), ...(reverse ? op.i32Sub : op.i32Add), ...set(T));
      b.push(...op.br(0), ...op.end, ...op.end);
      return b;
    };
    return [
      ...op.i32(0),
      ...set(IMP),
      ...op.i32(0),
      ...set(OK),
      ...get(SHIFT),
      ...op.f64(BEAT_SLACK),
      ...op.f64Mul,
      ...set(TGT),
      ...direction(true),
      ...get(FWD),
      ...op.if,
      ...direction(false),
      ...op.end,
      ...get(IMP),
      ...get(OK),
      ...op.i32(1),
      ...op.i32Shl,
      ...op.i32Or,
    ];
  };
  const fn = (name: string, zeroL2: boolean, full: boolean): WasmFunction => ({
    name,
    params: [I32, I32, F64, F64, F64, F64, F64, F64, F64, F64, F64, I32, F64, F64],
    returnsI32: true,
    locals: [
      [3, I32],
      [13, F64],
      [1, I32],
    ],
    body: scanBody(zeroL2, full),
  });
  const bytes = wasmModule(
    pagesOf(memory),
    [fn('scan', false, false), fn('scan0', true, false), fn('scanFull', false, true)],
    9,
  );
  const e = new WebAssembly.Instance(new WebAssembly.Module(bytes), { e: { m: memory } }).exports;
  const g = Array.from({ length: 9 }, (_, i) => e[`g${i}`] as WebAssembly.Global);
  const scan = e['scan'] as WasmLgbScan;
  const scan0 = e['scan0'] as WasmLgbScan;
  const made = {
    scan,
    scanZeroL2: scan0,
    scanFull: e['scanFull'] as WasmLgbScan,
    read: (out: ScanResult) => {
      out.gain = g[0]!.value as number;
      out.bin = g[1]!.value as number;
      out.reverse = g[2]!.value as number;
      out.lg = g[3]!.value as number;
      out.lh = g[4]!.value as number;
      out.lc = g[5]!.value as number;
      out.rg = g[6]!.value as number;
      out.rh = g[7]!.value as number;
      out.rc = g[8]!.value as number;
    },
  };
  scanCache.set(memory, made);
  return made;
}

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
