/**
 * LightGBM's pointwise gradients (the objectives whose gradients are a function of one row alone):
 * what the GRADIENTS row pass (row-tasks.ts) runs on each thread's rows, and what the objectives
 * (objectives.ts) call on a whole set.
 */
import type { LgbObjective } from './params.js';

/** The objectives whose gradients are a function of one row alone. */
export type PointObjective = Exclude<LgbObjective, 'lambdarank'>;

/** What the gradients read and write (row-tasks.ts RowConfig has all of it). */
export interface PointGradientsInput {
  /** The pointwise objective (none: nothing is computed). */
  readonly objective: PointObjective | undefined;
  /** Huber's delta. */
  readonly alpha: number;
  /** Outputs per row. */
  readonly K: number;
  /** rows × K margins, labels, and the gradients and hessians written. */
  readonly margins: Float32Array | Float64Array;
  readonly labels: Float32Array;
  readonly grad: Float32Array;
  readonly hess: Float32Array;
}

/**
 * LightGBM's pointwise gradients for rows [from, to) (src/objective/*.hpp, computed in double and
 * stored as float32): l2 `m − y`; l1 its sign; huber clipped at alpha; binary `q − y`, `q(1 − q)`;
 * softmax `q − [j = y]`, `K/(K−1)·q(1 − q)`; one-vs-all a sigmoid per class. Labels are checked
 * before (lightgbm/objectives.ts).
 */
export function pointGradients(c: PointGradientsInput, from: number, to: number): void {
  const { margins, labels, grad, hess, K, alpha } = c;
  switch (c.objective) {
    case 'regression':
      for (let i = from; i < to; i++) {
        grad[i] = margins[i]! - labels[i]!;
        hess[i] = 1;
      }
      return;
    case 'regression_l1':
      for (let i = from; i < to; i++) {
        const d = margins[i]! - labels[i]!;
        grad[i] = d > 0 ? 1 : d < 0 ? -1 : 0;
        hess[i] = 1;
      }
      return;
    case 'huber':
      for (let i = from; i < to; i++) {
        const d = margins[i]! - labels[i]!;
        grad[i] = Math.abs(d) <= alpha ? d : d > 0 ? alpha : -alpha;
        hess[i] = 1;
      }
      return;
    case 'binary':
      // LightGBM's BinaryLogloss with labels ±1 (its arithmetic, so the float32 results agree).
      for (let i = from; i < to; i++) {
        const y = labels[i]! > 0 ? 1 : -1;
        const response = -y / (1 + Math.exp(y * margins[i]!));
        const a = Math.abs(response);
        grad[i] = response;
        hess[i] = a * (1 - a);
      }
      return;
    case 'multiclassova':
      for (let i = from; i < to; i++) {
        const y = labels[i]!;
        for (let j = 0, b = i * K; j < K; j++) {
          const s = j === y ? 1 : -1;
          const response = -s / (1 + Math.exp(s * margins[b + j]!));
          const a = Math.abs(response);
          grad[b + j] = response;
          hess[b + j] = a * (1 - a);
        }
      }
      return;
    case 'multiclass': {
      const factor = K / (K - 1);
      const prob = new Float64Array(K);
      for (let i = from; i < to; i++) {
        const y = labels[i]!;
        const b = i * K;
        let max = -Infinity;
        for (let j = 0; j < K; j++) max = Math.max(max, margins[b + j]!);
        let sum = 0;
        for (let j = 0; j < K; j++) {
          prob[j] = Math.exp(margins[b + j]! - max);
          sum += prob[j]!;
        }
        for (let j = 0; j < K; j++) {
          const q = prob[j]! / sum;
          grad[b + j] = j === y ? q - 1 : q;
          hess[b + j] = factor * q * (1 - q);
        }
      }
      return;
    }
  }
}
