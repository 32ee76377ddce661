/**
 * LightGBM's numerical split scan as WebAssembly (lightgbm/split.ts #numerical): the same arithmetic
 * in the same order over a node's histogram in the shared memory, candidates pruned before dividing.
 */
import { F64, I32, op, pagesOf, type WasmFunction, wasmModule } from './module.js';

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
 * LightGBM's numerical threshold scan (lightgbm/split.ts #numerical), the same arithmetic in the same
 * order: a reverse scan, and for NaN features a forward one, candidates pruned by `cannotBeat` before
 * dividing (plain gains bound the gains under lambda_l1 and max_delta_step from above, so the test
 * prunes those too). Returns bit 0 when a candidate beat `best` (`read` then gives the last, best,
 * one) and bit 1 when any candidate beat the parent, gain > 0 (LightGBM's is_splittable; until one
 * does, candidates are pruned against 0, not `best`). As LightGBM (FindBestThresholdSequentially),
 * the forward scan's best replaces the reverse one's only when its raw gain (before the parent's
 * shift) is above the reverse one's stored gain plus the shift.
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

/** LightGBM's kEpsilon, and cannotBeat's slack (lightgbm/split.ts). */
const K_EPS = Math.fround(1e-15);
const BEAT_SLACK = 1 - 1e-12;

// Params: 0 histAt, 1 nb (i32); 2 g, 3 h, 4 count, 5 cnt, 6 shift, 7 best, 8 minData, 9 minHess,
// 10 l2 (f64); 11 forward (i32); 12 l1, 13 max_delta_step (f64). Locals: 14 t, 15 a, 16 improved
// (i32); 17 sg, 18 sh, 19 sc (the running side), 20 og, 21 oh, 22 oc (the other side), 23 bh,
// 24 gain, 25 q, 26 the pruning target, 27 T(g), 28 w, 29 the left side's gain (f64); 30 ok (i32);
// 31 raw (the candidate's gain before the shift), 32 the reverse scan's best raw, 33 the forward
// scan's best raw, 34 best as passed (f64).
const [HIST, NB, G, H, COUNT, CNT, SHIFT, BEST, MIND, MINH, L2, FWD, L1, MDS] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
];
const [T, A, IMP, SG, SH, SC, OG, OH, OC, BH, GAIN, Q, TGT, TT, W, LGN, OK] = [
  14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
];
const [RAW, REVRAW, FWDRAW, BEFORE] = [31, 32, 33, 34];
// Globals: 0 gain, 1 bin, 2 reverse, 3 lg, 4 lh, 5 lc, 6 rg, 7 rh, 8 rc.
const get = op.get;
const set = op.set;
// T(x, 0): x unless it is neither > 0 nor < 0 (then 0), as thresholdL1 with l1 = 0.
const tl1 = (x: number): number[] => [
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
const tl1Full = (x: number): number[] => [
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
/** The scan's variant: `zeroL2` for l2 = 0, `full` for any l1 and max_delta_step. */
interface Variant {
  readonly zeroL2: boolean;
  readonly full: boolean;
}

/** y + l2 (y alone for l2 = 0: y + 0 is y exactly and is not added). */
function plus(v: Variant, y: number): number[] {
  return v.zeroL2 ? get(y) : [...get(y), ...get(L2), ...op.f64Add];
}

/**
 * leafGain(x, y) into local `dst`; with `full`, lightgbm/split.ts leafGain under max_delta_step: the
 * gain of the clipped output w, −(2·T·w + (h + l2)·w²).
 */
function leafGainInto(v: Variant, x: number, y: number, dst: number): number[] {
  if (!v.full) return [...tl1(x), ...tl1(x), ...op.f64Mul, ...plus(v, y), ...op.f64Div, ...set(dst)];
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
    ...plus(v, y),
    ...op.f64Div,
    ...set(dst),
    ...op.else,
    // w = −T / (y + l2), clipped to ±max_delta_step
    ...get(TT),
    ...op.f64Neg,
    ...plus(v, y),
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
    ...plus(v, y),
    ...get(W),
    ...op.f64Mul,
    ...get(W),
    ...op.f64Mul,
    ...op.f64Add,
    ...op.f64Neg,
    ...set(dst),
    ...op.end,
  ];
}

/** The pruning target (best + shift)·SLACK, kept in a local and renewed when best improves. */
const target = [...get(BEST), ...get(SHIFT), ...op.f64Add, ...op.f64(BEAT_SLACK), ...op.f64Mul, ...set(TGT)];
/** One direction: the running side accumulates bins; `reverse`: it is the right side. */
function direction(v: Variant, reverse: boolean): number[] {
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
  b.push(...plus(v, lh), ...plus(v, rh), ...op.f64Mul, ...set(Q));
  b.push(...get(lg), ...get(lg), ...op.f64Mul, ...plus(v, rh), ...op.f64Mul);
  b.push(...get(rg), ...get(rg), ...op.f64Mul, ...plus(v, lh), ...op.f64Mul, ...op.f64Add);
  b.push(...get(TGT), ...get(Q), ...op.f64Mul, ...op.f64Le);
  b.push(...get(Q), ...op.f64(1e-200), ...op.f64Gt, ...op.i32And, ...op.brIf(0));
  // gain = leafGain(lg, lh) + leafGain(rg, rh) − shift
  b.push(...leafGainInto(v, lg, lh, LGN), ...leafGainInto(v, rg, rh, GAIN));
  b.push(...get(LGN), ...get(GAIN), ...op.f64Add, ...set(RAW));
  b.push(...get(RAW), ...get(SHIFT), ...op.f64Sub, ...set(GAIN));
  // The first candidate above the parent: splittable, and pruning against best from here on.
  b.push(...get(OK), ...op.i32Eqz, ...get(GAIN), ...op.f64(0), ...op.f64Gt, ...op.i32And, ...op.if);
  b.push(...op.i32(1), ...set(OK), ...target, ...op.end);
  if (reverse) {
    // The reverse scan's own best (LightGBM's output for the feature, whoever wins overall).
    b.push(...get(GAIN), ...op.f64(0), ...op.f64Gt, ...get(RAW), ...get(REVRAW), ...op.f64Gt, ...op.i32And);
    b.push(...op.if, ...get(RAW), ...set(REVRAW), ...op.end);
    b.push(...get(GAIN), ...get(BEST), ...op.f64Gt, ...op.if);
  } else {
    // raw > the forward best, raw > (reverse best − shift) + shift, gain > best as passed.
    b.push(...get(RAW), ...get(FWDRAW), ...op.f64Gt);
    b.push(
      ...get(RAW),
      ...get(REVRAW),
      ...get(SHIFT),
      ...op.f64Sub,
      ...get(SHIFT),
      ...op.f64Add,
      ...op.f64Gt,
    );
    b.push(...op.i32And, ...get(GAIN), ...get(BEFORE), ...op.f64Gt, ...op.i32And, ...op.if);
    b.push(...get(RAW), ...set(FWDRAW));
  }
  b.push(...get(GAIN), ...set(BEST), ...target, ...op.i32(1), ...set(IMP));
  b.push(...get(GAIN), ...op.globalSet(0));
  b.push(...get(T), ...(reverse ? [...op.i32(1), ...op.i32Sub] : []), ...op.f64FromI32, ...op.globalSet(1));
  b.push(...op.f64(reverse ? 1 : 0), ...op.globalSet(2));
  for (const [i, l] of [lg, lh, lc, rg, rh, rc].entries()) b.push(...get(l), ...op.globalSet(3 + i));
  b.push(...op.end); // if
  b.push(...op.end); // continue block
  b.push(...get(T), ...op.i32(1), ...(reverse ? op.i32Sub : op.i32Add), ...set(T));
  b.push(...op.br(0), ...op.end, ...op.end);
  return b;
}

/**
 * The scan's body: a reverse scan, then (for NaN features) a forward one; returns whether a candidate
 * beat `best`.
 */
function scanBody(zeroL2: boolean, full: boolean): number[] {
  const v: Variant = { zeroL2, full };
  return [
    ...op.i32(0),
    ...set(IMP),
    ...op.i32(0),
    ...set(OK),
    ...get(SHIFT),
    ...op.f64(BEAT_SLACK),
    ...op.f64Mul,
    ...set(TGT),
    ...get(BEST),
    ...set(BEFORE),
    ...op.f64(Number.NEGATIVE_INFINITY),
    ...set(REVRAW),
    ...op.f64(Number.NEGATIVE_INFINITY),
    ...set(FWDRAW),
    ...direction(v, true),
    ...get(FWD),
    ...op.if,
    ...direction(v, false),
    ...op.end,
    ...get(IMP),
    ...get(OK),
    ...op.i32(1),
    ...op.i32Shl,
    ...op.i32Or,
  ];
}

/** This thread's scan over `memory`. */
export function wasmLgbScan(memory: WebAssembly.Memory): WasmLgbScans {
  const hit = scanCache.get(memory);
  if (hit) return hit;
  const fn = (name: string, zeroL2: boolean, full: boolean): WasmFunction => ({
    name,
    params: [I32, I32, F64, F64, F64, F64, F64, F64, F64, F64, F64, I32, F64, F64],
    returnsI32: true,
    locals: [
      [3, I32],
      [13, F64],
      [1, I32],
      [4, F64],
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
