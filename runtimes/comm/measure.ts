/**
 * Measurements of a formed communicator, for `dtrain doctor` and bench/comm.ts. Every rank must call
 * the same function with the same options; the figures are rank 0's (other ranks get their own view).
 * Definitions follow nccl-tests: algbw = bytes / time, busbw = algbw × 2(n−1)/n for all-reduce.
 */
import type { Communicator } from './communicator.js';

/** One all-reduce size: Float32, sum; times are medians over the iterations. */
export interface Row {
  readonly bytes: number;
  readonly iterations: number;
  readonly latencyUs: number;
  readonly algBwMBs: number;
  readonly busBwMBs: number;
}

export interface MeasureOptions {
  /** Buffer sizes in bytes (rounded down to whole Float32 elements, at least one). */
  readonly sizes: readonly number[];
  /** Timed iterations per size; default: enough to fill minTimeMs (3 to 1000). */
  readonly iterations?: number;
  /** Default 200 ms per size. */
  readonly minTimeMs?: number;
}

/** Plain TCP over the communicator's own connections, measured the way the collectives use them. */
export interface RawTcp {
  /** Median round trip of an 8-byte frame between rank 0 and rank 1. */
  readonly rttUs: number;
  /** One-way bulk throughput rank 0 → rank 1, 16 MiB frames, nothing else running. */
  readonly pairMBs: number;
  /** Per-link throughput while every rank sends 16 MiB frames to its ring successor at once. */
  readonly ringMBs: number;
}

const MiB = 1024 * 1024;

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function nowMs(): number {
  return performance.now();
}

/** Rank 0 decides a count and every rank learns it (so all run the same number of collectives). */
async function agree(comm: Communicator, value: number): Promise<number> {
  const box = new Float64Array([value]);
  await comm.broadcast(box, 0);
  return box[0]!;
}

/** Float32 sum all-reduce timing per size (see Row). */
export async function measureCollectives(comm: Communicator, opts: MeasureOptions): Promise<Row[]> {
  const n = comm.worldSize;
  const rows: Row[] = [];
  for (const size of opts.sizes) {
    const buf = new Float32Array(Math.max(1, Math.floor(size / 4)));
    await comm.allReduce(buf, 'sum');
    const t0 = nowMs();
    await comm.allReduce(buf, 'sum');
    const guess = Math.min(
      1000,
      Math.max(3, Math.ceil((opts.minTimeMs ?? 200) / Math.max(nowMs() - t0, 0.001))),
    );
    const iterations = await agree(comm, opts.iterations ?? guess);
    const times: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const start = nowMs();
      await comm.allReduce(buf, 'sum');
      times.push(nowMs() - start);
    }
    const sec = median(times) / 1000;
    const algBwMBs = buf.byteLength / sec / 1e6;
    rows.push({
      bytes: buf.byteLength,
      iterations,
      latencyUs: sec * 1e6,
      algBwMBs,
      busBwMBs: n > 1 ? (algBwMBs * 2 * (n - 1)) / n : 0,
    });
  }
  return rows;
}

/** Raw TCP figures between the same processes over the same connections (see RawTcp); needs 2+ ranks. */
export async function measureRawTcp(comm: Communicator, opts: { bulkCount?: number } = {}): Promise<RawTcp> {
  const { rank, worldSize: n } = comm;
  if (n < 2) return { rttUs: 0, pairMBs: 0, ringMBs: 0 };
  const count = opts.bulkCount ?? 8;
  const ping = new Float64Array(1);
  const rounds = await agree(comm, 300);
  const rtts: number[] = [];
  for (let i = 0; i < rounds; i++) {
    if (rank === 0) {
      const start = nowMs();
      await comm.sendTo(1, { t: 'm.ping' }, ping);
      await comm.recvFrom(1, 'm.pong');
      rtts.push(nowMs() - start);
    } else if (rank === 1) {
      await comm.recvFrom(0, 'm.ping');
      await comm.sendTo(0, { t: 'm.pong' }, ping);
    }
  }
  const bulk = new Uint8Array(16 * MiB);
  await comm.barrier();
  let start = nowMs();
  await comm.stream(rank === 0 ? 1 : -1, rank === 1 ? 0 : -1, bulk, count);
  if (rank === 1) await comm.sendTo(0, { t: 'm.ack' });
  if (rank === 0) await comm.recvFrom(1, 'm.ack');
  const pairSec = (nowMs() - start) / 1000;
  await comm.barrier();
  start = nowMs();
  await comm.stream((rank + 1) % n, (rank + n - 1) % n, bulk, count);
  const slowest = new Float64Array([(nowMs() - start) / 1000]);
  await comm.allReduce(slowest, 'max');
  return {
    rttUs: rank === 0 ? median(rtts) * 1000 : 0,
    pairMBs: (count * bulk.length) / pairSec / 1e6,
    ringMBs: (count * bulk.length) / slowest[0]! / 1e6,
  };
}
