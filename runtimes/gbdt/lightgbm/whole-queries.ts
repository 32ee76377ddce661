/**
 * Ranking in data (and voting) parallel needs every query on one rank: lambdarank's gradients and
 * ndcg compare the documents of a query with each other. Byte-range shards cut a query wherever a
 * range ends, so after reading, the leading rows of a rank that continue the previous rank's last
 * query move to the rank where that query starts (past ranks that hold nothing but that query). This
 * is LightGBM's rule of partitioning by query, done with one small all-gather of the moved rows.
 */
import type { Communicator } from '../../comm/index.js';
import { type Dataset, floatsOnly } from '../../data/index.js';

/** Where each rank's leading rows go: `moved[r]` rows of rank r join rank `owner[r]` (−1: none move). */
export interface QueryMoves {
  readonly moved: readonly number[];
  readonly owner: readonly number[];
}

/**
 * The moves that make queries whole, from each rank's [rows, first id, last id, leading rows with
 * the first id]. Pure: every rank computes the same plan from the same gathered numbers.
 */
export function planQueryMoves(parts: readonly (readonly [number, number, number, number])[]): QueryMoves {
  const moved: number[] = [];
  const owner: number[] = [];
  let prev = -1;
  for (let r = 0; r < parts.length; r++) {
    const [rows, first, , head] = parts[r]!;
    moved.push(0);
    owner.push(-1);
    if (rows === 0) continue;
    if (prev >= 0 && parts[prev]![2] === first) {
      moved[r] = head;
      // A rank made of nothing but the continued query passes it on to where the query began.
      owner[r] = moved[prev] === parts[prev]![0] ? owner[prev]! : prev;
    }
    prev = r;
  }
  return { moved, owner };
}

/** This rank's rows with every query whole (a no-op without groups or with one rank). */
export async function wholeQueries(comm: Communicator, d: Dataset): Promise<Dataset> {
  const n = comm.worldSize;
  if (n === 1 || !d.groups) return d;
  const g = d.groups;
  let head = 0;
  while (head < d.rows && g[head] === g[0]) head++;
  const info = new Float64Array(4 * n);
  info.set([d.rows, d.rows > 0 ? g[0]! : 0, d.rows > 0 ? g[d.rows - 1]! : 0, head], 4 * comm.rank);
  await comm.allGather(info, new Array<number>(n).fill(4));
  const parts = Array.from(
    { length: n },
    (_, r) => [...info.subarray(4 * r, 4 * r + 4)] as [number, number, number, number],
  );
  const { moved, owner } = planQueryMoves(parts);
  const total = moved.reduce((a, b) => a + b, 0);
  if (total === 0) return d;
  const at = moved.map((_, r) => moved.slice(0, r).reduce((a, b) => a + b, 0));
  const mine = moved[comm.rank]!;
  const cols = d.cols;
  const features = new Float32Array(total * cols);
  features.set(d.features.subarray(0, mine * cols), at[comm.rank]! * cols);
  await comm.allGather(
    features,
    moved.map((m) => m * cols),
  );
  const labels = new Float32Array(total);
  labels.set(d.labels.subarray(0, mine), at[comm.rank]!);
  await comm.allGather(labels, moved);
  const groups = new Float64Array(total);
  groups.set(g.subarray(0, mine), at[comm.rank]!);
  await comm.allGather(groups, moved);
  const incoming = moved.flatMap((m, r) => (owner[r] === comm.rank && m > 0 ? [r] : []));
  const extra = incoming.reduce((a, r) => a + moved[r]!, 0);
  const rows = d.rows - mine + extra;
  const out = {
    features: new Float32Array(rows * cols),
    labels: new Float32Array(rows),
    groups: new Int32Array(rows),
  };
  out.features.set(d.features.subarray(mine * cols));
  out.labels.set(d.labels.subarray(mine));
  out.groups.set(g.subarray(mine));
  let to = d.rows - mine;
  for (const r of incoming) {
    const from = at[r]!;
    out.features.set(features.subarray(from * cols, (from + moved[r]!) * cols), to * cols);
    out.labels.set(labels.subarray(from, from + moved[r]!), to);
    out.groups.set(groups.subarray(from, from + moved[r]!), to);
    to += moved[r]!;
  }
  return { ...floatsOnly(d), rows, ...out };
}
