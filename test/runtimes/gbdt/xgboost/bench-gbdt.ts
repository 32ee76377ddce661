/**
 * Speed bench (not a test): 1M × 28 synthetic rows from a seeded PRNG, 100 rounds, depth 8, eta 0.1,
 * max_bin 256, with nthread 1 and 2, against the real XGBoost 1.7 hist on the same data (python3,
 * same run; both evaluate train logloss every round). `node dist/test/runtimes/gbdt/xgboost/bench-gbdt.js [rows] [rounds] [which=ours1,ours2,xgb]`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaryAuc } from '../../../../runtimes/gbdt/core/metrics.js';
import { trainGbdt } from '../../../../runtimes/gbdt/xgboost/train.js';
import { parseXgbParams } from '../../../../runtimes/gbdt/xgboost/params.js';
import { shard, synthBinary } from '../helpers.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 100);
const which = (process.argv[4] ?? 'ours1,ours2,xgb').split(',');
const all = synthBinary(rows + 100_000, 28, 42);
const train = shard(all, 0, rows);
const test = shard(all, rows, rows + 100_000);
const params = { objective: 'binary:logistic', max_depth: 8, eta: 0.1, max_bin: 256, eval_metric: 'logloss' };

for (const w of which.filter((x) => x.startsWith('ours'))) {
  const nthread = Number(w.slice(4));
  const t0 = performance.now();
  const model = await trainGbdt({
    train,
    params: parseXgbParams({ ...params, nthread, num_boost_round: rounds }),
  });
  const sec = (performance.now() - t0) / 1000;
  const m = new Float32Array(test.rows);
  const { addTreeMargins } = await import('../../../../runtimes/gbdt/predict/tree-margins.js');
  for (const t of model.trees) addTreeMargins(t, test.features, test.cols, m, 1, 0, test.rows);
  console.log(
    `ours nthread=${nthread}: ${sec.toFixed(2)} s, test auc ${binaryAuc(m, test.labels).toFixed(5)}`,
  );
}
if (which.includes('xgb')) {
  const dir = mkdtempSync(join(tmpdir(), 'gbdt-bench-'));
  writeFileSync(join(dir, 'x.bin'), all.features);
  writeFileSync(join(dir, 'y.bin'), all.labels);
  const py = `
import time, numpy as np, xgboost as xgb
from sklearn.metrics import roc_auc_score
X = np.fromfile('${dir}/x.bin', dtype=np.float32).reshape(-1, 28); y = np.fromfile('${dir}/y.bin', dtype=np.float32)
d = xgb.DMatrix(X[:${rows}], label=y[:${rows}]); dt = xgb.DMatrix(X[${rows}:])
p = dict(objective='binary:logistic', max_depth=8, eta=0.1, max_bin=256, tree_method='hist', nthread=2, eval_metric='logloss')
t = time.time(); b = xgb.train(p, d, ${rounds}, evals=[(d, 'train')], verbose_eval=False); s = time.time() - t
print(f'xgboost 1.7 hist nthread=2: {s:.2f} s, test auc {roc_auc_score(y[${rows}:], b.predict(dt)):.5f}')
`;
  const r = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' });
  process.stdout.write(r.stdout + r.stderr);
  rmSync(dir, { recursive: true });
}
