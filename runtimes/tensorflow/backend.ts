// TEMPORARY stand-in until the tf-backend branch lands (same exported API).
import type { Tf } from './tf-api.js';

export type BackendName = 'node-gpu' | 'node' | 'wasm' | 'cpu';
export interface BackendChoice {
  readonly tf: Tf;
  readonly name: BackendName;
  readonly reason: string;
  readonly tried: readonly { name: BackendName; error: string }[];
}
export async function initBackend(opts: {
  want: BackendName | 'auto';
  gpus: number;
  searchDirs?: readonly string[];
  wasmDir?: string;
}): Promise<BackendChoice> {
  const core = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  await import('@tensorflow/tfjs-backend-wasm');
  const layers = await import('@tensorflow/tfjs-layers');
  const name = opts.want === 'cpu' ? 'cpu' : 'wasm';
  await core.setBackend(name);
  return { tf: { core, layers }, name, reason: name, tried: [] };
}
