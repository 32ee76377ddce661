/**
 * The tensorflow runtime's communicator thread: many small ops back to back, two ranks in this
 * process over loopback. Each op's reply must reach its own wait; a wake meant for the previous op
 * (the thread's notify landing after the parent already read that reply) must not end the next wait
 * early (it did: "the communicator thread answered nothing", seen once in CI).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ThreadComm } from '../../../runtimes/tensorflow/thread-comm.js';
import { closeAll, localMesh, testAuth } from '../local-mesh.js';

test('2 ranks × 3000 back-to-back all-reduces and broadcasts on the thread: every one answered, every sum right', async () => {
  const comms = await localMesh(2);
  const auth = testAuth();
  const peers = [0, 1].map((rank) => ({ rank, host: '127.0.0.1', port: 0 }));
  const threads = await Promise.all(
    comms.map((comm, rank) =>
      ThreadComm.start({ rank, worldSize: 2, comm, mesh: { auth, bindHost: '127.0.0.1', peers } }),
    ),
  );
  try {
    const shared = threads.map(() => ThreadComm.shared(3));
    const plain = threads.map(() => new Float64Array(2));
    for (let i = 0; i < 3000; i++) {
      if (i % 3 === 2) {
        for (let r = 0; r < 2; r++) plain[r]!.set([r === 1 ? i : -1, r]);
        await Promise.all(threads.map((t, r) => t.broadcast(plain[r]!, 1)));
        for (let r = 0; r < 2; r++) assert.deepEqual([...plain[r]!], [i, 1]);
      } else {
        for (let r = 0; r < 2; r++) shared[r]!.set([i, r + 1, 0.5]);
        await Promise.all(threads.map((t, r) => t.allReduce(shared[r]!, i % 3 === 0 ? 'sum' : 'max')));
        const want = i % 3 === 0 ? [2 * i, 3, 1] : [i, 2, 0.5];
        for (let r = 0; r < 2; r++) assert.deepEqual([...shared[r]!], want, `op ${i} rank ${r}`);
      }
    }
  } finally {
    await Promise.all(threads.map((t) => t.close()));
    await closeAll(comms);
  }
});
