/**
 * bench:lgb-traffic — what LightGBM data parallelism sends: 2 and 4 ranks in this process over
 * loopback TCP, each with its row shard of the synthetic binary set, grow one tree (num_leaves 255)
 * with histograms all-reduced whole (the baseline) and reduce-scattered by feature block
 * (parallel-data.ts). Counts the payload bytes each rank sends during that tree (Communicator.bytesSent
 * between the first and second iteration's reports) and checks that both give the same tree. 28
 * features fit the small-buffer collectives (gather to rank 0 / direct reduce-scatter); 120 features
 * take the rings. Prints a table and one summary line.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { isDeepStrictEqual } from 'node:util';
import { type Communicator, createCommunicator, openEndpoint } from '../runtimes/comm/index.js';
import type { Dataset } from '../runtimes/data/dataset.js';
import { collectiveFrom, parseLgbParams, trainLightgbm, type Tree } from '../runtimes/gbdt/index.js';
import { generate } from './gen-synthetic.js';

type Mode = 'all-reduce' | 'reduce-scatter';

async function mesh(n: number): Promise<Communicator[]> {
  const auth = { token: randomBytes(32).toString('hex'), jobId: 'bench-lgb-traffic' };
  const endpoints = await Promise.all(Array.from({ length: n }, () => openEndpoint('127.0.0.1', 0, auth)));
  const peers = endpoints.map((e, rank) => ({ rank, host: '127.0.0.1', port: e.port }));
  return Promise.all(
    endpoints.map((endpoint, rank) => createCommunicator({ endpoint, rank, worldSize: n, peers })),
  );
}

function shard(d: Dataset, r: number, n: number): Dataset {
  const from = Math.floor((r * d.rows) / n);
  const to = Math.floor(((r + 1) * d.rows) / n);
  return {
    rows: to - from,
    cols: d.cols,
    features: d.features.slice(from * d.cols, to * d.cols),
    labels: d.labels.slice(from, to),
    featureNames: d.featureNames,
  };
}

/** Bytes each rank sent while growing the second iteration's tree, that tree, and the seconds it took. */
async function oneTree(
  data: Dataset,
  ranks: number,
  histograms: Mode,
): Promise<{ bytes: number[]; tree: Tree; seconds: number }> {
  const comms = await mesh(ranks);
  const params = parseLgbParams({ objective: 'binary', num_iterations: 2, num_leaves: 255, num_threads: 1 });
  const marks = comms.map(() => [] as number[]);
  const times: number[] = [];
  try {
    const models = await Promise.all(
      comms.map((c, r) =>
        trainLightgbm({
          train: shard(data, r, ranks),
          params,
          collective: collectiveFrom(c),
          histograms,
          onRound: () => {
            marks[r]!.push(c.bytesSent);
            if (r === 0) times.push(performance.now());
          },
        }),
      ),
    );
    return {
      bytes: marks.map((m) => m[1]! - m[0]!),
      tree: models[0]!.trees[1]!,
      seconds: (times[1]! - times[0]!) / 1000,
    };
  } finally {
    await Promise.all(comms.map((c) => c.close()));
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '200000' } } });
  const rows = Number(values.rows);
  const mb = (b: number) => (b / 1e6).toFixed(2).padStart(9);
  console.log(`one tree (num_leaves 255), ${rows} rows split over the ranks; payload MB sent per rank`);
  console.log(
    `${'features'.padStart(8)}${'ranks'.padStart(6)}${'mode'.padStart(16)}${'max'.padStart(9)}${'mean'.padStart(9)}   per rank${' '.repeat(26)}seconds (all ranks, one process)`,
  );
  const summary: string[] = [];
  for (const cols of [28, 120]) {
    const data = generate('binary', rows, cols, 1, 0.02);
    for (const ranks of [2, 4]) {
      const got = new Map<Mode, { bytes: number[]; tree: Tree; seconds: number }>();
      for (const mode of ['all-reduce', 'reduce-scatter'] as const) {
        const r = await oneTree(data, ranks, mode);
        got.set(mode, r);
        const mean = r.bytes.reduce((a, b) => a + b, 0) / ranks;
        console.log(
          `${String(cols).padStart(8)}${String(ranks).padStart(6)}${mode.padStart(16)}${mb(Math.max(...r.bytes))}${mb(mean)}   ${r.bytes
            .map((b) => (b / 1e6).toFixed(2))
            .join(' ')
            .padEnd(34)}${r.seconds.toFixed(2)}`,
        );
      }
      const ar = got.get('all-reduce')!;
      const rs = got.get('reduce-scatter')!;
      if (!isDeepStrictEqual(ar.tree, rs.tree)) console.log('  note: the two modes grew different trees');
      const ratio = (f: (b: number[]) => number) => (f(rs.bytes) / f(ar.bytes)).toFixed(3);
      const total = (b: number[]) => b.reduce((x, y) => x + y, 0);
      summary.push(
        `f${cols}r${ranks}_max_ratio=${ratio((b) => Math.max(...b))} f${cols}r${ranks}_mean_ratio=${ratio(total)}`,
      );
    }
  }
  console.log(`bench lgb-traffic: rows=${rows} ${summary.join(' ')}`);
}

await main();
