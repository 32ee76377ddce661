/**
 * LibSVM reader: `label [qid:N] idx:val idx:val … [# comment]` lines into a dense Dataset.
 *
 * - Indices are taken as given, as XGBoost does: index i is column i. A 1-based file therefore has an
 *   all-missing column 0. cols = max index + 1, or `numFeatures` when given (an index ≥ it is an error).
 * - Entries a line leaves out are missing (NaN), as XGBoost treats sparse input; values may also be
 *   the CSV missing markers. An index repeated on one line is an error.
 * - `qid:N` gives groups; lines must all have it or all not (checked within what one reader reads).
 * - Blank and comment-only lines are skipped. Ranges: see scan-lines.ts. Range readers of one file
 *   should pass the same `numFeatures`, since each sees only its own indices.
 */
import { stat } from 'node:fs/promises';
import { dataError, type LineFailure, lineError, showToken } from './data-error.js';
import type { Dataset } from './dataset.js';
import { growFloat32, growInt32 } from './grow.js';
import { parseNumber } from './parse-number.js';
import { type ByteRange, scanLines } from './scan-lines.js';

/** How to read a LibSVM file. */
export interface LibsvmOptions {
  /** Read only the lines that start in this byte range. */
  readonly range?: ByteRange;
  /** Number of feature columns; default: max index + 1 of the rows read. */
  readonly numFeatures?: number;
  /** The path as the user wrote it, for messages (default: `path`). */
  readonly displayName?: string;
}

const SPACE = 32;
const TAB = 9;
const HASH = 35;
const COLON = 58;
const MAX_CELLS = 2 ** 31 - 1;

/** Reads a LibSVM file (or the rows of one byte range of it) into a Dataset. */
export async function readLibsvm(path: string, options: LibsvmOptions = {}): Promise<Dataset> {
  const name = options.displayName ?? path;
  const size = (await stat(path)).size;
  if (size === 0) throw dataError(name, 'the file is empty');
  const limit = options.numFeatures;
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
    throw dataError(name, `numFeatures must be a non-negative integer, got ${limit}`);
  }
  const rows = new SparseRows(limit);
  await scanLines(path, options.range, (buf, from, to, offset) => rows.push(buf, from, to, offset));
  if (rows.failure !== undefined) throw await lineError(path, name, rows.failure);
  const range = options.range;
  if (rows.count === 0 && (range === undefined || (range.start === 0 && range.end >= size))) {
    throw dataError(name, 'no data lines (only blank lines and comments)');
  }
  const cols = limit ?? rows.maxIndex + 1;
  if (rows.count * cols > MAX_CELLS) {
    throw dataError(name, `${rows.count} rows × ${cols} columns is too large for a dense table`);
  }
  return rows.dense(cols);
}

/** Entries in CSR form (row starts, column, value) until the width is known. */
class SparseRows {
  count = 0;
  maxIndex = -1;
  failure: LineFailure | undefined;
  private labels = new Float32Array(1024);
  private groups = new Int32Array(0);
  private hasQid: boolean | undefined;
  private rowStart = new Int32Array(1025);
  private index = new Int32Array(8192);
  private value = new Float32Array(8192);
  private entries = 0;
  // stamp[i] = 1 + the last row that set index i, to catch repeats without clearing per row.
  private stamp = new Int32Array(64);

  constructor(private readonly limit: number | undefined) {}

  push(buf: Buffer, from: number, to: number, offset: number): boolean {
    let end = from;
    while (end < to && buf[end] !== HASH) end++;
    let i = skipBlanks(buf, from, end);
    if (i === end) return true;
    const row = this.count;
    if (row === this.labels.length) {
      this.labels = growFloat32(this.labels, row + 1);
      this.rowStart = growInt32(this.rowStart, this.labels.length + 1);
    }
    let t = tokenEnd(buf, i, end);
    const label = parseNumber(buf, i, t);
    if (label === undefined) return this.fail(offset, `label ${showToken(buf, i, t)} is not a number`);
    this.labels[row] = label;
    let qid: number | undefined;
    for (i = skipBlanks(buf, t, end); i < end; i = skipBlanks(buf, t, end)) {
      t = tokenEnd(buf, i, end);
      let colon = i;
      while (colon < t && buf[colon] !== COLON) colon++;
      if (colon === t) return this.fail(offset, `${showToken(buf, i, t)} is not index:value`);
      if (colon - i === 3 && buf[i] === 113 && buf[i + 1] === 105 && buf[i + 2] === 100) {
        qid = parseIndex(buf, colon + 1, t);
        if (qid < 0) return this.fail(offset, `qid ${showToken(buf, colon + 1, t)} is not an integer`);
        continue;
      }
      const index = parseIndex(buf, i, colon);
      if (index < 0) {
        return this.fail(offset, `feature index ${showToken(buf, i, colon)} is not a non-negative integer`);
      }
      if (this.limit !== undefined && index >= this.limit) {
        const message = `feature index ${index} is out of range: numFeatures is ${this.limit} (indices 0..${this.limit - 1})`;
        return this.fail(offset, message);
      }
      const v = parseNumber(buf, colon + 1, t);
      if (v === undefined) return this.fail(offset, `value ${showToken(buf, colon + 1, t)} is not a number`);
      if (index >= this.stamp.length) this.stamp = growInt32(this.stamp, index + 1);
      if (this.stamp[index] === row + 1) return this.fail(offset, `feature index ${index} appears twice`);
      this.stamp[index] = row + 1;
      this.add(index, v);
    }
    if (this.hasQid === undefined) this.hasQid = qid !== undefined;
    else if (this.hasQid !== (qid !== undefined)) {
      return this.fail(
        offset,
        this.hasQid ? 'qid missing (earlier lines have one)' : 'qid given (earlier lines have none)',
      );
    }
    if (qid !== undefined) {
      if (row >= this.groups.length) this.groups = growInt32(this.groups, Math.max(row + 1, 1024));
      this.groups[row] = qid;
    }
    this.count = row + 1;
    this.rowStart[row + 1] = this.entries;
    return true;
  }

  dense(cols: number): Dataset {
    const rows = this.count;
    const features = new Float32Array(rows * cols).fill(Number.NaN);
    for (let r = 0; r < rows; r++) {
      for (let e = this.rowStart[r]!, stop = this.rowStart[r + 1]!; e < stop; e++) {
        features[r * cols + this.index[e]!] = this.value[e]!;
      }
    }
    return {
      rows,
      cols,
      features,
      labels: this.labels.slice(0, rows),
      featureNames: Array.from({ length: cols }, (_, i) => `f${i}`),
      ...(this.hasQid === true ? { groups: this.groups.slice(0, rows) } : {}),
    };
  }

  private add(index: number, v: number): void {
    const e = this.entries;
    if (e === this.index.length) {
      this.index = growInt32(this.index, e + 1);
      this.value = growFloat32(this.value, this.index.length);
    }
    this.index[e] = index;
    this.value[e] = v;
    this.entries = e + 1;
    if (index > this.maxIndex) this.maxIndex = index;
  }

  private fail(offset: number, message: string): false {
    this.failure = { offset, message };
    return false;
  }
}

function skipBlanks(buf: Buffer, i: number, end: number): number {
  while (i < end && (buf[i] === SPACE || buf[i] === TAB)) i++;
  return i;
}

function tokenEnd(buf: Buffer, i: number, end: number): number {
  while (i < end && buf[i] !== SPACE && buf[i] !== TAB) i++;
  return i;
}

/** The non-negative decimal integer in [from, to), or -1. */
function parseIndex(buf: Buffer, from: number, to: number): number {
  if (from === to || to - from > 10) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n <= MAX_CELLS ? n : -1;
}
