/** The tfjs namespace on the pure-JS cpu backend, for tests: small models, exact and deterministic. */
import * as core from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as layers from '@tensorflow/tfjs-layers';
import { registerChainedOps } from '../../../runtimes/tensorflow/chained-ops.js';
import type { Tf } from '../../../runtimes/tensorflow/tf-api.js';

/** `{core, layers}` with the cpu backend selected and chained tensor methods registered. */
export async function cpuTf(): Promise<Tf> {
  await core.setBackend('cpu');
  const tf = { core, layers };
  registerChainedOps(tf);
  return tf;
}
