/**
 * Row partitions as WebAssembly (core/partition.ts): one segment's rows split left and right, in
 * place or from buffer 0 into buffer 1, moving whole rows of codes with their `[g, h]` and ids.
 */
import { I32, op, pagesOf, type WasmFunction, wasmModule } from './module.js';

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
