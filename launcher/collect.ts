/**
 * Bringing results home: when rank 0 ran on a remote host, the model it wrote there (the result's
 * `model` path) is fetched into the job's local output folder and the result is rewritten to point
 * at the local copy. Per-rank logs already arrived line by line.
 */
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { LaunchPlan } from './plan/contract.js';
import type { Transport } from './transports/index.js';

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
  // A tfjs LayersModel is several files (model.json + weights.bin), listed in `modelFiles`.
  const files = (result as { modelFiles?: unknown }).modelFiles;
  if (Array.isArray(files) && files.every((f) => typeof f === 'string')) {
    const dir = join(outputDir, 'model');
    const local = files.map((f: string) => join(dir, basename(f)));
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < files.length; i++) await transport.fetch(host, files[i] as string, local[i]!);
    return {
      ...result,
      model: join(dir, basename(model)),
      modelFiles: local,
      remoteModel: `${host.name}:${model}`,
    };
  }
  const local = join(outputDir, basename(model));
  await transport.fetch(host, model, local);
  return { ...result, model: local, remoteModel: `${host.name}:${model}` };
}
