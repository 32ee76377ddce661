/**
 * bench:comm — 4 local rank processes, all-reduce (Float32 sum) from 8 B to 64 MiB against raw TCP
 * measured between the same processes over the same connections in the same run (A B A B). Prints the
 * table and one summary line. Targets: busbw ≥ 0.7 × raw ring TCP for ≥ 16 MiB; 8-byte latency
 * ≤ 3 × (ranks − 1) × round trip.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { RawTcp, Row } from '../runtimes/comm/index.js';

const RANKS = 4;
const SIZES = [8, 64, 1 << 10, 8 << 10, 64 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20];

interface Run {
  readonly raw: RawTcp;
  readonly rows: Row[];
}

function once<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('exit', (code) => reject(new Error(`bench rank exited with code ${code}`)));
  });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (x: number, d = 0) => x.toFixed(d).padStart(10);

function human(bytes: number): string {
  if (bytes >= 1 << 20) return `${bytes / (1 << 20)}M`;
  if (bytes >= 1 << 10) return `${bytes / (1 << 10)}K`;
  return `${bytes}`;
}

async function main(): Promise<void> {
  const worker = fileURLToPath(new URL('./comm-worker.js', import.meta.url));
  const children = Array.from({ length: RANKS }, (_, r) => fork(worker, [String(r), String(RANKS)]));
  const ports = children.map((c) => once<{ port: number }>(c));
  const setup = { token: randomBytes(32).toString('hex'), jobId: 'bench-comm', sizes: SIZES };
  for (const c of children) c.send(setup);
  const peers = (await Promise.all(ports)).map((p, rank) => ({ rank, host: '127.0.0.1', port: p.port }));
  const result = once<{ runs: Run[] }>(children[0]!);
  for (const c of children) c.send({ peers });
  const { runs } = await result;
  await Promise.all(
    children.map(
      (c) => new Promise((resolve) => (c.exitCode === null ? c.once('exit', resolve) : resolve(0))),
    ),
  );

  const raw = (k: keyof RawTcp) => mean(runs.map((r) => r.raw[k]));
  const rtt = raw('rttUs');
  const ring = raw('ringMBs');
  console.log(`raw TCP (same processes, same connections; mean of ${runs.length} runs):`);
  for (const [i, r] of runs.entries()) {
    console.log(
      `  run ${i + 1}: rtt ${r.raw.rttUs.toFixed(1)} us  pair ${r.raw.pairMBs.toFixed(0)} MB/s  ring ${r.raw.ringMBs.toFixed(0)} MB/s per link`,
    );
  }
  console.log(
    `  mean:  rtt ${rtt.toFixed(1)} us  pair ${raw('pairMBs').toFixed(0)} MB/s  ring ${ring.toFixed(0)} MB/s per link`,
  );
  console.log(`\nall-reduce Float32 sum, ${RANKS} ranks (median per run, mean of runs):`);
  console.log(
    `${'bytes'.padStart(8)}${'lat us'.padStart(10)}${'algbw MB/s'.padStart(12)}${'busbw MB/s'.padStart(12)}${'busbw/ring'.padStart(12)}`,
  );
  const summary = new Map<number, { lat: number; bus: number }>();
  for (let i = 0; i < SIZES.length; i++) {
    const rows = runs.map((r) => r.rows[i]!);
    const lat = mean(rows.map((r) => r.latencyUs));
    const alg = rows[0]!.bytes / (lat / 1e6) / 1e6;
    const bus = (alg * 2 * (RANKS - 1)) / RANKS;
    summary.set(SIZES[i]!, { lat, bus });
    console.log(
      `${human(rows[0]!.bytes).padStart(8)}${fmt(lat, 1)}${fmt(alg).padStart(12)}${fmt(bus).padStart(12)}${(bus / ring).toFixed(2).padStart(12)}`,
    );
  }
  const r16 = summary.get(16 << 20)!.bus / ring;
  const r64 = summary.get(64 << 20)!.bus / ring;
  const lat8 = summary.get(8)!.lat;
  console.log(
    `\nbench comm: ranks=${RANKS} busbw16M_ratio=${r16.toFixed(2)} busbw64M_ratio=${r64.toFixed(2)} ` +
      `lat8B_us=${lat8.toFixed(1)} rtt_us=${rtt.toFixed(1)} lat8B_over_rtt=${(lat8 / rtt).toFixed(2)}`,
  );
}

main().catch((e: unknown) => {
  console.error(`bench comm: ${(e as Error).message}`);
  process.exit(1);
});
