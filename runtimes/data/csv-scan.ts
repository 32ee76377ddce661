/**
 * The row loop of the CSV reader (csv.ts) over one byte range, given what line 1 says: the part a
 * worker thread runs too (csv-parallel.ts).
 */
import { CsvRows } from './csv-rows.js';
import { type ByteRange, scanLines } from './scan-lines.js';

/** What a chunk reader needs to know of line 1: plain data, so that it can go to a worker thread. */
export interface CsvPlan {
  readonly path: string;
  readonly header: boolean;
  readonly fields: number;
  readonly labelCol: number;
  readonly groupCol: number;
  readonly columnNames: readonly string[];
  readonly keepDoubles: boolean;
}

/** The rows of the lines that start in `range` (the whole file when undefined), up to a first failure. */
export async function scanCsv(plan: CsvPlan, range: ByteRange | undefined): Promise<CsvRows> {
  const { fields, labelCol, columnNames, groupCol, keepDoubles, header } = plan;
  const rows = new CsvRows(fields, labelCol, columnNames, groupCol, keepDoubles);
  await scanLines(plan.path, range, (buf, from, to, offset) => {
    if (offset === 0) {
      if (header) return true;
      if (buf[from] === 0xef && buf[from + 1] === 0xbb && buf[from + 2] === 0xbf) from += 3;
    }
    return from === to || rows.push(buf, from, to, offset);
  });
  return rows;
}
