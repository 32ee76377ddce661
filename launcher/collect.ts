/**
 * Bringing results home: when rank 0 ran on a remote host, the model it wrote there (the result's
 * `model` path) is fetched into the job's local output folder and the result is rewritten to point
 * at the local copy. Per-rank logs already arrived line by line.
 */
import { basename, join } from 'node:path';
import type { LaunchPlan } from './plan/types.js';
import type { Transport } from './transports/types.js';

export async function collect(
  plan: LaunchPlan,
  transport: Transport,
  outputDir: string,
  result: unknown,
): Promise<unknown> {
  const rank0 = plan.ranks[0];
  const host = rank0 ? plan.hosts[rank0.host] : undefined;
  if (!host || host.local || typeof result !== 'object' || result === null) return result;
  const model = (result as { model?: unknown }).model;
  if (typeof model !== 'string') return result;
  const local = join(outputDir, basename(model));
  await transport.fetch(host, model, local);
  return { ...result, model: local, remoteModel: `${host.name}:${model}` };
}
