/**
 * Walking a LightGBM-flavoured tree that has categorical splits (include/LightGBM/tree.h
 * `CategoricalDecision`): NaN or a negative value goes right, otherwise int(x) in the node's category
 * bitset goes left. Numerical nodes use the Tree's XGBoost-style rule (see LgbTreeFields), which gives
 * LightGBM's `x <= threshold` for float32 inputs. Trees without categorical splits never come here.
 */
import type { Tree } from '../core/index.js';

/** Whether `tree` needs `lgbLeaf` (it has a categorical split). */
export function hasCategorical(tree: Tree): boolean {
  return tree.lgb !== undefined && tree.lgb.catBoundaries.length > 1;
}

/** The leaf node the row at features[base …] reaches. */
export function lgbLeaf(tree: Tree, features: Float32Array, base: number): number {
  const { leftChildren: left, rightChildren: right, splitIndices, splitConditions, defaultLeft } = tree;
  const lgb = tree.lgb!;
  let node = 0;
  for (let l = left[0]!; l !== -1; l = left[node]!) {
    const x = features[base + splitIndices[node]!]!;
    if ((lgb.decisionType[node]! & 1) === 1) {
      let goLeft = false;
      if (x >= 0) {
        const v = Math.trunc(x);
        const k = lgb.threshold[node]!;
        const lo = lgb.catBoundaries[k]!;
        const word = lo + (v >>> 5);
        goLeft = word < lgb.catBoundaries[k + 1]! && ((lgb.catThreshold[word]! >>> (v & 31)) & 1) === 1;
      }
      node = goLeft ? l : right[node]!;
    } else if (Number.isNaN(x)) node = defaultLeft[node] ? l : right[node]!;
    else node = x < splitConditions[node]! ? l : right[node]!;
  }
  return node;
}
