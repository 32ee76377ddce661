/**
 * A loaded table: dense row-major float32 features with NaN for missing, and float32 labels. The one
 * shape the GBDT engines and `dtrain predict` read. Readers (csv.ts, libsvm.ts) produce it.
 */
export interface Dataset {
  readonly rows: number;
  readonly cols: number;
  /** rows × cols, row-major; NaN = missing. */
  readonly features: Float32Array;
  /** One label per row (NaN when the file had no label column, e.g. for predict). */
  readonly labels: Float32Array;
  /** Column names of the features (without the label), `f0..fN` when the file has none. */
  readonly featureNames: readonly string[];
  /**
   * rows × cols, the values as LightGBM's parser reads them (double; runtimes/data/lightgbm-atof.ts):
   * kept when the reader was asked to (LightGBM places its bin bounds between, and compares its
   * thresholds with, these) and some value differs from its float32. features[i] is the float32
   * nearest the token (or nearly fround(doubles[i])). Absent: the float32 features are the values.
   */
  readonly doubles?: Float64Array;
  /** Query/group ids per row (ranking), when the reader was asked for a group column. */
  readonly groups?: Int32Array;
}

/** The dataset without its doubles: for a copy whose rows or columns no longer line up with them. */
export function floatsOnly({ doubles, ...rest }: Dataset): Dataset {
  void doubles;
  return rest;
}
