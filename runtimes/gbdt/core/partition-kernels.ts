/**
 * The JavaScript partition loops (partition.ts): one segment's rows split left and right, in place
 * or copied from buffer 0, generated for the matrix's row width (rows moved as whole 4-, 2- or
 * 1-byte words, unrolled) and cached for the context's buffers.
 */
import type { HistContext } from './hist-context.js';

type Views = readonly (Uint32Array | Uint16Array | Uint8Array)[];
/**
 * One segment [a, b): its left rows to dst at a…, its right rows to dst at …b − 1 (from the matrix,
 * `src` ≠ `dst`), or in place (`src` = `dst`); returns the left count.
 */
type SegFn = (
  src: Uint8Array | Uint16Array,
  sv: Uint32Array | Uint16Array | Uint8Array,
  sgh: Float32Array,
  sidx: Uint32Array,
  dv: Uint32Array | Uint16Array | Uint8Array,
  dgh: Float32Array,
  didx: Uint32Array,
  a: number,
  b: number,
  f: number,
  bin: number,
  miss: number,
  dl: number,
  sel: Uint8Array,
) => number;

interface Compiled {
  /** The context's own buffer 1 codes (the cache key). */
  codes: Uint8Array | Uint16Array;
  views: Views;
  perRow: number;
  /** In place (two cursors). */
  split: SegFn;
  cat: SegFn;
  /** From buffer 0 into buffer 1 (lefts from the front, rights from the back). */
  splitCopy: SegFn;
  catCopy: SegFn;
  keep: SegFn;
}
let compiled: Compiled | undefined;

/** Widest word (4, 2 or 1 bytes) that divides a row of codes, as views over every buffer's codes. */
function viewsOf(ctx: HistContext): { views: Views; perRow: number } {
  const bytes = ctx.matrix.cols * ctx.matrix.codes.BYTES_PER_ELEMENT;
  const unit = bytes % 4 === 0 ? 4 : bytes % 2 === 0 ? 2 : 1;
  const n = (ctx.matrix.rows * bytes) / unit;
  const view = (c: Uint8Array | Uint16Array) =>
    unit === 4
      ? new Uint32Array(c.buffer, c.byteOffset, n)
      : unit === 2
        ? new Uint16Array(c.buffer, c.byteOffset, n)
        : new Uint8Array(c.buffer, c.byteOffset, n);
  return { views: ctx.bufs.map((b) => view(b.codes)), perRow: bytes / unit };
}

/** `dst` row `d` = `src` row `s`, unrolled over the words of a row. */
function copyRow(dst: string, d: string, src: string, s: string, perRow: number): string {
  let out = `{ const D = ${d} * ${perRow}; const S = ${s} * ${perRow};`;
  // Wide rows as a loop: unrolled, they would push the function past what V8 optimises.
  if (perRow > UNROLL_WORDS)
    return `${out} for (let j = 0; j < ${perRow}; j++) ${dst}[D + j] = ${src}[S + j]; }`;
  for (let j = 0; j < perRow; j++) out += ` ${dst}[D + ${j}] = ${src}[S + ${j}];`;
  return `${out} }`;
}

/** Rows `i` and `j` of view `v` trade places, unrolled over the words of a row. */
function swapRow(v: string, i: string, j: string, perRow: number): string {
  let out = `{ const I = ${i} * ${perRow}; const J = ${j} * ${perRow};`;
  if (perRow > UNROLL_WORDS)
    return `${out} for (let q = 0; q < ${perRow}; q++) { const t = ${v}[I + q]; ${v}[I + q] = ${v}[J + q]; ${v}[J + q] = t; } }`;
  for (let q = 0; q < perRow; q++)
    out += ` const t${q} = ${v}[I + ${q}]; ${v}[I + ${q}] = ${v}[J + ${q}]; ${v}[J + ${q}] = t${q};`;
  return `${out} }`;
}

const UNROLL_WORDS = 16;
const SEG_ARGS = ['src', 'sv', 'sgh', 'sidx', 'dv', 'dgh', 'didx', 'a', 'b', 'f', 'bin', 'miss', 'dl', 'sel'];

/** The segment loops specialised for this matrix's row width (generated like the histogram kernel). */
export function partitionKernels(ctx: HistContext): Compiled {
  if (compiled?.codes === ctx.bufs[1]!.codes) return compiled;
  const { views, perRow } = viewsOf(ctx);
  const cols = ctx.matrix.cols;
  // `leftAt(r)`: is row r (of src) a left row?
  const inPlace = (leftAt: (r: string) => string): SegFn =>
    new Function(
      ...SEG_ARGS,
      `let c = 0; let i = a; let j = b - 1;
      for (;;) {
        while (i <= j && (${leftAt('i')})) i++;
        while (i < j && !(${leftAt('j')})) j--;
        if (i >= j) break;
        ${swapRow('sv', 'i', 'j', perRow)}
        const g = sgh[2 * i]; const h = sgh[2 * i + 1];
        sgh[2 * i] = sgh[2 * j]; sgh[2 * i + 1] = sgh[2 * j + 1]; sgh[2 * j] = g; sgh[2 * j + 1] = h;
        const x = sidx[i]; sidx[i] = sidx[j]; sidx[j] = x;
        i++; j--;
      }
      return i - a;
      //# sourceURL=gbdt-partition-in-place.js`,
    ) as SegFn;
  const copy = (leftAt: (r: string) => string, keepRights: boolean): SegFn =>
    new Function(
      ...SEG_ARGS,
      `let c = 0; let w = a; let k = b - 1;
      for (let i = a; i < b; i++) {
        if (${leftAt('i')}) {
          ${copyRow('dv', 'w', 'sv', 'i', perRow)} dgh[2 * w] = sgh[2 * i]; dgh[2 * w + 1] = sgh[2 * i + 1]; didx[w] = sidx[i]; w++;
        } ${
          keepRights
            ? `else { ${copyRow('dv', 'k', 'sv', 'i', perRow)} dgh[2 * k] = sgh[2 * i]; dgh[2 * k + 1] = sgh[2 * i + 1]; didx[k] = sidx[i]; k--; }`
            : ''
        }
      }
      return w - a;
      //# sourceURL=gbdt-partition-copy.js`,
    ) as SegFn;
  const numeric = (r: string) => `(c = src[${r} * ${cols} + f]) === miss ? dl === 1 : c <= bin`;
  const category = (r: string) => `sel[src[${r} * ${cols} + f]] === 1`;
  compiled = {
    codes: ctx.bufs[1]!.codes,
    views,
    perRow,
    split: inPlace(numeric),
    cat: inPlace(category),
    splitCopy: copy(numeric, true),
    catCopy: copy(category, true),
    keep: copy((r) => `sel[sidx[${r}]] === 1`, false),
  };
  return compiled;
}
