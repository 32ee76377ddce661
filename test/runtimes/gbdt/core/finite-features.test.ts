import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DtrainError } from '../../../../configs/errors.js';
import { trainGbdt } from '../../../../runtimes/gbdt/xgboost/train.js';
import { parseXgbParams } from '../../../../runtimes/gbdt/xgboost/params.js';
import { needXgboost, runPython } from '../../../helpers/xgboost-py.js';
import { synthBinary } from '../helpers.js';

test('the xgboost flavour refuses ±inf features before training, as XGBoost 1.7 refuses them', async (t) => {
  const data = synthBinary(200, 3, 1);
  const params = parseXgbParams({ objective: 'binary:logistic', num_boost_round: 2, nthread: 1 });
  for (const [v, sign] of [
    [Number.POSITIVE_INFINITY, '+inf'],
    [Number.NEGATIVE_INFINITY, '-inf'],
  ] as const) {
    const features = data.features.slice();
    features[2 * 3 + 1] = v;
    await assert.rejects(
      trainGbdt({ train: { ...data, features }, params }),
      (e: unknown) =>
        e instanceof DtrainError &&
        e.code === 'E_DATA' &&
        e.message ===
          `train data: row 3, feature 1 (f1) is ${sign}; XGBoost 1.7 refuses infinite feature values`,
    );
  }
  // NaN is missing, not refused.
  const features = data.features.slice();
  features[5] = Number.NaN;
  await trainGbdt({ train: { ...data, features }, params });
  if (!needXgboost(t)) return;
  const refusals = runPython<string[]>(`
import xgboost as xgb
out = []
for v in [np.inf, -np.inf, 1e39]:
    try:
        xgb.DMatrix(np.array([[1.0, v]]), missing=np.nan)
        out.append('accepted')
    except xgb.core.XGBoostError as e:
        out.append(str(e).splitlines()[0])
emit(out)
`);
  for (const r of refusals) assert.match(r, /Input data contains `inf`/);
});
