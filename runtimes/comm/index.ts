/**
 * Collectives over TCP (DESIGN.md §5): open an endpoint first, report its port, then form the
 * communicator from the peer table. measure.ts times it against raw TCP over the same connections.
 */
export { blockOffsets } from './blocks.js';
export { type Block, type CommTuning, Communicator } from './communicator.js';
export { type Endpoint, type EndpointOptions, openEndpoint } from './endpoint.js';
export type { FloatArray, ReduceOp } from './kernels.js';
export { measureCollectives, measureRawTcp, type MeasureOptions, type RawTcp, type Row } from './measure.js';
export { type CommunicatorOptions, createCommunicator, type PeerEntry } from './mesh.js';
export { referenceAllReduce } from './reference.js';
