/**
 * Adapts a TCP Communicator (runtimes/comm) to the engine's Collective. Byte all-gathers of
 * different lengths go as two float64 all-gathers: first every rank's length, then the bytes padded
 * to whole float64 words.
 */
import type { Communicator } from '../../comm/index.js';
import type { Collective } from './types.js';

/** The Collective over `comm`; all ranks must make the same calls in the same order. */
export function collectiveFrom(comm: Communicator): Collective {
  const n = comm.worldSize;
  return {
    rank: comm.rank,
    worldSize: n,
    allReduceSum: (buf) => comm.allReduce(buf, 'sum'),
    allReduceMax: (buf) => comm.allReduce(buf, 'max'),
    reduceScatterSum: async (buf, counts) => {
      await comm.reduceScatter(buf, 'sum', counts);
    },
    async allGather(bytes) {
      const lengths = new Float64Array(n);
      lengths[comm.rank] = bytes.length;
      await comm.allGather(lengths, new Array<number>(n).fill(1));
      const words = Array.from(lengths, (l) => Math.ceil(l / 8));
      const offsets = [0];
      for (const w of words) offsets.push(offsets[offsets.length - 1]! + w);
      const buf = new Float64Array(Math.max(offsets[n]!, 1));
      new Uint8Array(buf.buffer, 8 * offsets[comm.rank]!, bytes.length).set(bytes);
      if (offsets[n]! > 0) await comm.allGather(buf.subarray(0, offsets[n]!), words);
      return Array.from(lengths, (l, r) => new Uint8Array(buf.buffer, 8 * offsets[r]!, l).slice());
    },
    async broadcast(bytes, root) {
      const len = new Float64Array([bytes.length]);
      await comm.broadcast(len, root);
      const out = comm.rank === root ? bytes.slice() : new Uint8Array(len[0]!);
      await comm.broadcast(out, root);
      return out;
    },
  };
}
