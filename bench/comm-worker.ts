/**
 * One rank of bench/comm.ts, run as a child process. Over IPC it gets the job token, reports its
 * endpoint port, gets the peer table, then measures raw TCP and the all-reduce alternately (A B A B)
 * and sends rank 0's figures back.
 */
import {
  createCommunicator,
  measureCollectives,
  measureRawTcp,
  openEndpoint,
  type RawTcp,
  type Row,
} from '../runtimes/comm/index.js';

interface Setup {
  readonly token: string;
  readonly jobId: string;
  readonly sizes: readonly number[];
}

function next<T>(): Promise<T> {
  return new Promise((resolve) => process.once('message', (m) => resolve(m as T)));
}

async function main(): Promise<void> {
  const rank = Number(process.argv[2]);
  const worldSize = Number(process.argv[3]);
  const setup = await next<Setup>();
  const auth = { token: setup.token, jobId: setup.jobId };
  const endpoint = await openEndpoint('127.0.0.1', 0, auth);
  const peersMessage = next<{ peers: { rank: number; host: string; port: number }[] }>();
  process.send!({ port: endpoint.port });
  const { peers } = await peersMessage;
  // Tuning experiments: DTRAIN_BENCH_SEGMENT / DTRAIN_BENCH_SMALL override the defaults (bytes).
  const env = (k: string) =>
    process.env[k]
      ? { [k === 'DTRAIN_BENCH_SEGMENT' ? 'segmentBytes' : 'smallBytes']: Number(process.env[k]) }
      : {};
  const tuning = { ...env('DTRAIN_BENCH_SEGMENT'), ...env('DTRAIN_BENCH_SMALL') };
  const comm = await createCommunicator({ endpoint, rank, worldSize, peers, ...tuning });
  const runs: { raw: RawTcp; rows: Row[] }[] = [];
  for (let round = 0; round < 2; round++) {
    const raw = await measureRawTcp(comm);
    const rows = await measureCollectives(comm, { sizes: setup.sizes, minTimeMs: 300 });
    runs.push({ raw, rows });
  }
  await comm.close();
  if (rank === 0) await new Promise<void>((resolve) => process.send!({ runs }, () => resolve()));
  process.disconnect();
}

main().catch((e: unknown) => {
  console.error(`bench rank ${process.argv[2]}: ${(e as Error).stack ?? String(e)}`);
  process.exit(1);
});
