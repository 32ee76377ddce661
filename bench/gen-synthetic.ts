/**
 * Writes a synthetic CSV (header `label,f0,…`, missing values as empty fields) for benches and
 * accuracy checks of the GBDT engine:
 *
 *   node dist/bench/gen-synthetic.js --kind binary|regression --rows N --cols 28 --seed S \
 *     --missing 0.02 --out FILE.csv
 *
 * The same arguments give the same bytes on every machine; `generate()` gives the same table in memory.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type SyntheticKind, SyntheticRows } from './gen-model.js';

export { generate, type SyntheticKind } from './gen-model.js';

const CHUNK = 4 << 20;
const COMMA = 44;
const NEWLINE = 10;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;

/** Writes `rows` synthetic rows to `path` in 4 MiB chunks; returns the bytes written. */
export function writeSynthetic(
  path: string,
  kind: SyntheticKind,
  rows: number,
  cols: number,
  seed: number,
  missing: number,
): number {
  const source = new SyntheticRows(kind, cols, seed, missing);
  const row = new Float64Array(cols);
  // A row is at most cols+1 fields of sign, 16 digits, point and 4 decimals, plus separators.
  const buf = Buffer.allocUnsafe(CHUNK + (cols + 1) * 24);
  const fd = openSync(path, 'w');
  let total = 0;
  try {
    let pos = buf.write(`label,${Array.from({ length: cols }, (_, j) => `f${j}`).join(',')}\n`, 'latin1');
    for (let i = 0; i < rows; i++) {
      pos = writeFixed4(buf, pos, source.next(row));
      for (let j = 0; j < cols; j++) {
        buf[pos++] = COMMA;
        pos = writeFixed4(buf, pos, row[j]!);
      }
      buf[pos++] = NEWLINE;
      if (pos >= CHUNK) {
        total += writeSync(fd, buf, 0, pos);
        pos = 0;
      }
    }
    total += writeSync(fd, buf, 0, pos);
  } finally {
    closeSync(fd);
  }
  return total;
}

/** Prints v with at most 4 decimals, trailing zeros dropped; NaN prints nothing (a missing field). */
function writeFixed4(buf: Buffer, pos: number, v: number): number {
  if (Number.isNaN(v)) return pos;
  let q = Math.round(v * 1e4);
  if (q < 0) {
    buf[pos++] = MINUS;
    q = -q;
  }
  if (q >= 1e20) return pos + buf.write(String(q / 1e4), pos, 'latin1');
  let whole = Math.floor(q / 1e4);
  let frac = q - whole * 1e4;
  let width = 1;
  for (let n = whole; n >= 10; n = Math.floor(n / 10)) width++;
  for (let d = pos + width - 1; d >= pos; d--) {
    buf[d] = ZERO + (whole % 10);
    whole = Math.floor(whole / 10);
  }
  pos += width;
  if (frac > 0) {
    buf[pos++] = DOT;
    let digits = 4;
    while (frac % 10 === 0) {
      frac /= 10;
      digits--;
    }
    for (let d = digits - 1; d >= 0; d--) {
      buf[pos + d] = ZERO + (frac % 10);
      frac = Math.floor(frac / 10);
    }
    pos += digits;
  }
  return pos;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      kind: { type: 'string', default: 'binary' },
      rows: { type: 'string', default: '100000' },
      cols: { type: 'string', default: '28' },
      seed: { type: 'string', default: '1' },
      missing: { type: 'string', default: '0.02' },
      out: { type: 'string' },
    },
  });
  if (values.kind !== 'binary' && values.kind !== 'regression')
    throw new Error('--kind must be binary or regression');
  if (values.out === undefined) throw new Error('--out FILE.csv is required');
  const [rows, cols, seed, missing] = [values.rows, values.cols, values.seed, values.missing].map(Number) as [
    number,
    number,
    number,
    number,
  ];
  const started = performance.now();
  const bytes = writeSynthetic(values.out, values.kind, rows, cols, seed, missing);
  const seconds = (performance.now() - started) / 1000;
  const mib = (bytes / 2 ** 20).toFixed(1);
  console.log(`wrote ${rows} rows × ${cols} cols (${mib} MiB) to ${values.out} in ${seconds.toFixed(2)} s`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
