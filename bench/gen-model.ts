/**
 * The synthetic tasks behind bench data and accuracy checks: a seeded PRNG and row generators whose
 * labels depend nonlinearly on the features (sines, products, thresholds, interactions) plus noise,
 * so a good GBDT scores well but not perfectly. Values are rounded to 4 decimals, exactly as the CSV
 * writer prints them, so `generate()` equals reading the written file back.
 */
import type { Dataset } from '../runtimes/data/dataset.js';

/** binary: 0/1 labels drawn from a logistic model; regression: a target with Student-t noise. */
export type SyntheticKind = 'binary' | 'regression';

/** xoshiro128** seeded through splitmix32: fast, 32-bit, and the same stream on every machine. */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = Number.NaN;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    const x = Math.imul(this.b, 5);
    const r = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = (this.d << 11) | (this.d >>> 21);
    return r / 4294967296;
  }

  /** Standard normal (Box–Muller, the second value kept for the next call). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const v = this.spare;
      this.spare = Number.NaN;
      return v;
    }
    const u = 1 - this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    const t = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(t);
    return r * Math.cos(t);
  }
}

/** Rounds to the 4 decimals the CSV writer prints. */
export function quantize(v: number): number {
  // + 0 turns -0 into 0, which is what reading back the printed "0" gives.
  return Math.round(v * 1e4) / 1e4 + 0;
}

/** Fills `row` (cols values, NaN = missing) and returns the label, row by row from one seed. */
export class SyntheticRows {
  private readonly rand: Prng;

  constructor(
    private readonly kind: SyntheticKind,
    private readonly cols: number,
    seed: number,
    private readonly missing: number,
  ) {
    if (cols < 8) throw new RangeError(`synthetic data needs at least 8 columns, got ${cols}`);
    if (!(missing >= 0 && missing < 1)) throw new RangeError(`missing must be in [0, 1), got ${missing}`);
    this.rand = new Prng(seed);
  }

  next(row: Float64Array): number {
    const r = this.rand;
    const z = r.normal();
    row[0] = r.normal();
    row[1] = r.normal();
    row[2] = 4 * r.uniform() - 2;
    row[3] = 0.8 * row[0] + 0.6 * r.normal();
    row[4] = Math.exp(0.75 * r.normal());
    row[5] = Math.floor(5 * r.uniform());
    row[6] = r.uniform();
    row[7] = z + 0.5 * r.normal();
    // Beyond the eight informative columns: noise, noisy copies, and mixtures (correlated, useless).
    for (let j = 8; j < this.cols; j++) {
      const k = j % 4;
      row[j] =
        k === 0
          ? r.normal()
          : k === 1
            ? row[j % 8]! + 0.3 * r.normal()
            : k === 2
              ? 2 * r.uniform() - 1
              : 0.5 * row[1]! + 0.5 * row[2]! + 0.5 * r.normal();
    }
    for (let j = 0; j < this.cols; j++) row[j] = quantize(row[j]!);
    const x3 = row[3]!;
    const x7 = row[7]!;
    const signal =
      1.5 * Math.sin(1.5 * row[0]!) +
      0.6 * row[1]! * row[2]! +
      (row[4]! > 1.5 ? 1 : -0.3) +
      (row[5] === 2 ? 0.8 : 0) -
      0.3 * x3 * x3 +
      (row[6]! > 0.5 && x7 > 0 ? 1 : 0) +
      0.4 * x7;
    let label: number;
    if (this.kind === 'binary') {
      label = r.uniform() < 1 / (1 + Math.exp(-(1.3 * signal - 0.2))) ? 1 : 0;
    } else {
      // Student-t with 3 degrees of freedom: heavy tails that punish squared-error fits.
      const chi = r.normal() ** 2 + r.normal() ** 2 + r.normal() ** 2;
      label = quantize(2 * signal + (0.7 * r.normal()) / Math.sqrt(chi / 3));
    }
    // Missing completely at random, after the label saw the true values.
    if (this.missing > 0)
      for (let j = 0; j < this.cols; j++) if (r.uniform() < this.missing) row[j] = Number.NaN;
    return label;
  }
}

/** An in-memory synthetic dataset; equal, value for value, to reading the CSV the CLI writes. */
export function generate(
  kind: SyntheticKind,
  rows: number,
  cols: number,
  seed: number,
  missing: number,
): Dataset {
  const source = new SyntheticRows(kind, cols, seed, missing);
  const features = new Float32Array(rows * cols);
  const labels = new Float32Array(rows);
  const row = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    labels[i] = source.next(row);
    features.set(row, i * cols);
  }
  return { rows, cols, features, labels, featureNames: Array.from({ length: cols }, (_, j) => `f${j}`) };
}
