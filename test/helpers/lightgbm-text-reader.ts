/**
 * An independent reader and predictor for LightGBM's text model format, written from the format's
 * description (LightGBM's docs, `GBDT::LoadModelFromString`, `Tree::NumericalDecision` and
 * `Tree::CategoricalDecision`), sharing no code with runtimes/gbdt: tests parse our exports with it.
 * Deliberately plain: doubles everywhere, one row at a time, no layout conversion.
 */

export interface TextTree {
  readonly numLeaves: number;
  readonly splitFeature: number[];
  readonly threshold: number[];
  readonly decisionType: number[];
  readonly leftChild: number[];
  readonly rightChild: number[];
  readonly leafValue: number[];
  readonly catBoundaries: number[];
  readonly catThreshold: number[];
  /** Every key=value line of the block, in order. */
  readonly fields: [string, string][];
}

export interface TextModel {
  /** Header key=value lines in order (the first line `tree` excluded). */
  readonly header: [string, string][];
  readonly numClass: number;
  readonly treesPerIteration: number;
  readonly objective: string;
  readonly trees: TextTree[];
  /** Lines between `parameters:` and `end of parameters`. */
  readonly parameters: string[];
}

const nums = (s: string | undefined): number[] =>
  s === undefined || s.trim() === '' ? [] : s.trim().split(' ').map(Number);

function fieldsOf(lines: string[]): [string, string][] {
  return lines.map((l) => {
    const eq = l.indexOf('=');
    return eq < 0 ? [l, ''] : [l.slice(0, eq), l.slice(eq + 1)];
  });
}

/** Parses the text; throws on anything the format does not allow (incl. a wrong tree_sizes). */
export function readLightgbmText(text: string): TextModel {
  const lines = text.split('\n');
  if (lines[0] !== 'tree') throw new Error('first line is not "tree"');
  let i = 1;
  const headerLines: string[] = [];
  while (i < lines.length && !lines[i]!.startsWith('Tree=')) {
    if (lines[i] !== '') headerLines.push(lines[i]!);
    i++;
  }
  const header = fieldsOf(headerLines);
  const get = (k: string) => header.find(([key]) => key === k)?.[1];
  for (const k of ['num_class', 'label_index', 'max_feature_idx', 'feature_names', 'feature_infos'])
    if (get(k) === undefined) throw new Error(`header lacks ${k}`);
  const numFeatures = Number(get('max_feature_idx')) + 1;
  if (get('feature_names')!.split(' ').length !== numFeatures) throw new Error('feature_names count');
  if (get('feature_infos')!.split(' ').length !== numFeatures) throw new Error('feature_infos count');

  // tree_sizes count bytes, so offsets are taken in the UTF-8 encoding.
  const bytes = Buffer.from(text);
  const bytesAt = (at: number, s: string) => bytes.subarray(at, at + Buffer.byteLength(s)).toString() === s;
  const treesStart = Buffer.byteLength(lines.slice(0, i).join('\n')) + 1;
  const trees: TextTree[] = [];
  while (lines[i]?.startsWith('Tree=')) {
    if (lines[i] !== `Tree=${trees.length}`) throw new Error(`unexpected ${lines[i]}`);
    i++;
    const block: string[] = [];
    while (i < lines.length && lines[i] !== '') block.push(lines[i++]!);
    while (lines[i] === '') i++;
    const fields = fieldsOf(block);
    const f = (k: string) => fields.find(([key]) => key === k)?.[1];
    const numLeaves = Number(f('num_leaves'));
    const tree: TextTree = {
      numLeaves,
      splitFeature: nums(f('split_feature')),
      threshold: nums(f('threshold')),
      decisionType: nums(f('decision_type')),
      leftChild: nums(f('left_child')),
      rightChild: nums(f('right_child')),
      leafValue: nums(f('leaf_value')),
      catBoundaries: nums(f('cat_boundaries')),
      catThreshold: nums(f('cat_threshold')),
      fields,
    };
    if (tree.leafValue.length !== numLeaves || tree.leftChild.length !== numLeaves - 1)
      throw new Error(`Tree=${trees.length}: array lengths`);
    if (Number(f('num_cat')) !== Math.max(0, tree.catBoundaries.length - 1))
      throw new Error(`Tree=${trees.length}: num_cat`);
    trees.push(tree);
  }
  if (lines[i] !== 'end of trees') throw new Error(`expected "end of trees", got ${lines[i]}`);

  const sizes = get('tree_sizes');
  if (sizes !== undefined) {
    // LightGBM jumps to each tree by these byte offsets from the first `Tree=` line.
    let at = treesStart;
    nums(sizes).forEach((size, t) => {
      if (!bytesAt(at, `Tree=${t}\n`)) throw new Error(`tree_sizes: Tree=${t} not at ${at}`);
      at += size;
    });
    if (!bytesAt(at, 'end of trees\n')) throw new Error('tree_sizes: do not end at "end of trees"');
  }
  const p0 = lines.indexOf('parameters:');
  const p1 = lines.indexOf('end of parameters');
  const numClass = Number(get('num_class'));
  return {
    header,
    numClass,
    treesPerIteration: Number(get('num_tree_per_iteration') ?? numClass),
    objective: get('objective') ?? '',
    trees,
    parameters: p0 >= 0 && p1 > p0 ? lines.slice(p0 + 1, p1).filter((l) => l !== '') : [],
  };
}

const K_ZERO = Math.fround(1e-35);

function nextNode(t: TextTree, node: number, x: number): number {
  const type = t.decisionType[node] ?? 0;
  if (type & 1) {
    // Categorical: NaN and negatives go right; else int(x) in the node's bitset goes left.
    if (Number.isNaN(x) || Math.trunc(x) < 0) return t.rightChild[node]!;
    const c = Math.trunc(x);
    const k = t.threshold[node]!;
    const from = t.catBoundaries[k]!;
    const words = t.catBoundaries[k + 1]! - from;
    const inSet = c < 32 * words && ((t.catThreshold[from + (c >> 5)]! >>> (c & 31)) & 1) === 1;
    return inSet ? t.leftChild[node]! : t.rightChild[node]!;
  }
  const missing = (type >> 2) & 3;
  let v = x;
  if (Number.isNaN(v) && missing !== 2) v = 0;
  if ((missing === 1 && Math.abs(v) <= K_ZERO) || (missing === 2 && Number.isNaN(v)))
    return type & 2 ? t.leftChild[node]! : t.rightChild[node]!;
  return v <= t.threshold[node]! ? t.leftChild[node]! : t.rightChild[node]!;
}

/** The raw score of one row: per output, the sum of its trees' leaves (tree i → output i mod K). */
export function rawScore(model: TextModel, row: ArrayLike<number>): number[] {
  const out = new Array<number>(model.treesPerIteration).fill(0);
  model.trees.forEach((t, i) => {
    let leaf = 0;
    if (t.numLeaves > 1) {
      let node = 0;
      while (node >= 0) node = nextNode(t, node, row[t.splitFeature[node]!]!);
      leaf = ~node;
    }
    out[i % model.treesPerIteration]! += t.leafValue[leaf]!;
  });
  return out;
}

/** The prediction LightGBM's `predict` returns: the objective's transform of the raw score. */
export function predictRow(model: TextModel, row: ArrayLike<number>): number[] {
  const raw = rawScore(model, row);
  const [name, ...args] = model.objective.split(' ');
  const sigmoid = Number(args.find((a) => a.startsWith('sigmoid:'))?.slice(8) ?? '1');
  switch (name) {
    case 'binary':
    case 'multiclassova':
      return raw.map((r) => 1 / (1 + Math.exp(-sigmoid * r)));
    case 'multiclass': {
      const max = Math.max(...raw);
      const e = raw.map((r) => Math.exp(r - max));
      const sum = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / sum);
    }
    case 'poisson':
      return raw.map(Math.exp);
    default:
      return raw;
  }
}
