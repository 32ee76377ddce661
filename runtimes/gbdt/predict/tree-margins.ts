/**
 * Adds one tree's leaf values to margins by walking raw float features with XGBoost's rule
 * (left iff x < threshold, NaN follows default_left). The trainer uses it for the validation set,
 * for training rows left out by subsampling, and to replay a model it resumes from.
 */
import { hasCategorical, lgbLeaf } from './lightgbm-decision.js';
import { flatTree } from './layout.js';
import { walkRows } from './tree-walk.js';
import type { Tree } from '../core/index.js';

/** margins[r·outputs + output] += leaf(tree, row r), for r in `rows` (all rows when undefined). */
export function addTreeMargins(
  tree: Tree,
  features: Float32Array,
  cols: number,
  margins: Float32Array | Float64Array,
  outputs: number,
  output: number,
  rowCount: number,
  rows?: Uint32Array,
): void {
  const n = rows ? rows.length : rowCount;
  // Double margins (the trainer's scores) take LightGBM's double leaf values where the tree has them.
  const exact = margins instanceof Float64Array ? tree.lgb?.leafValue : undefined;
  if (hasCategorical(tree) || exact !== undefined) {
    const cond = exact ?? tree.splitConditions;
    for (let i = 0; i < n; i++) {
      const r = rows ? rows[i]! : i;
      const j = r * outputs + output;
      margins[j] = margins[j]! + cond[lgbLeaf(tree, features, r * cols)]!;
    }
    return;
  }
  walkRows(flatTree(tree), features, cols, margins, outputs, output, 0, n, rows);
}
