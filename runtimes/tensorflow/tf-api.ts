/**
 * The tfjs namespace a rank uses: core ops and the layers API from one engine instance. With
 * tfjs-node both are the tfjs-node module (it re-exports all of tfjs over its own tfjs-core copy), so
 * code takes this object instead of importing tfjs statically.
 */
import type * as Core from '@tensorflow/tfjs-core';
import type * as Layers from '@tensorflow/tfjs-layers';

/** The tfjs namespace in use on this rank: core ops and the layers API from ONE engine instance. */
export interface Tf {
  readonly core: typeof Core;
  readonly layers: typeof Layers;
}
