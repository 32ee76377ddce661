/**
 * Loss-guided growth (XGBoost `grow_policy=lossguide`): always split the open leaf with the largest
 * loss change (ties: lower node id), one at a time, until max_leaves, max_depth (0 = unlimited) or no
 * valid split remains. Like XGBoost's driver, growth stops when the best leaf cannot be split.
 */
import type { NodeRows } from './partition.js';
import { TreeBuilder, type GrowEnv } from './tree-builder.js';

/** Grows one tree over the root's rows (partition.ts allRows / loadRows); leaves' rows end in ctx.rowIndex. */
export async function growLossguide(env: GrowEnv, root: NodeRows): Promise<TreeBuilder> {
  const t = new TreeBuilder(env);
  await t.initRoot(root);
  const open = [0];
  while (open.length > 0) {
    let bi = 0;
    for (let i = 1; i < open.length; i++) {
      const a = t.best[open[i]!]!.gain;
      const b = t.best[open[bi]!]!.gain;
      if (a > b || (a === b && open[i]! < open[bi]!)) bi = i;
    }
    const nid = open[bi]!;
    open.splice(bi, 1);
    if (!t.canSplit(nid)) {
      // Out of `open` already: its histogram slot goes back here, or the fixed pool runs dry
      // one slot per tree and later trees are stumps.
      t.release(nid);
      break;
    }
    t.applySplit(nid);
    t.partition();
    if (t.childrenExpandable(t.depth[nid]! + 1)) {
      await t.expandChildren([nid]);
      open.push(t.left[nid]!, t.left[nid]! + 1);
    } else t.release(nid);
  }
  for (const nid of open) t.release(nid);
  await t.globalLeafCounts();
  t.finish();
  return t;
}
