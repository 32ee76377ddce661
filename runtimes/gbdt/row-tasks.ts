/**
 * Per-row passes of an iteration as tasks on the training threads (tasks.ts): the gradients of a
 * pointwise LightGBM objective, and loading one output's `[g, h]` into buffer 0 (partition.ts
 * loadRows). Each task owns a row range and writes only its rows, so any thread count gives the same
 * bits. Every thread installs the same RowConfig (its arrays on shared memory) once.
 */
import type { HistContext } from './histogram.js';

/** Task kind: `[ROWS, pass, from, to, k, 0, 0, 0]` — pass GRADIENTS or LOAD_GH over rows [from, to). */
export const ROWS = 7;
export const GRADIENTS = 0;
export const LOAD_GH = 1;

/** The objectives whose gradients are a function of one row alone. */
export type PointObjective =
  | 'regression'
  | 'regression_l1'
  | 'huber'
  | 'binary'
  | 'multiclass'
  | 'multiclassova';

export interface RowConfig {
  readonly objective: PointObjective;
  /** Huber's delta. */
  readonly alpha: number;
  /** Outputs per row. */
  readonly K: number;
  /** rows × K margins, labels, and the gradients and hessians written (all on shared memory). */
  readonly margins: Float32Array;
  readonly labels: Float32Array;
  readonly grad: Float32Array;
  readonly hess: Float32Array;
}

const installed = new WeakMap<HistContext, RowConfig>();

/** Makes `config` the row passes' arrays for `ctx` on this thread. */
export function installRows(ctx: HistContext, config: RowConfig): void {
  installed.set(ctx, config);
}

/**
 * LightGBM's pointwise gradients for rows [from, to) (src/objective/*.hpp, computed in double and
 * stored as float32): l2 `m − y`; l1 its sign; huber clipped at alpha; binary `q − y`, `q(1 − q)`;
 * softmax `q − [j = y]`, `K/(K−1)·q(1 − q)`; one-vs-all a sigmoid per class. Labels are checked
 * before (lightgbm-objectives.ts).
 */
export function pointGradients(c: RowConfig, from: number, to: number): void {
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
      for (let i = from; i < to; i++) {
        const q = 1 / (1 + Math.exp(-margins[i]!));
        grad[i] = q - labels[i]!;
        hess[i] = q * (1 - q);
      }
      return;
    case 'multiclassova':
      for (let i = from; i < to; i++) {
        const y = labels[i]!;
        for (let j = 0, b = i * K; j < K; j++) {
          const q = 1 / (1 + Math.exp(-margins[b + j]!));
          grad[b + j] = q - (j === y ? 1 : 0);
          hess[b + j] = q * (1 - q);
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

/** Buffer 0's `[g, h]` ← output k of the gradients, rows [from, to). */
function loadGh(ctx: HistContext, c: RowConfig, from: number, to: number, k: number): void {
  const { grad, hess, K } = c;
  const gh = ctx.gh;
  for (let r = from, j = from * K + k; r < to; r++, j += K) {
    gh[2 * r] = grad[j]!;
    gh[2 * r + 1] = hess[j]!;
  }
}

/** Runs the ROWS task at `o` of `tasks`. */
export function runRowsTask(ctx: HistContext, tasks: ArrayLike<number>, o: number): void {
  const c = installed.get(ctx);
  if (!c) throw new Error('row passes are not installed on this thread');
  const from = tasks[o + 2]!;
  const to = tasks[o + 3]!;
  if (tasks[o + 1] === GRADIENTS) pointGradients(c, from, to);
  else loadGh(ctx, c, from, to, tasks[o + 4]!);
}

/** Rows per task at least: below this, waking a thread costs more than the pass. */
const MIN_TASK_ROWS = 16384;

/** The tasks of one pass over `rows` rows: about four per thread, none under MIN_TASK_ROWS. */
export function rowTasks(pass: number, rows: number, threads: number, k = 0): number[] {
  const per = Math.max(MIN_TASK_ROWS, Math.ceil(rows / (4 * Math.max(1, threads))));
  const tasks: number[] = [];
  for (let a = 0; a < rows; a += per) tasks.push(ROWS, pass, a, Math.min(rows, a + per), k, 0, 0, 0);
  return tasks;
}
