import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type FloatArray, type ReduceOp, referenceAllReduce } from '../../../runtimes/comm/index.js';
import { closeAll, localMesh } from '../local-mesh.js';

// A small seeded generator, so a failure can be replayed.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function sameBits(a: FloatArray, b: FloatArray, what: string): void {
  assert.equal(a.length, b.length, what);
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  if (Buffer.compare(x, y) !== 0) {
    const i = a.findIndex((v, j) => !Object.is(v, b[j]));
    assert.fail(`${what}: element ${i} differs: ${a[i]} vs ${b[i]}`);
  }
}

function inputs(n: number, len: number, f64: boolean, integers: boolean, rand: () => number): FloatArray[] {
  return Array.from({ length: n }, () => {
    const a = f64 ? new Float64Array(len) : new Float32Array(len);
    for (let i = 0; i < len; i++)
      a[i] = integers ? Math.floor(rand() * 2000) - 1000 : (rand() - 0.5) * 10 ** (rand() * 8 - 4);
    return a;
  });
}

async function check(
  comms: { allReduce(b: FloatArray, op: ReduceOp): Promise<void> }[],
  xs: FloatArray[],
  op: ReduceOp,
  what: string,
) {
  const expected = referenceAllReduce(xs, op);
  const bufs = xs.map((x) => x.slice());
  await Promise.all(comms.map((c, r) => c.allReduce(bufs[r]!, op)));
  for (let r = 0; r < bufs.length; r++) sameBits(bufs[r]!, expected, `${what} rank ${r}`);
  return { expected, bufs };
}

test('all-reduce equals the reference bit for bit, on every world size 1-8', async () => {
  const rand = rng(42);
  for (let n = 1; n <= 8; n++) {
    // Small segments and threshold so both algorithms and multi-segment pipelines run on small sizes.
    const comms = await localMesh(n, { segmentBytes: 4096, smallBytes: 1024 });
    const sizes = [0, 1, 2, 7, n, n + 1, 255, 1023, 4099, 1 + Math.floor(rand() * 1e5)];
    for (const len of sizes) {
      for (const f64 of [false, true]) {
        for (const op of ['sum', 'max'] as const) {
          await check(comms, inputs(n, len, f64, false, rand), op, `n=${n} len=${len} f64=${f64} ${op}`);
        }
      }
    }
    await closeAll(comms);
  }
});

test('integer-valued inputs give the exact plain sum', async () => {
  const rand = rng(7);
  const comms = await localMesh(5, { segmentBytes: 2048, smallBytes: 512 });
  for (const len of [3, 100, 5000]) {
    const xs = inputs(5, len, false, true, rand);
    const { bufs } = await check(comms, xs, 'sum', `integers len=${len}`);
    for (let i = 0; i < len; i++)
      assert.equal(
        bufs[0]![i],
        xs.reduce((s, x) => s + x[i]!, 0),
      );
  }
  await closeAll(comms);
});

test('default tuning: small and ring paths, back to back without waiting between ranks', async () => {
  const rand = rng(3);
  const comms = await localMesh(4);
  const sizes = [10, 65535, 65536, 300_000];
  const xs = sizes.map((len) => inputs(4, len, false, false, rand));
  const expected = xs.map((x) => referenceAllReduce(x, 'sum'));
  const bufs = xs.map((x) => x.map((a) => a.slice()));
  // Each rank issues all four without waiting for the others: frames of later ops must wait their turn.
  await Promise.all(
    comms.map(async (c, r) => {
      for (const b of bufs) await c.allReduce(b[r]!, 'sum');
    }),
  );
  for (let s = 0; s < sizes.length; s++) {
    for (let r = 0; r < 4; r++) sameBits(bufs[s]![r]!, expected[s]!, `size ${sizes[s]} rank ${r}`);
  }
  await closeAll(comms);
});

test('one 100 MB Float32 all-reduce across 3 ranks', async () => {
  const n = 3;
  const len = 25_000_000;
  const comms = await localMesh(n);
  const xs = Array.from({ length: n }, (_, r) => {
    const a = new Float32Array(len);
    for (let i = 0; i < len; i++) a[i] = ((i * 7 + r * 13) % 1001) * 0.1 - r;
    return a;
  });
  const expected = referenceAllReduce(xs, 'sum');
  await Promise.all(comms.map((c, r) => c.allReduce(xs[r]!, 'sum')));
  for (let r = 0; r < n; r++) sameBits(xs[r]!, expected, `rank ${r}`);
  await closeAll(comms);
});
