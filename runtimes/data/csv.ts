/**
 * CSV reader: numeric comma-separated values into a Dataset, parsed from the file's bytes in chunks.
 *
 * - Header: 'auto' (default) takes line 1 as a header when one of its fields is not a number or a
 *   missing marker. Every header field must be a name, unique in the header: an empty one (a trailing
 *   comma, a pandas index column) or a repeated one would make a feature the model files and
 *   `dtrain predict` cannot tell apart, so reading refuses it at `FILE:1`.
 * - Quoting (RFC 4180, see csv-fields.ts): any field may be wrapped in double quotes, with `""` for a
 *   quote and commas as text inside; a quoted field must close on its line. The byte loop looks
 *   for commas only, as for unquoted files; a quoted field with a comma or a "" inside fails to
 *   parse there and goes to a slow path that finds its real end.
 * - Label: a header name or a 0-based field index; null = no label column (labels are NaN, e.g. for
 *   predict). Default: the column named label, target or y (any case), else field 0, as XGBoost's
 *   `label_column=0`.
 * - Group (ranking queries): a header name, or LightGBM's `group_column` index, which does not count
 *   the label column. Its values must be integers; the column is not a feature.
 * - Numbers, infinities (inf, Infinity, 1e400 …) and missing values (NaN: an empty field, NA, nan, null,
 *   …): see parse-number.ts. Blank lines are skipped; every other line must have as many fields as
 *   line 1, or reading fails with `FILE:LINE: …`.
 * - Ranges: see scan-lines.ts. Every range reader reads line 1 for the column count and names; a
 *   header line is data for nobody. A range with no rows is fine; a whole file with none is an error.
 */
import { stat } from 'node:fs/promises';
import { readCsvChunks } from './csv-parallel.js';
import { splitFields } from './csv-fields.js';
import { type CsvPlan, scanCsv } from './csv-scan.js';
import { dataError, lineError } from './data-error.js';
import type { Dataset } from './dataset.js';
import { isNumberOrMissing } from './parse-number.js';
import { type ByteRange, readFirstLine } from './scan-lines.js';

/** How to read a CSV file. */
export interface CsvOptions {
  /** Header name or 0-based field index of the label; null = none. Default: see the module doc. */
  readonly label?: string | number | null;
  /** Query column: a header name or LightGBM's index (the label not counted). Default: none. */
  readonly group?: string | number;
  /** Whether line 1 names the columns; 'auto' (default) decides from its fields. */
  readonly header?: 'auto' | boolean;
  /** Read only the lines that start in this byte range. */
  readonly range?: ByteRange;
  /** The path as the user wrote it, for messages (default: `path`). */
  readonly displayName?: string;
  /**
   * Keep LightGBM's reading of each value (Dataset.doubles, see lightgbm-atof.ts) when some value
   * differs from its float32. Default false.
   */
  readonly keepDoubles?: boolean;
  /**
   * Threads that parse the lines (the job's thread setting): the range is cut at byte offsets into
   * one chunk per thread, at least `minChunkBytes` each (so a small file is read by one), and every
   * value and every error is what one thread would give. Default 1.
   */
  readonly threads?: number;
  /** The smallest chunk worth a thread (default 4 MiB; tests set it low to cut small files). */
  readonly minChunkBytes?: number;
}

const MIN_CHUNK_BYTES = 4 << 20;

const LABEL_NAMES = ['label', 'target', 'y'];

/** Reads a CSV file (or the rows of one byte range of it) into a Dataset. */
export async function readCsv(path: string, options: CsvOptions = {}): Promise<Dataset> {
  const name = options.displayName ?? path;
  const first = await readFirstLine(path);
  if (first === undefined) throw dataError(name, 'the file is empty');
  const fields = splitHeader(name, first);
  const header =
    options.header === undefined || options.header === 'auto'
      ? fields.some((f) => !isNumberOrMissing(f))
      : options.header;
  if (header) checkNames(name, fields);
  const labelCol = resolveLabel(name, options.label, header ? fields : undefined, fields.length);
  const groupCol = resolveGroup(name, options.group, header ? fields : undefined, fields.length, labelCol);
  let f = 0;
  const columnNames = fields.map((h, i) =>
    header ? h : i === labelCol ? 'label' : i === groupCol ? 'group' : `f${f++}`,
  );
  const plan: CsvPlan = {
    path,
    header,
    fields: fields.length,
    labelCol,
    groupCol,
    columnNames,
    keepDoubles: options.keepDoubles === true,
  };
  const featureNames = columnNames.filter((_, i) => i !== labelCol && i !== groupCol);
  const size = (await stat(path)).size;
  const start = Math.max(0, options.range?.start ?? 0);
  const end = Math.min(options.range?.end ?? size, size);
  const threads = Math.min(
    Math.max(1, Math.floor(options.threads ?? 1)),
    Math.max(1, Math.floor((end - start) / (options.minChunkBytes ?? MIN_CHUNK_BYTES))),
  );
  const { dataset, failure } =
    threads > 1
      ? await readCsvChunks(plan, { start, end }, threads, featureNames)
      : await scanCsv(plan, options.range).then((rows) => ({
          dataset: rows.dataset(featureNames),
          failure: rows.failure,
        }));
  if (failure !== undefined) throw await lineError(path, name, failure);
  if (dataset.rows === 0 && (options.range === undefined || options.range.start === 0)) {
    // A range from 0 that saw no rows can still be one shard of a longer file: only a whole read knows.
    const whole = options.range === undefined || size <= options.range.end;
    if (whole) throw dataError(name, header ? 'the file has a header but no data rows' : 'no data rows');
  }
  return dataset;
}

function resolveGroup(
  name: string,
  group: string | number | undefined,
  header: readonly string[] | undefined,
  count: number,
  labelCol: number,
): number {
  if (group === undefined) return -1;
  let i: number;
  if (typeof group === 'number') {
    // LightGBM's group_column index does not count the label column.
    i = labelCol >= 0 && group >= labelCol ? group + 1 : group;
    if (!(Number.isInteger(group) && group >= 0 && i < count))
      throw dataError(`${name}:1`, `group column ${group} not found: line 1 has ${count} fields`);
  } else {
    if (header === undefined)
      throw dataError(`${name}:1`, `group column "${group}" not found: the file has no header line`);
    i = header.indexOf(group);
    if (i < 0)
      throw dataError(`${name}:1`, `group column "${group}" not found (columns: ${header.join(', ')})`);
  }
  if (i === labelCol)
    throw dataError(`${name}:1`, `the group column ${JSON.stringify(group)} is the label column`);
  return i;
}

function splitHeader(name: string, line: Buffer): string[] {
  let text = line.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const fields = splitFields(text);
  if (!Array.isArray(fields)) throw dataError(`${name}:1`, fields.error);
  return fields;
}

/** Refuses a header with an unnamed or repeated column (see the module doc). */
function checkNames(name: string, fields: readonly string[]): void {
  const seen = new Map<string, number>();
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (field === '') {
      const why =
        i === fields.length - 1 && i > 0
          ? ' (line 1 ends with a comma): name the column or remove the comma'
          : ': name the column or remove it';
      throw dataError(`${name}:1`, `header field ${i + 1} of ${fields.length} has no name${why}`);
    }
    const first = seen.get(field);
    if (first !== undefined)
      throw dataError(
        `${name}:1`,
        `header fields ${first + 1} and ${i + 1} are both named ${JSON.stringify(field)}: column names must be unique`,
      );
    seen.set(field, i);
  }
}

function resolveLabel(
  name: string,
  label: string | number | null | undefined,
  header: readonly string[] | undefined,
  count: number,
): number {
  if (label === null) return -1;
  if (label === undefined) {
    const i = header?.findIndex((h) => LABEL_NAMES.includes(h.toLowerCase())) ?? -1;
    return Math.max(i, 0);
  }
  if (typeof label === 'number') {
    if (Number.isInteger(label) && label >= 0 && label < count) return label;
    throw dataError(
      `${name}:1`,
      `label column ${label} not found: line 1 has ${count} fields (0..${count - 1})`,
    );
  }
  if (header === undefined) {
    throw dataError(`${name}:1`, `label column "${label}" not found: the file has no header line`);
  }
  const i = header.indexOf(label);
  if (i >= 0) return i;
  const shown = header.length > 12 ? `${header.slice(0, 12).join(', ')}, …` : header.join(', ');
  throw dataError(`${name}:1`, `label column "${label}" not found (columns: ${shown})`);
}
