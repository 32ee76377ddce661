/**
 * Splitting a data file into per-rank parts for `input: ship`: part k holds the lines that start in
 * the k-th equal byte range (the rule the runtime's range readers use), so shipped shards contain the
 * same rows as ranks reading ranges of a shared file. A CSV header line is repeated at the top of
 * every part so each shard reads on its own.
 */
import { closeSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const CHUNK = 1 << 20;

/**
 * Offsets where the parts start: the equal byte ranges of [0, size) (as the runtime's range readers
 * split a file) moved forward to the next line start; part 0 starts after the header, if any.
 */
function lineStarts(fd: number, size: number, parts: number, from: number): number[] {
  const starts = [from];
  const buf = Buffer.alloc(CHUNK);
  for (let k = 1; k < parts; k++) {
    let at = Math.floor((k * size) / parts);
    // A line starts at `at` if the byte before it is a newline.
    let found = at === 0;
    while (!found && at < size) {
      const n = readSync(fd, buf, 0, Math.min(CHUNK, size - (at - 1)), at - 1);
      const nl = buf.subarray(0, n).indexOf(10);
      if (nl < 0) at += n;
      else {
        at += nl;
        found = true;
      }
    }
    starts.push(Math.max(from, Math.min(at, size)));
  }
  starts.push(size);
  return starts;
}

/**
 * A CSV field the runtime's reader (runtimes/data/parse-number.ts) takes as a number or a missing
 * value, once blanks and one pair of double quotes are taken off: the header test must agree with it.
 */
const NUMBER_OR_MISSING =
  /^(|na|n\/a|null|none|\?|[+-]?(nan|inf|infinity)|[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?)$/i;

/** The first line, and whether it is a CSV header (some field is not a number). */
function firstLine(fd: number, size: number): { end: number; isHeader: boolean } {
  const buf = Buffer.alloc(Math.min(CHUNK, size));
  const n = readSync(fd, buf, 0, buf.length, 0);
  const nl = buf.subarray(0, n).indexOf(10);
  const end = nl < 0 ? n : nl + 1;
  // Commas inside double quotes (RFC 4180) do not split fields.
  const fields = buf
    .subarray(0, end)
    .toString('utf8')
    .trim()
    .split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
  const isHeader = fields.some(
    (f) =>
      !NUMBER_OR_MISSING.test(
        f
          .trim()
          .replace(/^"(.*)"$/, '$1')
          .trim(),
      ),
  );
  return { end, isHeader };
}

/**
 * Writes `parts` shard files of `path` into `dir` as `<prefix>-<k><ext>` and returns their paths.
 * For a CSV file with a header, every shard starts with that header.
 */
export function writeShards(
  path: string,
  parts: number,
  dir: string,
  prefix: string,
  ext: string,
  csv: boolean,
): string[] {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const head = csv ? firstLine(fd, size) : { end: 0, isHeader: false };
    const header = head.isHeader ? Buffer.alloc(head.end) : undefined;
    if (header) readSync(fd, header, 0, head.end, 0);
    const starts = lineStarts(fd, size, parts, header ? head.end : 0);
    const out: string[] = [];
    const buf = Buffer.alloc(CHUNK);
    for (let k = 0; k < parts; k++) {
      const file = join(dir, `${prefix}-${k}${ext}`);
      const wfd = openSync(file, 'w', 0o600);
      try {
        if (header) writeSync(wfd, header);
        for (let at = starts[k]!; at < starts[k + 1]!; ) {
          const n = readSync(fd, buf, 0, Math.min(CHUNK, starts[k + 1]! - at), at);
          if (n === 0) break;
          writeSync(wfd, buf, 0, n);
          at += n;
        }
      } finally {
        closeSync(wfd);
      }
      out.push(file);
    }
    return out;
  } finally {
    closeSync(fd);
  }
}
