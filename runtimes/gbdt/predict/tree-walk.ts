/**
 * Walks rows of a raw float32 feature matrix (row-major) down one flat tree (predict/layout.ts) and
 * adds each row's leaf value to its margin. Four rows go down together, each step branch-free, until
 * all four sit on leaves (a finished row steps in place): their loads overlap instead of waiting on
 * each other, and no branch mispredicts on the split direction. On a 255-leaf tree that is about
 * twice as fast as walking rows one by one, though four rows take as many steps as the deepest.
 */
import type { FlatTree } from './layout.js';

/**
 * out[r·outputs + group] += leaf(tree, row r) for the rows r = rows[i] (r = i when `rows` is
 * undefined), i in [from, to). Each row gets exactly one float32 add, so per row the margins are
 * added in the caller's tree order.
 */
export function walkRows(
  flat: FlatTree,
  features: Float32Array,
  cols: number,
  out: Float32Array | Float64Array,
  outputs: number,
  group: number,
  from: number,
  to: number,
  rows: Uint32Array | undefined,
): void {
  const record = flat.record;
  const recordF = flat.recordF;
  let i = from;
  for (; i + 4 <= to; i += 4) {
    const r0 = rows === undefined ? i : rows[i]!;
    const r1 = rows === undefined ? i + 1 : rows[i + 1]!;
    const r2 = rows === undefined ? i + 2 : rows[i + 2]!;
    const r3 = rows === undefined ? i + 3 : rows[i + 3]!;
    const b0 = r0 * cols;
    const b1 = r1 * cols;
    const b2 = r2 * cols;
    const b3 = r3 * cols;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (;;) {
      const c0 = record[s0]!;
      const c1 = record[s1]!;
      const c2 = record[s2]!;
      const c3 = record[s3]!;
      // All four on leaves: 2 is the LEAF flag (predict/layout.ts), a literal because V8 re-reads an
      // imported constant on every step (5 % slower).
      if ((c0 & c1 & c2 & c3 & 2) !== 0) break;
      // Right iff !(x < t), and x >= t or NaN goes right (bit 0 of c): NaN fails both comparisons.
      // One lane after another: fewer values live at once (3 % faster than all loads first).
      const x0 = features[b0 + record[s0 + 1]!]!;
      const t0 = recordF[s0 + 3]!;
      s0 = (c0 & -8) | ((+!(x0 < t0) & (+(x0 >= t0) | c0)) << 2);
      const x1 = features[b1 + record[s1 + 1]!]!;
      const t1 = recordF[s1 + 3]!;
      s1 = (c1 & -8) | ((+!(x1 < t1) & (+(x1 >= t1) | c1)) << 2);
      const x2 = features[b2 + record[s2 + 1]!]!;
      const t2 = recordF[s2 + 3]!;
      s2 = (c2 & -8) | ((+!(x2 < t2) & (+(x2 >= t2) | c2)) << 2);
      const x3 = features[b3 + record[s3 + 1]!]!;
      const t3 = recordF[s3 + 3]!;
      s3 = (c3 & -8) | ((+!(x3 < t3) & (+(x3 >= t3) | c3)) << 2);
    }
    let o = r0 * outputs + group;
    out[o] = out[o]! + recordF[s0 + 2]!;
    o = r1 * outputs + group;
    out[o] = out[o]! + recordF[s1 + 2]!;
    o = r2 * outputs + group;
    out[o] = out[o]! + recordF[s2 + 2]!;
    o = r3 * outputs + group;
    out[o] = out[o]! + recordF[s3 + 2]!;
  }
  for (; i < to; i++) {
    const r = rows === undefined ? i : rows[i]!;
    const b = r * cols;
    let s = 0;
    for (;;) {
      const c = record[s]!;
      if ((c & 2) !== 0) break;
      const x = features[b + record[s + 1]!]!;
      const t = recordF[s + 3]!;
      s = (c & -8) | ((+!(x < t) & (+(x >= t) | c)) << 2);
    }
    const o = r * outputs + group;
    out[o] = out[o]! + recordF[s + 2]!;
  }
}
