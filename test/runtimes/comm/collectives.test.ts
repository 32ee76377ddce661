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

// Block r of a reduce-scatter with explicit counts, reduced as the ring does: ranks r+1, r+2, …, r.
function ringOrderSum(xs: readonly Float64Array[], start: number, end: number, r: number): Float64Array {
  const n = xs.length;
  const out = xs[(r + 1) % n]!.slice(start, end);
  for (let k = 2; k <= n; k++) {
    const x = xs[(r + k) % n]!;
    for (let i = start; i < end; i++) out[i - start] = out[i - start]! + x[i]!;
  }
  return out;
}

for (const [path, tuning] of [
  ['ring', { segmentBytes: 512, smallBytes: 0 }],
  ['direct', { segmentBytes: 512 }],
] as const) {
  test(`reduceScatter (${path}) with uneven counts on 1–4 ranks: own block summed in ring order, every other block sent once`, async () => {
    const cases: Record<number, number[][]> = {
      1: [[0], [9]],
      2: [
        [3, 1000],
        [0, 17],
        [513, 0],
      ],
      3: [
        [1, 700, 2],
        [0, 0, 5],
        [300, 301, 0],
      ],
      4: [
        [0, 3, 1000, 17],
        [250, 1, 1, 250],
        [0, 0, 0, 0],
        [129, 128, 127, 1],
      ],
    };
    for (const n of [1, 2, 3, 4]) {
      const comms = await localMesh(n, tuning);
      try {
        for (const counts of cases[n]!) {
          const len = counts.reduce((a, b) => a + b, 0);
          const offsets = [0];
          for (const c of counts) offsets.push(offsets[offsets.length - 1]! + c);
          // Magnitudes that differ by rank and element, so a different summation order changes bits.
          const xs = Array.from({ length: n }, (_, r) =>
            Float64Array.from({ length: len }, (_, i) => Math.sin(i * 1.7 + r) * 10 ** ((i + r) % 7)),
          );
          const bufs = xs.map((x) => x.slice());
          const before = comms.map((c) => c.bytesSent);
          const blocks = await Promise.all(comms.map((c, r) => c.reduceScatter(bufs[r]!, 'sum', counts)));
          for (let r = 0; r < n; r++) {
            const [start, end] = [offsets[r]!, offsets[r + 1]!];
            assert.deepEqual(blocks[r], { offset: start, length: end - start });
            assert.deepEqual(
              bufs[r]!.subarray(start, end),
              ringOrderSum(xs, start, end, r),
              `rank ${r} of ${n}`,
            );
            assert.equal(comms[r]!.bytesSent - before[r]!, n === 1 ? 0 : 8 * (len - (end - start)));
          }
        }
        await assert.rejects(
          comms[0]!.reduceScatter(new Float64Array(n + 1), 'sum', new Array(n).fill(1)),
          /reduceScatter/,
        );
      } finally {
        await closeAll(comms);
      }
    }
  });
}

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
