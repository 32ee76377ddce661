/**
 * The `doctor` framework: trains nothing; measures the collectives across the gang (all-reduce bus
 * bandwidth and latency per size, like nccl-tests) and the raw TCP between the same processes, and
 * returns the table as rank 0's result. It is the foundation's first real workload.
 */
import { measureCollectives, measureRawTcp } from '../comm/index.js';
import type { Workload } from '../workload.js';

export const DEFAULT_SIZES: readonly number[] = [8, 1024, 65536, 1 << 20, 16 << 20];

export const doctorWorkload: Workload = async (ctx) => {
  const params = ctx.spec.params as { sizes?: unknown; iterations?: unknown };
  const sizes = Array.isArray(params.sizes) ? params.sizes.map(Number) : [...DEFAULT_SIZES];
  const iterations = typeof params.iterations === 'number' ? params.iterations : undefined;
  const total = sizes.length + 1;
  ctx.progress({ step: 0, total, unit: 'measurement' });
  const raw = ctx.worldSize > 1 ? await measureRawTcp(ctx.comm) : undefined;
  ctx.progress({ step: 1, total, unit: 'measurement' });
  const rows = [];
  for (let i = 0; i < sizes.length; i++) {
    if (ctx.signal.aborted) throw new Error('stopped');
    const [row] = await measureCollectives(ctx.comm, {
      sizes: [sizes[i]!],
      ...(iterations === undefined ? {} : { iterations }),
    });
    if (row) rows.push(row);
    const metrics: Record<string, number> = row ? { busbw_MBs: row.busBwMBs, latency_us: row.latencyUs } : {};
    ctx.progress({ step: i + 2, total, unit: 'measurement', metrics });
  }
  if (ctx.rank === 0) ctx.result({ kind: 'doctor', worldSize: ctx.worldSize, raw, rows });
};
