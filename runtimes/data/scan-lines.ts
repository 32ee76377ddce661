/**
 * Line scanning over byte ranges of a file, the way Hadoop splits text: a reader given [start, end)
 * owns the lines that START inside it, reads past `end` to finish its last one, and skips the partial
 * line it lands in at `start`. So readers whose ranges tile [0, size) see every line exactly once.
 */
import { open } from 'node:fs/promises';

/** A half-open byte range [start, end) of a file. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Called with each owned line: bytes [from, to) of `buf`, without the '\n' or '\r\n'; `offset` is the
 * file offset of the line's first byte. `buf` is reused after the call returns. Return false to stop.
 */
export type LineHandler = (buf: Buffer, from: number, to: number, offset: number) => boolean;

const CHUNK = 4 << 20;
const NL = 10;
const CR = 13;

/** Splits [0, size) into `parts` contiguous, near-equal ranges, in file order. */
export function splitRanges(size: number, parts: number): ByteRange[] {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`size must be a byte count, got ${size}`);
  if (!Number.isSafeInteger(parts) || parts < 1) throw new RangeError(`parts must be ≥ 1, got ${parts}`);
  const out: ByteRange[] = [];
  for (let i = 0; i < parts; i++) {
    out.push({ start: Math.floor((i * size) / parts), end: Math.floor(((i + 1) * size) / parts) });
  }
  return out;
}

/** Streams the lines owned by `range` (the whole file when undefined) to `onLine`, in order. */
export async function scanLines(
  path: string,
  range: ByteRange | undefined,
  onLine: LineHandler,
  chunkSize = CHUNK,
): Promise<void> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const start = Math.max(0, range?.start ?? 0);
    const end = Math.min(range?.end ?? size, size);
    if (start >= end) return;
    let buf = Buffer.allocUnsafe(chunkSize);
    // Reading from start-1 tells whether a line begins exactly at `start` (the byte before is '\n').
    let base = start > 0 ? start - 1 : 0;
    let skipping = start > 0;
    let len = 0;
    let pos = 0;
    for (;;) {
      if (pos > 0) {
        buf.copyWithin(0, pos, len);
        base += pos;
        len -= pos;
        pos = 0;
      }
      if (len === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, len);
        buf = bigger;
      }
      const { bytesRead } = await fh.read(buf, len, buf.length - len, base + len);
      const eof = bytesRead === 0;
      len += bytesRead;
      const view = buf.subarray(0, len);
      if (skipping) {
        const nl = view.indexOf(NL, pos);
        if (nl < 0) {
          if (eof) return;
          pos = len;
          continue;
        }
        pos = nl + 1;
        skipping = false;
      }
      for (;;) {
        if (base + pos >= end) return;
        const nl = view.indexOf(NL, pos);
        if (nl < 0) break;
        const to = nl > pos && view[nl - 1] === CR ? nl - 1 : nl;
        if (!onLine(view, pos, to, base + pos)) return;
        pos = nl + 1;
      }
      if (eof) {
        if (pos < len) onLine(view, pos, view[len - 1] === CR ? len - 1 : len, base + pos);
        return;
      }
    }
  } finally {
    await fh.close();
  }
}

/** The first line of the file (without its line break), or undefined when the file is empty. */
export async function readFirstLine(path: string): Promise<Buffer | undefined> {
  let line: Buffer | undefined;
  await scanLines(
    path,
    { start: 0, end: 1 },
    (buf, from, to) => {
      line = Buffer.from(buf.subarray(from, to));
      return false;
    },
    64 << 10,
  );
  return line;
}

/** The 1-based line number of the line starting at `offset`: one plus the '\n's before it. */
export async function lineNumberAt(path: string, offset: number): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let line = 1;
    for (let at = 0; at < offset; ) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, offset - at), at);
      if (bytesRead === 0) break;
      const view = buf.subarray(0, bytesRead);
      for (let i = view.indexOf(NL); i >= 0; i = view.indexOf(NL, i + 1)) line++;
      at += bytesRead;
    }
    return line;
  } finally {
    await fh.close();
  }
}
