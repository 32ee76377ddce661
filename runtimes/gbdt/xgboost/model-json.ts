/**
 * XGBoost 1.7's JSON model format (doc/model.schema of v1.7.4): `toXgboostJson` writes a document
 * that `xgboost.Booster(model_file=...)` 1.7 loads and predicts with identically; `fromXgboostJson`
 * (model-json-read.ts) reads it back, and reads models saved by XGBoost itself.
 *
 * Mapping of the fields XGBoost has no slot for: `params` travel as `learner.attributes` (strings),
 * next to `best_iteration` / `best_ntree_limit` when early stopping set them.
 */
import { DtrainError } from '../../../configs/errors.js';
import { float32Array } from './model-float32.js';
import type { GbdtModel, ObjectiveName, Tree } from '../core/index.js';

import { EARLY_STOP_ATTRIBUTES } from './model-json-read.js';

export { fromXgboostJson } from './model-json-read.js';

const str = (s: string): string => JSON.stringify(s);
const ints = (a: ArrayLike<number>): string => `[${Array.from(a).join(',')}]`;

function stringMap(entries: readonly (readonly [string, string])[]): string {
  return `{${entries.map(([k, v]) => `${str(k)}:${str(v)}`).join(',')}}`;
}

function objectiveJson(objective: ObjectiveName, numClass: number, params: GbdtModel['params']): string {
  switch (objective) {
    case 'multi:softprob':
    case 'multi:softmax':
      return `{"name":${str(objective)},"softmax_multiclass_param":${stringMap([['num_class', String(numClass)]])}}`;
    case 'count:poisson': {
      const mds = params['max_delta_step'] ?? '0.7';
      return `{"name":${str(objective)},"poisson_regression_param":${stringMap([['max_delta_step', mds]])}}`;
    }
    default: {
      const spw = params['scale_pos_weight'] ?? '1';
      return `{"name":${str(objective)},"reg_loss_param":${stringMap([['scale_pos_weight', spw]])}}`;
    }
  }
}

function treeJson(tree: Tree, id: number, numFeature: number): string {
  const n = tree.leftChildren.length;
  for (const [field, values] of [
    ['split_conditions', tree.splitConditions],
    ['base_weights', tree.baseWeights],
    ['loss_changes', tree.lossChanges],
    ['sum_hessian', tree.sumHessian],
  ] as const) {
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (values.length !== n || bad >= 0)
      throw new DtrainError('E_MODEL_EXPORT', `tree ${id}: ${field} has a non-finite value or wrong length`, {
        category: 'internal',
        detail: bad >= 0 ? `node ${bad} is ${values[bad]}` : `${values.length} values for ${n} nodes`,
      });
  }
  const param = stringMap([
    ['num_deleted', '0'],
    ['num_feature', String(numFeature)],
    ['num_nodes', String(n)],
    ['size_leaf_vector', '0'],
  ]);
  return (
    `{"base_weights":${float32Array(tree.baseWeights)},` +
    `"default_left":${ints(tree.defaultLeft)},"id":${id},` +
    `"left_children":${ints(tree.leftChildren)},"loss_changes":${float32Array(tree.lossChanges)},` +
    `"parents":${ints(tree.parents)},"right_children":${ints(tree.rightChildren)},` +
    `"split_conditions":${float32Array(tree.splitConditions)},"split_indices":${ints(tree.splitIndices)},` +
    `"sum_hessian":${float32Array(tree.sumHessian)},"tree_param":${param}}`
  );
}

/** The model as an XGBoost 1.7 JSON document (one line). Throws E_MODEL for NaN/∞ in a tree. */
export function toXgboostJson(model: GbdtModel): string {
  const attributes: [string, string][] = Object.entries(model.params).filter(
    ([k]) => !EARLY_STOP_ATTRIBUTES.includes(k),
  );
  if (model.bestIteration !== undefined) {
    attributes.push(['best_iteration', String(model.bestIteration)]);
    attributes.push(['best_ntree_limit', String(model.bestIteration + 1)]);
  }
  if (!Number.isFinite(model.baseScore))
    throw new DtrainError('E_MODEL_EXPORT', `base_score is ${model.baseScore}`, { category: 'internal' });
  const names =
    model.featureNames === undefined
      ? ''
      : `"feature_names":${JSON.stringify(model.featureNames)},` +
        `"feature_types":${JSON.stringify(model.featureNames.map(() => 'float'))},`;
  const learnerParam = stringMap([
    ['base_score', String(model.baseScore)],
    ['boost_from_average', '1'],
    ['num_class', String(model.numClass)],
    ['num_feature', String(model.numFeature)],
    ['num_target', '1'],
  ]);
  const gbtreeParam = stringMap([
    ['num_parallel_tree', '1'],
    ['num_trees', String(model.trees.length)],
    ['size_leaf_vector', '0'],
  ]);
  const trees = model.trees.map((t, i) => treeJson(t, i, model.numFeature)).join(',');
  return (
    `{"learner":{"attributes":${stringMap(attributes)},${names}` +
    `"gradient_booster":{"model":{"gbtree_model_param":${gbtreeParam},` +
    `"tree_info":${ints(model.treeInfo)},"trees":[${trees}]},"name":"gbtree"},` +
    `"learner_model_param":${learnerParam},` +
    `"objective":${objectiveJson(model.objective, model.numClass, model.params)}},"version":[1,7,4]}`
  );
}
