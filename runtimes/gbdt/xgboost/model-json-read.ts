/**
 * Reads XGBoost 1.7 JSON models: ours (model-json.ts) and those saved by XGBoost (`save_model`).
 * Only numerical gbtree models: dart, gblinear, categorical splits and forests (num_parallel_tree
 * > 1) are rejected with E_MODEL. Every problem names the JSON path of the offending field.
 */
import { DtrainError } from '../../../configs/errors.js';
import { type GbdtModel, type ObjectiveName, OBJECTIVES, type Tree } from '../core/index.js';

/** The attributes XGBoost's Python package reads for early stopping; not training parameters. */
export const EARLY_STOP_ATTRIBUTES: readonly string[] = ['best_iteration', 'best_ntree_limit'];

type Json = unknown;

function fail(path: string, what: string): never {
  throw new DtrainError('E_MODEL', `model JSON: ${path}: ${what}`, {
    category: 'config',
    detail: 'expected an XGBoost 1.7 JSON model (Booster.save_model("m.json") or dtrain train)',
  });
}

function obj(v: Json, path: string): Record<string, Json> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'expected an object');
  return v as Record<string, Json>;
}

function text(v: Json, path: string): string {
  if (typeof v !== 'string') fail(path, `expected a string, got ${JSON.stringify(v)}`);
  return v;
}

/** XGBoost writes integer parameters as strings ("3"); accept numbers too. */
function integer(v: Json, path: string): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n))
    fail(path, `expected an integer, got ${JSON.stringify(v)}`);
  return n;
}

function numbers(v: Json, path: string, length: number): number[] {
  if (!Array.isArray(v) || v.length !== length) fail(path, `expected an array of ${length} numbers`);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x === 'boolean') v[i] = x ? 1 : 0;
    else if (typeof x !== 'number') fail(`${path}[${i}]`, `expected a number, got ${JSON.stringify(x)}`);
  }
  return v as number[];
}

function readTree(v: Json, path: string, numFeature: number): Tree {
  const t = obj(v, path);
  const n = integer(obj(t['tree_param'], `${path}.tree_param`)['num_nodes'], `${path}.tree_param.num_nodes`);
  if (n < 1) fail(`${path}.tree_param.num_nodes`, 'a tree needs at least one node');
  const field = (name: string): number[] => numbers(t[name], `${path}.${name}`, n);
  const tree: Tree = {
    leftChildren: Int32Array.from(field('left_children')),
    rightChildren: Int32Array.from(field('right_children')),
    parents: Int32Array.from(field('parents')),
    splitIndices: Int32Array.from(field('split_indices')),
    splitConditions: Float32Array.from(field('split_conditions')),
    defaultLeft: Uint8Array.from(field('default_left')),
    baseWeights: Float32Array.from(field('base_weights')),
    lossChanges: Float32Array.from(field('loss_changes')),
    sumHessian: Float32Array.from(field('sum_hessian')),
  };
  const splitType = t['split_type'];
  if (Array.isArray(splitType) && splitType.some((s) => s !== 0))
    fail(`${path}.split_type`, 'categorical splits are not supported');
  for (let i = 0; i < n; i++) {
    const l = tree.leftChildren[i]!;
    const r = tree.rightChildren[i]!;
    if (l === -1 && r === -1) continue;
    if (!(l > i && l < n && r > i && r < n))
      fail(`${path}.left_children[${i}]`, `node ${i} has children ${l}, ${r} outside (${i}, ${n})`);
    const f = tree.splitIndices[i]!;
    if (!(f >= 0 && f < numFeature))
      fail(`${path}.split_indices[${i}]`, `feature ${f} is outside num_feature ${numFeature}`);
  }
  return tree;
}

/**
 * Parses an XGBoost 1.7 JSON model. Throws DtrainError E_MODEL (category config) naming the field
 * when the text is not such a model or uses features dtrain does not implement.
 */
export function fromXgboostJson(source: string): GbdtModel {
  let root: Json;
  try {
    root = JSON.parse(source);
  } catch (error) {
    throw new DtrainError('E_MODEL', 'model JSON: not valid JSON', {
      category: 'config',
      detail: error instanceof Error ? error.message : String(error),
      cause: error,
    });
  }
  const learner = obj(obj(root, '$')['learner'], 'learner');
  const mp = obj(learner['learner_model_param'], 'learner.learner_model_param');
  const baseScore = Number(text(mp['base_score'], 'learner.learner_model_param.base_score'));
  if (!Number.isFinite(baseScore)) fail('learner.learner_model_param.base_score', 'not a number');
  const numFeature = integer(mp['num_feature'], 'learner.learner_model_param.num_feature');
  const numClass = integer(mp['num_class'] ?? '0', 'learner.learner_model_param.num_class');
  const objective = text(obj(learner['objective'], 'learner.objective')['name'], 'learner.objective.name');
  if (!(OBJECTIVES as readonly string[]).includes(objective))
    fail('learner.objective.name', `objective "${objective}" is not supported (${OBJECTIVES.join(', ')})`);
  if (objective.startsWith('multi:') && numClass < 2)
    fail('learner.learner_model_param.num_class', `${objective} needs num_class ≥ 2, got ${numClass}`);

  const booster = obj(learner['gradient_booster'], 'learner.gradient_booster');
  const boosterName = text(booster['name'], 'learner.gradient_booster.name');
  if (boosterName !== 'gbtree')
    fail('learner.gradient_booster.name', `booster "${boosterName}" is not supported`);
  const model = obj(booster['model'], 'learner.gradient_booster.model');
  const gp = obj(model['gbtree_model_param'], 'learner.gradient_booster.model.gbtree_model_param');
  const numTrees = integer(gp['num_trees'], 'gbtree_model_param.num_trees');
  if (integer(gp['num_parallel_tree'] ?? '1', 'gbtree_model_param.num_parallel_tree') !== 1)
    fail('gbtree_model_param.num_parallel_tree', 'forests (num_parallel_tree > 1) are not supported');
  const outputs = objective.startsWith('multi:') ? numClass : 1;
  const treeInfo = numbers(model['tree_info'], 'learner.gradient_booster.model.tree_info', numTrees);
  treeInfo.forEach((g, i) => {
    if (!(Number.isInteger(g) && g >= 0 && g < outputs))
      fail(`learner.gradient_booster.model.tree_info[${i}]`, `group ${g} is outside [0, ${outputs})`);
  });
  const treesJson = model['trees'];
  if (!Array.isArray(treesJson) || treesJson.length !== numTrees)
    fail('learner.gradient_booster.model.trees', `expected an array of ${numTrees} trees`);
  // Trees are placed by their `id`, as XGBoost's loader does.
  const trees: Tree[] = new Array(numTrees);
  treesJson.forEach((tj, i) => {
    const path = `learner.gradient_booster.model.trees[${i}]`;
    const id = integer(obj(tj, path)['id'] ?? i, `${path}.id`);
    if (!(id >= 0 && id < numTrees) || trees[id] !== undefined)
      fail(`${path}.id`, `bad or repeated id ${id}`);
    trees[id] = readTree(tj, path, numFeature);
  });

  const attributes = obj(learner['attributes'] ?? {}, 'learner.attributes');
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(attributes))
    if (!EARLY_STOP_ATTRIBUTES.includes(k)) params[k] = text(v, `learner.attributes.${k}`);
  const best = attributes['best_iteration'];
  const names = learner['feature_names'];
  let featureNames: string[] | undefined;
  if (Array.isArray(names) && names.length > 0)
    featureNames = names.map((s, i) => text(s, `learner.feature_names[${i}]`));

  return {
    objective: objective as ObjectiveName,
    numFeature,
    numClass,
    baseScore,
    trees,
    treeInfo,
    featureNames,
    params,
    bestIteration: best === undefined ? undefined : integer(best, 'learner.attributes.best_iteration'),
  };
}
