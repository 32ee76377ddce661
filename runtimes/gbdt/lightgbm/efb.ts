/**
 * Exclusive feature bundling (LightGBM's `FindGroups` / `FastFeatureBundling` in src/io/dataset.cpp):
 * on a row sample, numerical features are greedily packed, densest first (by rows off their default
 * — most frequent — code), into bundles whose members are rarely off their default code in
 * the same row: a member joins the first bundle where its conflicts plus the bundle's stay within
 * max_conflict_rate × sample rows and the bundle's codes fit a byte. A bundle is one matrix column:
 * code 0 means "every member at its default code", member f's other codes (its bins and missing code,
 * the default skipped) sit at [offset(f), offset(f) + bins(f)). On a conflicting row the later member
 * wins, as in LightGBM. Other features keep their own column and codes. Bundling is used only when it
 * merges columns. The bundled matrix replaces the per-feature one for histograms and partitioning;
 * lightgbm/efb-split.ts reads each member's histogram back out of its bundle. The plan is made in
 * lightgbm/efb-plan.ts; with several ranks it is made from all ranks' rows alike, so every rank's
 * histograms have the same columns and the bundling is the one a single process would choose.
 */
import type { BinMatrix } from '../core/index.js';
import type { BundlePlan, EfbOptions } from './efb-options.js';
import { codeCounts, planBundles } from './efb-plan.js';

export type { BundlePlan, EfbOptions } from './efb-options.js';

/** A bundled matrix and where every original feature lives in it. */
export interface EfbLayout {
  /** Columns = bundles and unbundled features, in order of their first feature. */
  readonly matrix: BinMatrix;
  /** Per column: its features (one for an unbundled column). */
  readonly members: readonly (readonly number[])[];
  /** Per feature: its column. */
  readonly column: Int32Array;
  /** Per feature: the first bundle code of its range (−1 when its column is its own). */
  readonly offset: Int32Array;
  /** Per feature in a bundle: its default code (stored as bundle code 0). */
  readonly defaultCode: Int32Array;
  /** Per feature: its own code count, bins + the missing code (= the matrix's missingCode + 1). */
  readonly codes: Int32Array;
}

/** Bundles the features of `m`, or undefined when no two features can share a column. */
export function bundleFeatures(m: BinMatrix, o: EfbOptions): EfbLayout | undefined {
  const plan = planBundles(m, o);
  return plan && bundlesFromPlan(m, plan);
}

/** `m` bundled as `plan` says (a plan made from this rank's rows or received from rank 0). */
export function bundlesFromPlan(m: BinMatrix, plan: BundlePlan): EfbLayout {
  return layout(m, plan.members, Int32Array.from(plan.defaults), codeCounts(m));
}

function layout(
  m: BinMatrix,
  members: readonly (readonly number[])[],
  defaults: Int32Array,
  nCodes: Int32Array,
): EfbLayout {
  const { rows, cols: features } = m;
  const cols = members.length;
  const column = new Int32Array(features);
  const offset = new Int32Array(features).fill(-1);
  const defaultCode = new Int32Array(features).fill(-1);
  const missingCode = new Uint16Array(cols);
  const slotOffsets = new Uint32Array(cols + 1);
  members.forEach((fs, c) => {
    let size = 1;
    for (const f of fs) {
      column[f] = c;
      if (fs.length === 1) continue;
      offset[f] = size;
      defaultCode[f] = defaults[f]!;
      size += nCodes[f]! - 1;
    }
    // An unbundled column keeps its codes; a bundle has no missing code, `size` is never stored.
    missingCode[c] = fs.length === 1 ? m.missingCode[fs[0]!]! : size;
    slotOffsets[c + 1] = slotOffsets[c]! + missingCode[c]! + 1;
  });
  const wide = m.codes instanceof Uint16Array;
  const sab = new SharedArrayBuffer(Math.max(8, rows * cols * m.codes.BYTES_PER_ELEMENT));
  const codes = wide ? new Uint16Array(sab, 0, rows * cols) : new Uint8Array(sab, 0, rows * cols);
  const src = m.codes;
  // Per feature: code → bundle code (0 for a member's default code).
  const to: Int32Array[] = [];
  for (let f = 0; f < features; f++) {
    const t = new Int32Array(nCodes[f]!);
    const d = defaultCode[f]!;
    for (let c = 0; c < t.length; c++)
      t[c] = offset[f]! < 0 ? c : c === d ? 0 : offset[f]! + (c < d ? c : c - 1);
    to.push(t);
  }
  for (let r = 0; r < rows; r++) {
    const s = r * features;
    const o = r * cols;
    for (let c = 0; c < cols; c++) {
      const fs = members[c]!;
      if (fs.length === 1) {
        codes[o + c] = src[s + fs[0]!]!;
        continue;
      }
      let v = 0;
      for (const f of fs) {
        const x = to[f]![src[s + f]!]!;
        if (x !== 0) v = x;
      }
      codes[o + c] = v;
    }
  }
  return {
    matrix: { rows, cols, codes, missingCode, slotOffsets },
    members,
    column,
    offset,
    defaultCode,
    codes: nCodes,
  };
}
