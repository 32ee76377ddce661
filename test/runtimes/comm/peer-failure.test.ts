import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DtrainError } from '../../../configs/errors.js';
import { closeAll, localMesh } from '../local-mesh.js';

function peerLost(rank: number) {
  return (e: unknown) =>
    e instanceof DtrainError &&
    e.code === 'E_PEER_LOST' &&
    e.category === 'worker' &&
    e.message.includes(`peer rank ${rank}`);
}

test('a peer dropped mid-collective fails the others with E_PEER_LOST within a second', async () => {
  const comms = await localMesh(4, { segmentBytes: 4096 });
  const bufs = comms.map(() => new Float32Array(2_000_000));
  // Rank 2 never joins this all-reduce and drops out while the others wait in it.
  const running = [0, 1, 3].map((r) => comms[r]!.allReduce(bufs[r]!, 'sum'));
  await new Promise((r) => setTimeout(r, 30));
  const started = Date.now();
  comms[2]!.abort();
  for (const p of running) await assert.rejects(p, peerLost(2));
  assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  // Every later call fails fast too, point-to-point included.
  await assert.rejects(comms[0]!.barrier(), peerLost(2));
  await assert.rejects(comms[1]!.recvFrom(0, 'x'), peerLost(2));
  await closeAll([comms[0]!, comms[1]!, comms[3]!]);
});

test('a peer that closes normally is not a failure until someone needs it', async () => {
  const comms = await localMesh(3);
  await Promise.all(comms.map((c) => c.barrier()));
  await comms[2]!.close();
  await new Promise((r) => setTimeout(r, 20));
  await assert.rejects(comms[0]!.allReduce(new Float64Array(4), 'sum'), peerLost(2));
  await closeAll(comms);
});

test('a peer dropped during a small (direct) reduce-scatter fails the others with E_PEER_LOST', async () => {
  const comms = await localMesh(3);
  // Rank 1 never sends its blocks; ranks 0 and 2 wait for them until it drops out.
  const running = [0, 2].map((r) => comms[r]!.reduceScatter(new Float64Array(30), 'sum', [10, 10, 10]));
  await new Promise((r) => setTimeout(r, 30));
  comms[1]!.abort();
  await Promise.all(running.map((p) => assert.rejects(p, peerLost(1))));
  await closeAll([comms[0]!, comms[2]!]);
});
