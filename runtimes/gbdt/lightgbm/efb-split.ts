/**
 * LightGBM's split rules over a bundled histogram (lightgbm/efb.ts): each node's histogram is read
 * back per original feature (an unbundled column copied, a bundle member's codes from its sub-range,
 * its default bin reconstructed as the node's totals minus its other bins, as LightGBM's FixHistogram
 * does) and LgbSplitRules finds the best split per original feature. While the tree grows, a split is
 * handed to the engine on its feature's column, a bundle member's as a categorical split of the
 * bundle (the bundle codes whose member bin goes left), so partitioning needs no change; `restore` puts the original
 * feature's split back into the grown tree before it is turned into a model tree.
 */
import type { LgbSplitRules } from './split.js';
import type { EfbLayout } from './efb.js';
import type { GrownTree, SplitInfo, SplitRules } from '../core/index.js';

export class EfbSplitRules implements SplitRules {
  readonly #inner: LgbSplitRules;
  readonly #layout: EfbLayout;
  /** Per original feature: its first slot in the per-feature layout the inner rules read. */
  readonly #featureSlots: Uint32Array;
  readonly #scratch: Float64Array;
  /** Splits handed to the engine in bundle form → the original feature's split. */
  readonly #original = new WeakMap<SplitInfo, SplitInfo>();

  constructor(inner: LgbSplitRules, layout: EfbLayout, featureSlots: Uint32Array) {
    this.#inner = inner;
    this.#layout = layout;
    this.#featureSlots = featureSlots;
    this.#scratch = new Float64Array(2 * featureSlots[featureSlots.length - 1]!);
  }

  leafWeight(g: number, h: number, from?: SplitInfo): number {
    // A split in bundle form names the bundle's column: the rules judge the original feature's split.
    return this.#inner.leafWeight(g, h, from === undefined ? undefined : (this.#original.get(from) ?? from));
  }

  /**
   * LightGBM's FixHistogram on the unbundled features' columns of [from, to); a bundle's members get
   * their default bins rebuilt from the node's sums when read back (#expand).
   */
  fixHistogram(hist: Float64Array, base: number, g: number, h: number, from = 0, to?: number): void {
    const { members, matrix } = this.#layout;
    for (let c = from, e = to ?? members.length; c < e; c++) {
      const fs = members[c]!;
      if (fs.length === 1) this.#inner.fixFeature(hist, base + 2 * matrix.slotOffsets[c]!, fs[0]!, g, h);
    }
  }

  acceptable(s: SplitInfo): boolean {
    return this.#inner.acceptable(s);
  }

  findSplit(
    hist: Float64Array,
    base: number,
    g: number,
    h: number,
    count: number,
    allowed: Uint8Array,
    out: SplitInfo,
  ): void {
    this.#expand(hist, base, g, h);
    this.#inner.findSplit(this.#scratch, 0, g, h, count, allowed, out);
    this.#original.delete(out);
    const f = out.feature;
    if (f < 0) return;
    this.#original.set(out, { ...out });
    out.feature = this.#layout.column[f]!;
    if (this.#layout.offset[f]! >= 0) out.cats = this.#leftCodes(f, out.bin, out.defaultLeft);
  }

  /** Gives every split node of `t` its original feature's split back (bundle form → feature form). */
  restore(t: GrownTree): void {
    for (let nid = 0; nid < t.left.length; nid++) {
      const s = t.best[nid]!;
      const orig = this.#original.get(s);
      if (orig !== undefined) Object.assign(s, orig);
    }
  }

  /** The per-feature histogram of a node from its bundled one. */
  #expand(hist: Float64Array, base: number, g: number, h: number): void {
    const { members, offset, defaultCode, codes, matrix } = this.#layout;
    const out = this.#scratch;
    const slots = this.#featureSlots;
    out.fill(0);
    for (let c = 0; c < members.length; c++) {
      const fs = members[c]!;
      const from = base + 2 * matrix.slotOffsets[c]!;
      if (fs.length === 1) {
        const f = fs[0]!;
        out.set(hist.subarray(from, from + 2 * codes[f]!), 2 * slots[f]!);
        continue;
      }
      for (const f of fs) {
        const to = 2 * slots[f]!;
        const d = defaultCode[f]!;
        const at = from + 2 * offset[f]!;
        let sg = 0;
        let sh = 0;
        for (let j = 0; j < codes[f]! - 1; j++) {
          const bg = hist[at + 2 * j]!;
          const bh = hist[at + 2 * j + 1]!;
          const b = j < d ? j : j + 1;
          out[to + 2 * b] = bg;
          out[to + 2 * b + 1] = bh;
          sg += bg;
          sh += bh;
        }
        out[to + 2 * d] = g - sg;
        out[to + 2 * d + 1] = h - sh;
      }
    }
  }

  /** Bundle codes whose rows go left under feature f's split (bin, defaultLeft). */
  #leftCodes(f: number, bin: number, defaultLeft: boolean): number[] {
    const { offset, defaultCode, codes, matrix, column } = this.#layout;
    const miss = codes[f]! - 1;
    const d = defaultCode[f]!;
    const left = (b: number): boolean => (b === miss ? defaultLeft : b <= bin);
    const size = matrix.missingCode[column[f]!]!;
    const lo = offset[f]!;
    const hi = lo + codes[f]! - 1;
    const out: number[] = [];
    for (let x = 0; x < size; x++) {
      const b = x >= lo && x < hi ? (x - lo < d ? x - lo : x - lo + 1) : d;
      if (left(b)) out.push(x);
    }
    return out;
  }
}
