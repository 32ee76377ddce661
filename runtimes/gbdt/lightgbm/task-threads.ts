/**
 * The LightGBM flavour's task threads: its thread entry (train-worker.ts) runs the core's task kinds
 * plus its per-row passes (row-tasks.ts) and, with a scan config, split scans by its own rules.
 */
import type { HistContext, RangeScan, TaskRunner } from '../core/index.js';
import { installScan, serialRunner, threadedRunner } from '../core/index.js';
import type { LgbBins } from './bins.js';
import type { LgbParams } from './params.js';
import { installRows, type RowConfig } from './row-tasks.js';
import { LgbSplitRules } from './split.js';

/** What a thread needs to build the LightGBM split rules: plain, structured-cloneable data. */
export interface LgbScanConfig {
  readonly params: LgbParams;
  readonly bins: LgbBins;
  readonly slotOffsets: Uint32Array;
}

/** What the flavour's thread entry receives (threads.ts ThreadScript data). */
export interface LgbThreadData {
  readonly scan: LgbScanConfig | undefined;
  readonly rows: RowConfig;
}

/** `rules` as the core's RangeScan. */
export function lgbRangeScan(rules: LgbSplitRules): RangeScan {
  return (hist, base, g, h, count, allowed, out, from, to) =>
    rules.findSplit(hist, base, g, h, count, allowed, out, from, to);
}

/** Installs this thread's row passes and (with a scan config) split rules for `ctx`. */
export function installLgbTasks(ctx: HistContext, data: LgbThreadData, rules?: LgbSplitRules): void {
  installRows(ctx, data.rows);
  if (!data.scan) return;
  let r = rules;
  if (!r) {
    r = new LgbSplitRules(data.scan.params, data.scan.bins, data.scan.slotOffsets);
    if (ctx.memory) r.attachWasm(ctx.memory);
  }
  const fixer = r;
  installScan(ctx, lgbRangeScan(r), (hist, base, g, h, from, to) =>
    fixer.fixHistogram(hist, base, g, h, from, to),
  );
}

/** A runner on `threads` threads (1: the calling thread alone) running the flavour's tasks. */
export function lgbRunner(ctx: HistContext, threads: number, data: LgbThreadData): TaskRunner {
  if (threads <= 1) return serialRunner(ctx);
  return threadedRunner(ctx, threads, { url: new URL('./train-worker.js', import.meta.url), data });
}
