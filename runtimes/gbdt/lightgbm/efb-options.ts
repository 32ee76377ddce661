/**
 * What feature bundling (efb.ts) is asked and what its planner (efb-plan.ts) answers: a file of its
 * own so the two import it rather than each other.
 */

export interface EfbOptions {
  readonly maxConflictRate: number;
  /** Most rows looked at (LightGBM's bin_construct_sample_cnt). */
  readonly sampleRows: number;
  /** Features never bundled (categorical ones). */
  readonly exclude: ReadonlySet<number>;
}

/** Which features share a column: the columns' members (ascending) and each member's default code. */
export interface BundlePlan {
  readonly members: readonly (readonly number[])[];
  /** Per feature: its default code in its bundle (−1 when its column is its own). */
  readonly defaults: readonly number[];
}
