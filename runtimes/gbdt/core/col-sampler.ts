/**
 * colsample_bytree / bylevel / bynode as XGBoost nests them: the tree's set is sampled from all
 * features, each level's from the tree's, each node's from its level's; each keeps
 * max(1, ⌊fraction × size⌋) features. Masks are Uint8Arrays (1 = allowed).
 */
import { Rng } from '../../random/index.js';

export class ColumnSampler {
  readonly #numFeature: number;
  readonly #byTree: number;
  readonly #byLevel: number;
  readonly #byNode: number;
  #rng = new Rng(0);
  #tree: number[] = [];
  readonly #levels = new Map<number, number[]>();
  readonly #mask: Uint8Array;
  readonly #all: Uint8Array;

  constructor(numFeature: number, byTree: number, byLevel: number, byNode: number) {
    this.#numFeature = numFeature;
    this.#byTree = byTree;
    this.#byLevel = byLevel;
    this.#byNode = byNode;
    this.#mask = new Uint8Array(numFeature);
    this.#all = new Uint8Array(numFeature).fill(1);
  }

  /** Starts a tree; `keys` seed its draws (the same on every rank). */
  startTree(...keys: number[]): void {
    this.#rng = new Rng(...keys);
    this.#levels.clear();
    const all = Array.from({ length: this.#numFeature }, (_, i) => i);
    this.#tree = this.#sample(all, this.#byTree);
  }

  /** The allowed-feature mask of a node at `depth` (valid until the next call). */
  nodeMask(depth: number): Uint8Array {
    if (this.#byTree === 1 && this.#byLevel === 1 && this.#byNode === 1) return this.#all;
    let level = this.#levels.get(depth);
    if (level === undefined) {
      level = this.#sample(this.#tree, this.#byLevel);
      this.#levels.set(depth, level);
    }
    const node = this.#sample(level, this.#byNode);
    this.#mask.fill(0);
    for (const f of node) this.#mask[f] = 1;
    return this.#mask;
  }

  #sample(from: readonly number[], fraction: number): number[] {
    if (fraction >= 1) return from.slice();
    const n = Math.max(1, Math.floor(fraction * from.length));
    const pool = from.slice();
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.#rng.next() * (pool.length - i));
      const t = pool[i]!;
      pool[i] = pool[j]!;
      pool[j] = t;
    }
    return pool.slice(0, n).sort((a, b) => a - b);
  }
}
