import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockOffsets, referenceAllReduce } from '../../../runtimes/comm/index.js';
import { closeAll, localMesh } from '../local-mesh.js';

test('reduceScatter leaves each rank its block of the all-reduce result', async () => {
  for (const n of [2, 3, 5]) {
    const comms = await localMesh(n, { segmentBytes: 1024 });
    for (const len of [0, 1, 7, 1000, 4097]) {
      const xs = Array.from({ length: n }, (_, r) =>
        Float64Array.from({ length: len }, (_, i) => Math.sin(i + r * 0.3)),
      );
      const expected = referenceAllReduce(xs, 'sum');
      const blocks = await Promise.all(comms.map((c, r) => c.reduceScatter(xs[r]!, 'sum')));
      const offsets = blockOffsets(len, n);
      blocks.forEach((b, r) => {
        assert.deepEqual(b, { offset: offsets[r], length: offsets[r + 1]! - offsets[r]! });
        assert.deepEqual(
          xs[r]!.subarray(b.offset, b.offset + b.length),
          expected.subarray(b.offset, b.offset + b.length),
        );
      });
    }
    await closeAll(comms);
  }
});

test('allGather with the default split and with uneven counts', async () => {
  const n = 4;
  const comms = await localMesh(n, { segmentBytes: 512 });
  for (const counts of [undefined, [0, 3, 1000, 17]]) {
    const len = counts ? counts.reduce((a, b) => a + b, 0) : 2003;
    const offsets = counts ? [0, 0, 3, 1003, 1020] : blockOffsets(len, n);
    const full = Float32Array.from({ length: len }, (_, i) => i * 0.5);
    const bufs = comms.map((_, r) => {
      const b = new Float32Array(len).fill(-1);
      b.set(full.subarray(offsets[r], offsets[r + 1]), offsets[r]);
      return b;
    });
    await Promise.all(comms.map((c, r) => c.allGather(bufs[r]!, counts)));
    for (const b of bufs) assert.deepEqual(b, full);
  }
  await assert.rejects(async () => comms[0]!.allGather(new Float32Array(3), [1, 1, 1, 1]), /add up to 4/);
  await closeAll(comms);
});

test('broadcast from every root, small (star) and large (chain), any view type', async () => {
  const n = 3;
  const comms = await localMesh(n, { segmentBytes: 1000, smallBytes: 64 });
  for (const root of [0, 1, 2]) {
    for (const len of [1, 10, 5001]) {
      const bufs = comms.map((_, r) =>
        Int16Array.from({ length: len }, (_, i) => (r === root ? i * 3 - 7 : 0)),
      );
      await Promise.all(comms.map((c, r) => c.broadcast(bufs[r]!, root)));
      for (const b of bufs) assert.deepEqual(b, bufs[root]);
    }
  }
  await closeAll(comms);
});

test('barrier waits for the last rank; point-to-point frames keep their order per type', async () => {
  const comms = await localMesh(3);
  const [a, b, c] = comms as [(typeof comms)[0], (typeof comms)[0], (typeof comms)[0]];
  let late = false;
  const waiting = Promise.all([a.barrier(), b.barrier()]).then(() =>
    assert.ok(late, 'barrier released early'),
  );
  await new Promise((r) => setTimeout(r, 50));
  late = true;
  await Promise.all([waiting, c.barrier()]);

  await a.sendTo(2, { t: 'x', i: 1 }, new Float32Array([1, 2]));
  await a.sendTo(2, { t: 'y', i: 2 });
  await a.sendTo(2, { t: 'x', i: 3 });
  assert.equal((await c.recvFrom(0, 'y')).header.i, 2);
  const first = await c.recvFrom(0, 'x');
  assert.equal(first.header.i, 1);
  assert.deepEqual([...new Float32Array(new Uint8Array(first.payload!).buffer)], [1, 2]);
  assert.equal((await c.recvFrom(0, 'x')).header.i, 3);
  assert.throws(() => a.sendTo(0, { t: 'x' }), /not a peer/);
  await assert.rejects(a.sendTo(1, { t: 'dc' }), /reserved/);
  await closeAll(comms);
});
