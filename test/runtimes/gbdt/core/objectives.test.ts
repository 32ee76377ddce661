import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DtrainError } from '../../../../configs/errors.js';
import { objectiveFor } from '../../../../runtimes/gbdt/core/objectives.js';
import { jsonFloats, needXgboost, runPython } from '../../../helpers/xgboost-py.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

function grads(name: string, k: number, margins: number[], labels: number[], opts = {}) {
  const obj = objectiveFor(name, k, opts);
  const g = new Float32Array(margins.length);
  const h = new Float32Array(margins.length);
  obj.gradients(Float32Array.from(margins), Float32Array.from(labels), undefined, g, h);
  return { g: Array.from(g), h: Array.from(h) };
}

// Losses of one row as a function of its margin(s), for finite differences.
const LOSSES: Record<string, (m: number[], y: number) => number> = {
  'reg:squarederror': (m, y) => 0.5 * (m[0]! - y) ** 2,
  'binary:logistic': (m, y) => Math.log1p(Math.exp(m[0]!)) - y * m[0]!,
  'count:poisson': (m, y) => Math.exp(m[0]!) - y * m[0]!,
  'multi:softprob': (m, y) => Math.log(m.reduce((s, v) => s + Math.exp(v), 0)) - m[y]!,
};

test('gradients are the derivatives of the loss (central differences)', () => {
  const rand = rng(7);
  const eps = 1e-4;
  for (const [name, loss] of Object.entries(LOSSES)) {
    const k = name.startsWith('multi') ? 3 : 1;
    for (let trial = 0; trial < 20; trial++) {
      const m = Array.from({ length: k }, () => rand() * 4 - 2);
      const y =
        name === 'count:poisson'
          ? Math.floor(rand() * 5)
          : name === 'reg:squarederror'
            ? rand() * 3
            : Math.floor(rand() * (k === 1 ? 2 : k));
      const { g, h } = grads(name, k, m, [y], { maxDeltaStep: 0 });
      for (let j = 0; j < k; j++) {
        const up = [...m];
        const down = [...m];
        up[j]! += eps;
        down[j]! -= eps;
        close(g[j]!, (loss(up, y) - loss(down, y)) / (2 * eps), 1e-5, `${name} grad`);
        const d2 = (loss(up, y) - 2 * loss(m, y) + loss(down, y)) / eps ** 2;
        // XGBoost's softmax hessian is 2·p(1−p), twice the true diagonal.
        close(h[j]!, k > 1 ? 2 * d2 : d2, 1e-3, `${name} hess`);
      }
    }
  }
});

test('hand values: logistic, scale_pos_weight, poisson max_delta_step, softmax', () => {
  assert.deepEqual(grads('binary:logistic', 0, [0, 0], [1, 0]), { g: [-0.5, 0.5], h: [0.25, 0.25] });
  assert.deepEqual(grads('binary:logistic', 0, [0, 0], [1, 0], { scalePosWeight: 3 }), {
    g: [-1.5, 0.5],
    h: [0.75, 0.25],
  });
  assert.deepEqual(grads('binary:logistic', 0, [80], [1]).h, [Math.fround(1e-16)]);
  const p = grads('count:poisson', 0, [Math.log(2)], [5]);
  close(p.g[0]!, -3, 1e-6, 'poisson grad');
  close(p.h[0]!, 2 * Math.exp(0.7), 1e-6, 'poisson hess with default max_delta_step 0.7');
  const s = grads('multi:softmax', 3, [0, 0, 0], [2]);
  for (let j = 0; j < 3; j++) {
    close(s.g[j]!, j === 2 ? -2 / 3 : 1 / 3, 1e-7, 'softmax grad');
    close(s.h[j]!, 4 / 9, 1e-7, 'softmax hess');
  }
  const w = new Float32Array(2);
  const h = new Float32Array(2);
  objectiveFor('reg:squarederror', 0).gradients(
    Float32Array.of(1, 1),
    Float32Array.of(0, 3),
    Float32Array.of(2, 0.5),
    w,
    h,
  );
  assert.deepEqual(
    [Array.from(w), Array.from(h)],
    [
      [2, -1],
      [2, 0.5],
    ],
  );
});

test('base margins and transforms', () => {
  close(objectiveFor('binary:logistic', 0).marginOf(0.8), Math.log(4), 1e-12, 'logit');
  assert.equal(objectiveFor('binary:logistic', 0).marginOf(0.5), 0);
  assert.equal(objectiveFor('reg:squarederror', 0).marginOf(0.5), 0.5);
  close(objectiveFor('count:poisson', 0).marginOf(0.5), Math.log(0.5), 1e-12, 'log');
  assert.equal(objectiveFor('multi:softprob', 3).marginOf(0.5), 0.5);
  assert.deepEqual(objectiveFor('binary:logistic', 0).transform(Float32Array.of(0), 1), Float32Array.of(0.5));
  const sm = objectiveFor('multi:softprob', 2).transform(Float32Array.of(0, 0, 1000, 0), 2);
  assert.deepEqual(Array.from(sm), [0.5, 0.5, 1, 0]);
  assert.equal(objectiveFor('multi:softmax', 3).outputs, 3);
  assert.equal(objectiveFor('count:poisson', 0).defaultMetric, 'poisson-nloglik');
});

function thrown(fn: () => unknown): DtrainError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof DtrainError);
    return error;
  }
  assert.fail('expected a DtrainError');
}

test('labels outside the domain are E_LABEL config errors naming the row', () => {
  const cases: [string, number, number, string][] = [
    ['binary:logistic', 0, 2, 'binary:logistic: label 2 at row 1 is outside [0, 1]'],
    ['reg:logistic', 0, -0.5, 'reg:logistic: label -0.5 at row 1 is outside [0, 1]'],
    ['count:poisson', 0, -1, 'count:poisson: label -1 at row 1 is outside [0, ∞)'],
    ['multi:softprob', 3, 3, 'multi:softprob: label 3 at row 1 is outside the integers [0, 3) (num_class 3)'],
    [
      'multi:softmax',
      3,
      1.5,
      'multi:softmax: label 1.5 at row 1 is outside the integers [0, 3) (num_class 3)',
    ],
    ['binary:logistic', 0, Number.NaN, 'binary:logistic: label NaN at row 1 is outside [0, 1]'],
  ];
  for (const [name, k, bad, message] of cases) {
    const e = thrown(() => grads(name, k, new Array(2 * Math.max(k, 1)).fill(0), [0, bad]));
    assert.deepEqual([e.code, e.category, e.message], ['E_LABEL', 'config', message]);
  }
});

test('unknown objectives and bad num_class are E_PARAM', () => {
  const e = thrown(() => objectiveFor('binary:logitic', 0));
  assert.equal(e.code, 'E_PARAM');
  assert.equal(
    e.message,
    'params.objective: unknown objective "binary:logitic" (did you mean "binary:logistic"? supported: ' +
      'reg:squarederror, reg:logistic, binary:logistic, multi:softprob, multi:softmax, count:poisson)',
  );
  assert.equal(thrown(() => objectiveFor('multi:softprob', 1)).code, 'E_PARAM');
  assert.equal(thrown(() => objectiveFor('binary:logistic', 0).marginOf(1)).code, 'E_PARAM');
});

test('one-leaf trees from these gradients equal XGBoost 1.7 leaves (weighted)', (t) => {
  if (!needXgboost(t)) return;
  const rand = rng(11);
  const n = 64;
  const w = Float32Array.from({ length: n }, () => 0.5 + rand());
  const cases: [string, number, () => number, Record<string, number>][] = [
    ['binary:logistic', 1, () => (rand() < 0.3 ? 1 : 0), { scale_pos_weight: 2.5 }],
    // XGBoost 1.7 applies scale_pos_weight to label-1 rows of every reg_loss objective.
    ['reg:squarederror', 1, () => Math.floor(rand() * 3), { scale_pos_weight: 2 }],
    ['count:poisson', 1, () => Math.floor(rand() * 6), { max_delta_step: 3 }],
    ['multi:softprob', 3, () => Math.floor(rand() * 3), { num_class: 3 }],
  ];
  for (const [name, k, label, params] of cases) {
    const y = Float32Array.from({ length: n }, label);
    const obj = objectiveFor(name, k, {
      scalePosWeight: params['scale_pos_weight'] ?? 1,
      maxDeltaStep: params['max_delta_step'] ?? 0.7,
    });
    const g = new Float32Array(n * k);
    const h = new Float32Array(n * k);
    obj.gradients(new Float32Array(n * k).fill(obj.marginOf(0.5)), y, w, g, h);
    const ours = Array.from({ length: k }, (_, j) => {
      let G = 0;
      let H = 0;
      for (let i = 0; i < n; i++) {
        G += g[i * k + j]!;
        H += h[i * k + j]!;
      }
      return -G / H;
    });
    const theirs = runPython<number[]>(
      `import xgboost as xgb
X = np.zeros((len(inp['y']), 1), dtype=np.float32)
b = xgb.train({**inp['params'], 'objective': inp['name'], 'max_depth': 1, 'gamma': 1e9, 'lambda': 0.0,
  'eta': 1.0, 'tree_method': 'hist'}, xgb.DMatrix(X, np.array(inp['y']), weight=np.array(inp['w'])), 1)
m = json.loads(b.save_raw('json'))
emit([t['split_conditions'][0] for t in m['learner']['gradient_booster']['model']['trees']])`,
      { name, params, y: jsonFloats(y), w: jsonFloats(w) },
    );
    for (let j = 0; j < k; j++) close(ours[j]!, theirs[j]!, 1e-5, `${name} leaf ${j}`);
  }
});
