/**
 * The xgboost flavour takes only finite features and NaN (missing), as XGBoost 1.7 does: its DMatrix
 * refuses ±inf (src/data/data.cc `Input data contains inf or nan`; its CSV parser fails on `inf`), so
 * no XGBoost model holds a split on an infinite value, and its JSON cannot carry one. Refusing before
 * training beats failing at export after it.
 */
import { DtrainError } from '../../../configs/errors.js';
import type { Dataset } from '../../data/index.js';

/**
 * Throws E_DATA (config) naming the first row (1-based, `rowOffset` rows after the job's first) and
 * feature holding ±inf; returns when every feature value is finite or NaN.
 */
export function refuseInfinities(data: Dataset, role: 'train' | 'valid', rowOffset = 0): void {
  const { features, cols } = data;
  for (let i = 0; i < features.length; i++) {
    const x = features[i]!;
    if (Number.isFinite(x) || Number.isNaN(x)) continue;
    const row = Math.floor(i / cols);
    const f = i - row * cols;
    throw new DtrainError(
      'E_DATA',
      `${role} data: row ${rowOffset + row + 1}, feature ${f} (${data.featureNames[f] ?? `f${f}`}) is ${x > 0 ? '+inf' : '-inf'}; XGBoost 1.7 refuses infinite feature values`,
      {
        category: 'config',
        detail:
          'leave the field empty (missing) or clip it to a finite value; the lightgbm framework reads inf as ±1e308, as LightGBM does',
      },
    );
  }
}
