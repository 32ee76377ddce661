/**
 * A small WebAssembly writer for the engine's generated kernels (wasm/kernels.ts): a module that
 * imports one shared memory ("e" "m") and exports functions of i32 parameters, written as bytes
 * (the binary format of the WebAssembly core specification, §5). Only the instructions the kernels
 * use are here. Kernels in wasm run without the bounds check a typed-array access carries in
 * JavaScript; `npm run bench:gbdt-kernels` measures whole trainings both ways (same trees).
 */

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
export const F64 = 0x7c;

/** Instructions, as byte arrays to concatenate. */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  get: (i: number) => [0x20, ...uleb(i)],
  /** i32 local `i` += 1 */
  inc: (i: number) => [0x20, ...uleb(i), 0x41, 1, 0x6a, 0x21, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  /** Loads and stores: the natural alignment's log2 and a constant byte offset. */
  i32Load: (offset = 0) => [0x28, 2, ...uleb(offset)],
  i64Load: (offset = 0) => [0x29, 3, ...uleb(offset)],
  f32Load: (offset = 0) => [0x2a, 2, ...uleb(offset)],
  f64Load: (offset = 0) => [0x2b, 3, ...uleb(offset)],
  i32Load8u: (offset = 0) => [0x2d, 0, ...uleb(offset)],
  i32Load16u: (offset = 0) => [0x2f, 1, ...uleb(offset)],
  i32Store: (offset = 0) => [0x36, 2, ...uleb(offset)],
  i64Store: (offset = 0) => [0x37, 3, ...uleb(offset)],
  f64Store: (offset = 0) => [0x39, 3, ...uleb(offset)],
  i32Store8: (offset = 0) => [0x3a, 0, ...uleb(offset)],
  i32Store16: (offset = 0) => [0x3b, 1, ...uleb(offset)],
  i32Eqz: [0x45],
  i32Eq: [0x46],
  i32Ne: [0x47],
  i32LtS: [0x48],
  i32LtU: [0x49],
  i32GtS: [0x4a],
  i32LeS: [0x4c],
  i32GeS: [0x4e],
  i32GtU: [0x4b],
  i32LeU: [0x4d],
  i32GeU: [0x4f],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32And: [0x71],
  i32Or: [0x72],
  i32Shl: [0x74],
  i32ShrU: [0x76],
  i32Xor: [0x73],
  f32Store: (offset = 0) => [0x38, 2, ...uleb(offset)],
  f32DemoteF64: [0xb6],
  f64Abs: [0x99],
  f64Neg: [0x9a],
  f32Mul: [0x94],
  /** f64.convert_i32_s, f64.convert_i32_u */
  f64FromI32: [0xb7],
  f64FromU32: [0xb8],
  f64Add: [0xa0],
  f64Sub: [0xa1],
  f64Mul: [0xa2],
  f64Div: [0xa3],
  f64Trunc: [0x9d],
  f64Eq: [0x61],
  f64Lt: [0x63],
  f64Gt: [0x64],
  f64Le: [0x65],
  f64Ge: [0x66],
  f64: (v: number) => [0x44, ...new Uint8Array(Float64Array.of(v).buffer)],
  globalGet: (i: number) => [0x23, ...uleb(i)],
  globalSet: (i: number) => [0x24, ...uleb(i)],
  f64PromoteF32: [0xbb],
  select: [0x1b],
  /** memory.copy (bulk memory): [dst, src, bytes] on the stack. */
  memoryCopy: [0xfc, 0x0a, 0x00, 0x00],
} as const;

export interface WasmFunction {
  readonly name: string;
  /** Parameter count (all i32), or their types. */
  readonly params: number | readonly number[];
  /** Whether it returns one i32. */
  readonly returnsI32: boolean;
  /** Extra locals by type, in order after the parameters: `[count, type]` groups. */
  readonly locals: readonly (readonly [number, number])[];
  readonly body: readonly number[];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
}

/**
 * The module's bytes: `functions` exported by name, importing a shared memory of `pages` pages; with
 * `globals`, that many mutable f64 globals (0 at first) exported as g0, g1, … (a thread's own
 * results: every thread has its own instance).
 */
export function wasmModule(
  pages: number,
  functions: readonly WasmFunction[],
  globals = 0,
): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => {
    const params = typeof f.params === 'number' ? new Array<number>(f.params).fill(I32) : [...f.params];
    return [0x60, ...uleb(params.length), ...params, ...(f.returnsI32 ? [1, I32] : [0])];
  });
  const globalDefs = Array.from({ length: globals }, () => [F64, 0x01, ...op.f64(0), ...op.end]);
  const globalExports = Array.from({ length: globals }, (_, i) => [...name(`g${i}`), 0x03, ...uleb(i)]);
  const memoryImport = [...name('e'), ...name('m'), 0x02, 0x03, ...uleb(pages), ...uleb(pages)];
  const bodies = functions.map((f) => {
    const code = [...vec(f.locals.map(([n, t]) => [...uleb(n), t])), ...f.body, ...op.end];
    return [...uleb(code.length), ...code];
  });
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, vec([memoryImport])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...(globals > 0 ? section(6, vec(globalDefs)) : []),
    ...section(7, vec([...functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]), ...globalExports])),
    ...section(10, vec(bodies)),
  ];
  return new Uint8Array(bytes);
}

/** Pages of a shared memory (its buffer's length / 64 KiB). */
export function pagesOf(memory: WebAssembly.Memory): number {
  return memory.buffer.byteLength / 65536;
}
