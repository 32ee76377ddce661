/**
 * bench:csv-read — the CSV reader on the synthetic binary set (`rows` × 28, 2 % missing, written
 * once by gen-synthetic and cached), against the bare line scan of the same file (scanLines with a
 * handler that does nothing) as the in-run baseline. Three files are read: the plain one, the same
 * rows with every field in double quotes (RFC 4180's slow path), and the plain one with CRLF line ends.
 * Alternates scan, plain, quoted and crlf `reps` times in one process; the fastest of each counts.
 *
 *   npm run bench:csv-read -- [--rows 1000000] [--reps 3] [--threads 1] [--doubles]
 *
 * `--threads` parses with that many threads (as a job with nthread / num_threads does);
 * `--doubles` keeps LightGBM's doubles too, as the lightgbm framework reads.
 *
 * Summary: `bench csv-read: rows=… scan_s=… plain_s=… quoted_s=… crlf_s=… plain_over_scan=…
 * quoted_over_plain=…`.
 */
import { closeSync, existsSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readCsv } from '../runtimes/data/index.js';
import { scanLines } from '../runtimes/data/scan-lines.js';
import { defaultCacheDir } from './datasets.js';
import { ensureSynthetic } from './gbdt-data.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    reps: { type: 'string', default: '3' },
    threads: { type: 'string', default: '1' },
    doubles: { type: 'boolean', default: false },
  },
});
const rows = Number(values.rows);
const reps = Number(values.reps);
const opts = { threads: Number(values.threads), keepDoubles: values.doubles === true };
const dir = defaultCacheDir();
const plain = ensureSynthetic(dir, 'binary', rows, 1);

/** A copy of `src` with each line rewritten by `edit`, cached next to it. */
async function variant(src: string, suffix: string, edit: (line: string) => string): Promise<string> {
  const path = src.replace(/\.csv$/, `-${suffix}.csv`);
  if (existsSync(path)) return path;
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  let out = '';
  await scanLines(src, undefined, (buf, from, to) => {
    out += edit(buf.toString('latin1', from, to));
    if (out.length > 1 << 20) {
      writeSync(fd, out, null, 'latin1');
      out = '';
    }
    return true;
  });
  writeSync(fd, out, null, 'latin1');
  closeSync(fd);
  renameSync(tmp, path);
  return path;
}

const quoted = await variant(
  plain,
  'quoted',
  (l) =>
    `${l
      .split(',')
      .map((f) => `"${f}"`)
      .join(',')}\n`,
);
const crlf = await variant(plain, 'crlf', (l) => `${l}\r\n`);

async function time(run: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await run();
  return (performance.now() - t0) / 1000;
}

const best = { scan: Infinity, plain: Infinity, quoted: Infinity, crlf: Infinity };
for (let r = 0; r < reps; r++) {
  best.scan = Math.min(best.scan, await time(() => scanLines(plain, undefined, () => true)));
  best.plain = Math.min(best.plain, await time(() => readCsv(plain, opts)));
  best.quoted = Math.min(best.quoted, await time(() => readCsv(quoted, opts)));
  best.crlf = Math.min(best.crlf, await time(() => readCsv(crlf, opts)));
  console.log(
    `rep ${r + 1}: scan ${best.scan.toFixed(3)} s, plain ${best.plain.toFixed(3)} s, quoted ${best.quoted.toFixed(3)} s, crlf ${best.crlf.toFixed(3)} s (best so far)`,
  );
}
const f = (v: number) => v.toFixed(3);
console.log(`files: ${join(dir)} (${rows} rows × 28)`);
console.log(
  `bench csv-read: rows=${rows} threads=${opts.threads} doubles=${opts.keepDoubles} scan_s=${f(best.scan)} plain_s=${f(best.plain)} quoted_s=${f(best.quoted)} crlf_s=${f(best.crlf)} plain_over_scan=${(best.plain / best.scan).toFixed(2)} quoted_over_plain=${(best.quoted / best.plain).toFixed(2)}`,
);
