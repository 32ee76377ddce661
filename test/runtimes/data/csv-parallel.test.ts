import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CsvOptions, type Dataset, fileRanges, readCsv } from '../../../runtimes/data/index.js';
import { csvChunks } from '../../../runtimes/data/csv-parallel.js';
import { rng, tempFiles } from './temp-files.js';

const tmp = tempFiles();

/** Every typed array compared by its bytes (NaN payloads and -0 included), the rest by value. */
function assertSameBits(got: Dataset, want: Dataset, what: string): void {
  const bytes = (a: ArrayBufferView | undefined) =>
    a === undefined ? undefined : Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
  for (const k of ['features', 'labels', 'doubles', 'groups'] as const)
    assert.equal(bytes(got[k]), bytes(want[k]), `${what}: ${k}`);
  assert.deepEqual(
    { rows: got.rows, cols: got.cols, names: got.featureNames, keys: Object.keys(got).sort() },
    { rows: want.rows, cols: want.cols, names: want.featureNames, keys: Object.keys(want).sort() },
    what,
  );
}

/** Rows of mixed spellings; values float32 holds exactly up to `exactUntil`, then ones it does not. */
function mixedRows(n: number, exactUntil: number, seed: number): string[] {
  const r = rng(seed);
  // Spellings float32 holds (the missing ones too), then ones LightGBM reads as other doubles.
  const spell = ['', 'NA', 'nan', '"2.5"', ' 3 ', '-0', 'inf', '-Infinity', '1e400'];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const label = r() < 0.5 ? '0' : '1';
    const exact = i < exactUntil;
    const a = exact ? String(Math.floor(r() * 64) / 8) : (r() * 100).toFixed(3);
    const b = r() < 0.3 ? spell[Math.floor(r() * (exact ? 6 : 9))]! : exact ? '0.25' : String(r());
    const q = 7 + (i % 5);
    lines.push(`${label},${a},${b},${q}`);
    if (r() < 0.05) lines.push('');
  }
  return lines;
}

test('any thread count reads the same bits as one thread, doubles first seen in a late chunk', async () => {
  const rows = mixedRows(3000, 2400, 1);
  const path = tmp.file('mixed.csv', `label,a,b,q\r\n${rows.join('\r\n')}\r\n`);
  const cases: CsvOptions[] = [
    { keepDoubles: true },
    { keepDoubles: false },
    { keepDoubles: true, group: 'q' },
    { keepDoubles: true, label: null },
  ];
  for (const options of cases) {
    const one = await readCsv(path, { ...options, threads: 1 });
    if (options.keepDoubles) assert.ok(one.doubles, 'the fixture has values float32 does not hold');
    for (const threads of [2, 3, 4, 7]) {
      const many = await readCsv(path, { ...options, threads, minChunkBytes: 1 });
      assertSameBits(many, one, `${JSON.stringify(options)} threads=${threads}`);
    }
  }
});

test('a headerless file with a BOM and no final line break; a range cut into chunks', async () => {
  const rows = mixedRows(1500, 0, 2).filter((l) => l !== '');
  const path = tmp.file('plain.csv', `\uFEFF${rows.join('\n')}`);
  const one = await readCsv(path, { keepDoubles: true });
  assert.equal(one.rows, 1500);
  for (const threads of [2, 5]) {
    assertSameBits(await readCsv(path, { keepDoubles: true, threads, minChunkBytes: 1 }), one, `${threads}`);
  }
  // A data-parallel rank's byte range, read by 3 threads, is the rank's one-thread read.
  for (const range of await fileRanges(path, 3)) {
    const alone = await readCsv(path, { keepDoubles: true, range });
    const split = await readCsv(path, { keepDoubles: true, range, threads: 3, minChunkBytes: 1 });
    assertSameBits(split, alone, `range ${range.start}-${range.end}`);
  }
});

test('cuts at every kind of byte (a line start, a CR, a line break) lose and repeat no line', async () => {
  const lines = Array.from({ length: 60 }, (_, i) => `${i % 2},${i * 7}`);
  const text = `label,a\r\n${lines.join('\r\n')}\r\n`;
  const path = tmp.file('short.csv', text);
  const one = await readCsv(path, {});
  // The thread counts whose cuts land on each kind of byte, a few of each.
  const kindAt = (b: number) =>
    text[b - 1] === '\n' ? 'line start' : text[b] === '\r' ? 'CR' : text[b] === '\n' ? 'LF' : 'inside';
  const seen = new Map<string, number>();
  for (let threads = 2; threads <= 40 && [...seen.values()].filter((n) => n >= 2).length < 4; threads++) {
    // Where the cuts fall, computed here: near-equal parts of the file, as the reader means to cut.
    const kinds = Array.from({ length: threads - 1 }, (_, k) =>
      kindAt(Math.floor(((k + 1) * text.length) / threads)),
    );
    if (kinds.every((k) => (seen.get(k) ?? 0) >= 2)) continue;
    for (const k of kinds) seen.set(k, (seen.get(k) ?? 0) + 1);
    assertSameBits(await readCsv(path, { threads, minChunkBytes: 1 }), one, `threads=${threads}`);
  }
  assert.deepEqual([...seen.keys()].sort(), ['CR', 'LF', 'inside', 'line start']);
});

/** A clean file of `n` rows (line 1 the header) with `bad` line numbers replaced by `badLine(i)`. */
function withBadLines(
  name: string,
  n: number,
  bad: Map<number, string>,
): { path: string; offsets: number[]; size: number } {
  const lines = ['label,a,b'];
  for (let i = 2; i <= n + 1; i++) lines.push(bad.get(i) ?? `${i % 2},${i},${i / 4}`);
  const offsets: number[] = [];
  let at = 0;
  for (const l of lines) {
    offsets.push(at);
    at += l.length + 1;
  }
  return { path: tmp.file(name, `${lines.join('\n')}\n`), offsets, size: at };
}

test('the first bad line in file order wins, whichever chunk holds it and whichever ends first', async () => {
  const threads = 4;
  const n = 4000;
  const bads: { name: string; lines: Map<number, string>; want: string }[] = [
    {
      name: 'last-chunk',
      lines: new Map([[3900, '1,2,x7']]),
      want: ':3900: field 3 (b): "x7" is not a number',
    },
    {
      name: 'chunks-1-and-2',
      lines: new Map([
        [1500, '1,2'],
        [2500, '1,"2,3'],
      ]),
      want: ':1500: expected 3 fields (as on line 1), found 2',
    },
    {
      name: 'chunks-0-and-3',
      lines: new Map([
        [400, '1,"3,4",5'],
        [3500, '1,2,3,4'],
      ]),
      want: ':400: field 2 (a): "3,4" is not a number',
    },
    {
      name: 'unclosed-quote-then-more',
      lines: new Map([
        [1200, '0,"1.5,2'],
        [2200, 'a,b,c'],
        [3300, '1,2,z'],
      ]),
      want: ':1200: field 2 (a): the quote it opens is not closed on this line (quoted line breaks are not supported)',
    },
  ];
  for (const { name, lines, want } of bads) {
    const { path, offsets, size } = withBadLines(`${name}.csv`, n, lines);
    // The fixture does what it says: its bad lines lie in different chunks.
    const chunks = csvChunks({ start: 0, end: size }, threads);
    const chunkOf = (line: number) => chunks.findIndex((c) => offsets[line - 1]! < c.end);
    const held = [...lines.keys()].map(chunkOf);
    assert.equal(new Set(held).size, held.length, `${name}: bad lines in chunks ${held}`);
    await assert.rejects(readCsv(path, { threads: 1 }), { message: `${path}${want}` }, name);
    await assert.rejects(readCsv(path, { threads, minChunkBytes: 1 }), { message: `${path}${want}` }, name);
  }
});

test('a small file is read by one thread; a header-only file is refused as before', async () => {
  const path = tmp.file('small.csv', 'label,a\n1,2\n0,3\n');
  assert.deepEqual(await readCsv(path, { threads: 8 }), await readCsv(path, {}));
  const empty = tmp.file('header-only.csv', 'label,a\n\n\n\n');
  await assert.rejects(readCsv(empty, { threads: 3, minChunkBytes: 1 }), {
    message: `${empty}: the file has a header but no data rows`,
  });
});

test('chunks tile the range in order, one per thread', () => {
  const chunks = csvChunks({ start: 10, end: 111 }, 4);
  assert.equal(chunks.length, 4);
  assert.equal(chunks[0]!.start, 10);
  assert.equal(chunks.at(-1)!.end, 111);
  for (let i = 1; i < chunks.length; i++) assert.equal(chunks[i]!.start, chunks[i - 1]!.end);
});
