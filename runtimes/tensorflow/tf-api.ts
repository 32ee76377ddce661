/**
 * The tfjs API as one rank sees it. Every tensorflow module takes a `Tf` from `initBackend` and never
 * imports tfjs itself: with tfjs-node the whole API (core ops and layers) comes from the tfjs-node
 * module, over its own copy of tfjs-core, and tensors from two copies must never meet.
 */
import type * as Core from '@tensorflow/tfjs-core';
import type * as Layers from '@tensorflow/tfjs-layers';

/** The tfjs namespace in use on this rank: core ops and the layers API from ONE engine instance. */
export interface Tf {
  readonly core: typeof Core;
  readonly layers: typeof Layers;
}
