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
  /** Query/group ids per row (ranking), when the reader was asked for a group column. */
  readonly groups?: Int32Array;
}
