/**
 * Small real data sets as CSV files (`label` first, then the features), written once per test file by
 * python: scikit-learn's breast_cancer (binary), diabetes (regression), wine and digits (multiclass),
 * `odd`, a generated binary set with the values users' files hold (NaN, ±inf, ±1e30, a constant
 * column, an all-NaN column, a categorical column), and Fashion-MNIST pixels as a table.
 *
 * Per set: `NAME.csv`, every row with each value written as the exact decimal of its float32 (so
 * dtrain, which keeps features in float32, and the real libraries, which read doubles, see the same
 * numbers: tree-for-tree tests compare thresholds exactly), and `NAME-train.csv` / `NAME-test.csv`, a
 * 75/25 split (numpy seed 7) with the values as the source has them (what a user's file holds).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FASHION_DIR } from './fashion-mnist.js';
import { runPython } from './xgboost-py.js';

/** LightGBM CLI settings to read these files (header, the `label` column) and train reproducibly. */
export const LGB_CSV = { header: 'true', label_column: 'name:label', deterministic: 'true' } as const;

export type SetTask = 'binary' | 'regression' | 'multiclass';

export interface RealSet {
  readonly name: string;
  readonly task: SetTask;
  /** Classes for multiclass, else 1. */
  readonly classes: number;
  readonly rows: number;
  readonly cols: number;
  /** Feature names that are categorical (LightGBM `categorical_feature`). */
  readonly categorical: readonly string[];
  readonly all: string;
  readonly train: string;
  readonly test: string;
}

const SCRIPT = `
import gzip, numpy as np
from sklearn import datasets
out = inp['dir']
sets = {}
for name, task in [('breast_cancer', 'binary'), ('diabetes', 'regression'), ('wine', 'multiclass'), ('digits', 'multiclass')]:
    b = getattr(datasets, 'load_' + name)()
    sets[name] = (task, b.data.astype(np.float64), b.target.astype(np.float64), [])

# odd: x0 normal with 10 % NaN; x1 uniform with 4 % +inf and 4 % -inf; x2 lognormal with 5 % 1e30 and
# 3 % -1e30; x3 constant; x4 all NaN; cat an integer category 0..11 (5 % NaN); x6 normal.
rng = np.random.default_rng(3)
n = 3000
x0 = rng.normal(size=n); x0[rng.random(n) < 0.1] = np.nan
x1 = rng.uniform(-1, 1, size=n); u = rng.random(n); x1[u < 0.04] = np.inf; x1[(u >= 0.04) & (u < 0.08)] = -np.inf
x2 = rng.lognormal(size=n); u = rng.random(n); x2[u < 0.05] = 1e30; x2[(u >= 0.05) & (u < 0.08)] = -1e30
x3 = np.full(n, 1.5)
x4 = np.full(n, np.nan)
cat = rng.integers(0, 12, size=n).astype(np.float64); cat[rng.random(n) < 0.05] = np.nan
x6 = rng.normal(size=n)
s = (np.where(np.isnan(x0), 0.7, np.sin(2 * np.nan_to_num(x0))) + np.clip(x1, -2, 2) * 0.8
     + np.where(x2 > 1e29, 1.0, np.where(x2 < -1e29, -1.0, 0.3 * np.log(np.abs(x2) + 1e-9)))
     + np.where(np.isin(cat, [1, 4, 7, 9]), 0.9, -0.3) + 0.5 * x6 + rng.normal(scale=0.7, size=n))
y = (s > np.median(s)).astype(np.float64)
sets['odd'] = ('binary', np.column_stack([x0, x1, x2, x3, x4, cat, x6]), y, ['cat'])
odd_names = ['x0', 'x1', 'x2', 'x3', 'x4', 'cat', 'x6']

def idx(path):
    with gzip.open(path) as f:
        b = f.read()
    nd = b[3]
    dims = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], 'big') for i in range(nd)]
    return np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)

if inp['fashion'] > 0:
    fm = inp['fashion_dir']
    n = inp['fashion']
    X = idx(fm + '/train-images-idx3-ubyte.gz')[:n].reshape(n, -1).astype(np.float64)
    Y = idx(fm + '/train-labels-idx1-ubyte.gz')[:n].astype(np.float64)
    # Scored on 5,000 of the separate test images: on a 25 % split of n rows one image is worth
    # 0.2 points, as much as 0.4 of the 0.5-point tolerance at n = 2,000.
    t = 5000
    Xt = idx(fm + '/t10k-images-idx3-ubyte.gz')[:t].reshape(t, -1).astype(np.float64)
    Yt = idx(fm + '/t10k-labels-idx1-ubyte.gz')[:t].astype(np.float64)
    sets['fashion'] = ('multiclass', X, Y, [], (Xt, Yt))

def cell(v, exact):
    if np.isnan(v): return ''
    if np.isinf(v): return 'inf' if v > 0 else '-inf'
    return repr(float(np.float32(v))) if exact else repr(float(v))

def write(path, X, Y, names, exact):
    with open(path, 'w') as f:
        f.write(','.join(['label'] + names) + '\\n')
        for x, yv in zip(X, Y):
            f.write(','.join([cell(yv, exact)] + [cell(v, exact) for v in x]) + '\\n')

meta = []
for name, (task, X, Y, cats, *held_out) in sets.items():
    names = odd_names if name == 'odd' else ['f%d' % i for i in range(X.shape[1])]
    write(out + '/' + name + '.csv', X, Y, names, True)
    order = np.random.default_rng(7).permutation(len(Y))
    cut = (len(Y) * 3) // 4
    write(out + '/' + name + '-train.csv', X[order[:cut]], Y[order[:cut]], names, False)
    Xt, Yt = held_out[0] if held_out else (X[order[cut:]], Y[order[cut:]])
    write(out + '/' + name + '-test.csv', Xt, Yt, names, False)
    classes = int(Y.max()) + 1 if task == 'multiclass' else 1
    meta.append({'name': name, 'task': task, 'classes': classes, 'rows': int(len(Y)), 'cols': int(X.shape[1]), 'categorical': cats})
emit(meta)
`;

/**
 * Writes the sets into `dir` (a few hundred ms; Fashion-MNIST only when `fashionRows` > 0 and it is
 * installed) and describes them.
 */
export function writeRealSets(dir: string, fashionRows = 0): Map<string, RealSet> {
  const fashion =
    fashionRows > 0 && existsSync(join(FASHION_DIR, 'train-images-idx3-ubyte.gz')) ? fashionRows : 0;
  const meta = runPython<Omit<RealSet, 'all' | 'train' | 'test'>[]>(SCRIPT, {
    dir,
    fashion,
    fashion_dir: FASHION_DIR,
  });
  return new Map(
    meta.map((m) => [
      m.name,
      {
        ...m,
        all: join(dir, `${m.name}.csv`),
        train: join(dir, `${m.name}-train.csv`),
        test: join(dir, `${m.name}-test.csv`),
      },
    ]),
  );
}
