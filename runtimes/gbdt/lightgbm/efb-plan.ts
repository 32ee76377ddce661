/**
 * Planning exclusive feature bundles (lightgbm/efb.ts applies a plan): on an evenly spaced sample of
 * the rows, each feature's most frequent code and the sample rows off it, then LightGBM's greedy
 * packing. With several ranks (data parallel) the sample is one sample of all ranks' rows: the code
 * counts are all-reduced and the off-default rows all-gathered, so every rank packs the same bundles
 * as one process holding every row would (planSharedBundles) — the same model on 1, 2 or N ranks.
 * LightGBM's own distributed loader bundles from each machine's local sample instead.
 */
import type { BinMatrix, Collective } from '../core/index.js';
import type { BundlePlan, EfbOptions } from './efb-options.js';

/** Bundle codes 0 .. MAX_CODE − 1, plus the engine's unused "missing" code MAX_CODE: one byte. */
export const MAX_CODE = 255;

/** The codes each feature of `m` has: its bins and its missing code. */
export function codeCounts(m: BinMatrix): Int32Array {
  return Int32Array.from({ length: m.cols }, (_, f) => m.missingCode[f]! + 1);
}

/**
 * The bundling sample: of `total` rows (all ranks'), at most `sampleRows`, evenly spaced — sample
 * index s is global row floor(s · step). A rank holds the sample indices [from, to), its rows
 * starting at global row `offset`. One process: offset 0 and total = its rows.
 */
export interface EfbSample {
  readonly step: number;
  readonly size: number;
  readonly from: number;
  readonly to: number;
  readonly offset: number;
}

export function efbSample(total: number, sampleRows: number, offset = 0, rows = total): EfbSample {
  const step = Math.max(1, total / Math.max(1, sampleRows));
  const size = Math.min(total, Math.floor(total / step));
  // The first sample index whose row is at or past `row` (the same answer on every rank).
  const firstAt = (row: number): number => {
    let s = Math.min(size, Math.max(0, Math.ceil(row / step)));
    while (s > 0 && Math.floor((s - 1) * step) >= row) s--;
    while (s < size && Math.floor(s * step) < row) s++;
    return s;
  };
  return { step, size, from: firstAt(offset), to: firstAt(offset + rows), offset };
}

/** Per feature's codes (`off[f]` + code): how many of this rank's sample rows have each. */
export function sampleCodeCounts(m: BinMatrix, sample: EfbSample): { off: Int32Array; counts: Float64Array } {
  const { cols, codes } = m;
  const nCodes = codeCounts(m);
  const off = new Int32Array(cols + 1);
  for (let f = 0; f < cols; f++) off[f + 1] = off[f]! + nCodes[f]!;
  const counts = new Float64Array(off[cols]!);
  for (let s = sample.from; s < sample.to; s++) {
    const row = (Math.floor(s * sample.step) - sample.offset) * cols;
    for (let f = 0; f < cols; f++) counts[off[f]! + codes[row + f]!]! += 1;
  }
  return { off, counts };
}

/** What the (all ranks') code counts say: each feature's default code and rows off it, and who may bundle. */
export interface EfbCandidates {
  /** Per feature: its most frequent code (−1 for features never bundled). */
  readonly defaultCode: Int32Array;
  /** Per feature: sample rows off its most frequent code. */
  readonly nonDefault: Int32Array;
  readonly candidates: readonly number[];
}

export function efbCandidates(
  m: BinMatrix,
  off: Int32Array,
  counts: Float64Array,
  sampleSize: number,
  exclude: ReadonlySet<number>,
): EfbCandidates {
  const cols = m.cols;
  const nCodes = codeCounts(m);
  const defaultCode = new Int32Array(cols).fill(-1);
  const nonDefault = new Int32Array(cols);
  const candidates: number[] = [];
  for (let f = 0; f < cols; f++) {
    let d = 0;
    for (let c = 1; c < nCodes[f]!; c++) if (counts[off[f]! + c]! > counts[off[f]! + d]!) d = c;
    nonDefault[f] = sampleSize - counts[off[f]! + d]!;
    if (exclude.has(f) || nCodes[f]! > MAX_CODE - 1) continue;
    defaultCode[f] = d;
    candidates.push(f);
  }
  return { defaultCode, nonDefault, candidates };
}

/** Per candidate (in order): this rank's sample indices (global, ascending) where it is off its default. */
export function nonDefaultRows(m: BinMatrix, sample: EfbSample, c: EfbCandidates): Int32Array[] {
  const { cols, codes } = m;
  const lists = c.candidates.map(() => [] as number[]);
  for (let s = sample.from; s < sample.to; s++) {
    const row = (Math.floor(s * sample.step) - sample.offset) * cols;
    for (let i = 0; i < c.candidates.length; i++) {
      const f = c.candidates[i]!;
      if (codes[row + f] !== c.defaultCode[f]) lists[i]!.push(s);
    }
  }
  return lists.map((l) => Int32Array.from(l));
}

/** Which features of `m` to bundle, from a sample of its rows; undefined when none can share. */
export function planBundles(m: BinMatrix, o: EfbOptions): BundlePlan | undefined {
  const sample = efbSample(m.rows, o.sampleRows);
  const { off, counts } = sampleCodeCounts(m, sample);
  const c = efbCandidates(m, off, counts, sample.size, o.exclude);
  if (c.candidates.length < 2) return undefined;
  return packBundles(m, c, nonDefaultRows(m, sample, c), sample.size, o.maxConflictRate);
}

/**
 * The greedy packing (densest first, first bundle that takes it) from every candidate's off-default
 * sample rows (`rows[i]` for candidates[i], global sample indices) over a sample of `sampleSize`.
 */
export function packBundles(
  m: BinMatrix,
  c: EfbCandidates,
  rows: readonly Int32Array[],
  sampleSize: number,
  maxConflictRate: number,
): BundlePlan | undefined {
  const cols = m.cols;
  const nCodes = codeCounts(m);
  const { defaultCode, nonDefault } = c;
  const rowsOf = new Map(c.candidates.map((f, i) => [f, rows[i]!]));
  const maxConflicts = Math.floor(maxConflictRate * sampleSize);
  const candidates = [...c.candidates].sort((a, b) => nonDefault[b]! - nonDefault[a]! || a - b);
  const bundles: { features: number[]; used: Uint8Array; conflicts: number; size: number }[] = [];
  for (const f of candidates) {
    const width = nCodes[f]! - 1;
    const nz = rowsOf.get(f)!;
    let placed = false;
    for (const b of bundles) {
      if (b.size + width > MAX_CODE) continue;
      let conflicts = b.conflicts;
      for (let i = 0; i < nz.length && conflicts <= maxConflicts; i++) conflicts += b.used[nz[i]!]!;
      if (conflicts > maxConflicts) continue;
      for (let i = 0; i < nz.length; i++) b.used[nz[i]!] = 1;
      b.features.push(f);
      b.conflicts = conflicts;
      b.size += width;
      placed = true;
      break;
    }
    if (!placed) {
      const used = new Uint8Array(sampleSize);
      for (let i = 0; i < nz.length; i++) used[nz[i]!] = 1;
      bundles.push({ features: [f], used, conflicts: 0, size: 1 + width });
    }
  }
  if (bundles.every((b) => b.features.length < 2)) return undefined;
  const members: number[][] = [];
  const inBundle = new Int32Array(cols).fill(-1);
  for (const b of bundles) {
    if (b.features.length < 2) continue;
    b.features.sort((x, y) => x - y);
    for (const f of b.features) inBundle[f] = members.length;
    members.push(b.features);
  }
  for (let f = 0; f < cols; f++) if (inBundle[f]! < 0) members.push([f]);
  members.sort((a, b) => a[0]! - b[0]!);
  return { members, defaults: Array.from(defaultCode) };
}

const BITSET = 0xffffffff;

/**
 * The plan of planBundles over the rows of every rank, each rank holding the rows from global row
 * `span.offset` (one all-reduce of code counts, one all-gather of off-default rows; every rank then
 * packs alike). A candidate's rows travel as indices or as a bitset over the rank's sample, whichever
 * is smaller.
 */
export async function planSharedBundles(
  m: BinMatrix,
  o: EfbOptions,
  collective: Collective,
  span: { readonly offset: number; readonly total: number },
): Promise<BundlePlan | undefined> {
  if (collective.worldSize === 1) return planBundles(m, o);
  const sample = efbSample(span.total, o.sampleRows, span.offset, m.rows);
  const { off, counts } = sampleCodeCounts(m, sample);
  await collective.allReduceSum(counts);
  const c = efbCandidates(m, off, counts, sample.size, o.exclude);
  if (c.candidates.length < 2) return undefined;
  const parts = await collective.allGather(encodeRows(nonDefaultRows(m, sample, c), sample));
  const decoded = parts.map((b) => decodeRows(b, c.candidates.length));
  const rows = c.candidates.map((_, i) => {
    const out = new Int32Array(decoded.reduce((n, d) => n + d[i]!.length, 0));
    let at = 0;
    for (const d of decoded) {
      out.set(d[i]!, at);
      at += d[i]!.length;
    }
    return out;
  });
  return packBundles(m, c, rows, sample.size, o.maxConflictRate);
}

/** [from, to, then per candidate: n and n indices − from, or BITSET and the bits of [from, to)]. */
function encodeRows(lists: readonly Int32Array[], sample: EfbSample): Uint8Array {
  const n = sample.to - sample.from;
  const words = Math.ceil(n / 32);
  const out: number[] = [sample.from, sample.to];
  for (const l of lists) {
    if (l.length <= words) {
      out.push(l.length);
      for (const s of l) out.push(s - sample.from);
      continue;
    }
    out.push(BITSET);
    const bits = new Uint32Array(words);
    for (const s of l) bits[(s - sample.from) >>> 5]! |= 1 << ((s - sample.from) & 31);
    for (const w of bits) out.push(w);
  }
  return new Uint8Array(Uint32Array.from(out).buffer);
}

function decodeRows(bytes: Uint8Array, candidates: number): Int32Array[] {
  const w = new Uint32Array(bytes.slice().buffer);
  const from = w[0]!;
  const n = w[1]! - from;
  let at = 2;
  const lists: Int32Array[] = [];
  for (let i = 0; i < candidates; i++) {
    const len = w[at++]!;
    if (len !== BITSET) {
      lists.push(Int32Array.from(w.subarray(at, at + len), (x) => x + from));
      at += len;
      continue;
    }
    const l: number[] = [];
    for (let j = 0; j < n; j++) if ((w[at + (j >>> 5)]! >>> (j & 31)) & 1) l.push(from + j);
    lists.push(Int32Array.from(l));
    at += Math.ceil(n / 32);
  }
  return lists;
}
