/**
 * Depth-wise growth (XGBoost's default, `src/tree/updater_quantile_hist.cc` ExpandTree with the
 * depth-wise driver): all expandable nodes of a level are split as one batch, in node-id order, and
 * their children's histograms are built in one pass and one all-reduce.
 */
import type { NodeRows } from './partition.js';
import { TreeBuilder, type GrowEnv } from './tree-builder.js';

/** Grows one tree over the root's rows (partition.ts allRows / loadRows); leaves' rows end in ctx.rowIndex. */
export async function growDepthwise(env: GrowEnv, root: NodeRows): Promise<TreeBuilder> {
  const t = new TreeBuilder(env);
  await t.initRoot(root);
  let level = [0];
  while (level.length > 0) {
    const expandable: number[] = [];
    for (const nid of level) {
      if (!t.canSplit(nid)) {
        t.release(nid);
        continue;
      }
      t.applySplit(nid);
      if (t.childrenExpandable(t.depth[nid]! + 1)) expandable.push(nid);
      else t.release(nid);
    }
    t.partition();
    await t.expandChildren(expandable);
    level = expandable.flatMap((nid) => [t.left[nid]!, t.left[nid]! + 1]);
  }
  t.finish();
  return t;
}
