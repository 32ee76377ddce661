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
import { closingQuote, countFields, splitFields } from './csv-fields.js';
import { dataError, type LineFailure, lineError, showToken } from './data-error.js';
import type { Dataset } from './dataset.js';
import { growFloat32 } from './grow.js';
import { lightgbmAtof } from './lightgbm-atof.js';
import { isNumberOrMissing, MISSING_MARKERS, parseNumber } from './parse-number.js';
import { type ByteRange, readFirstLine, scanLines } from './scan-lines.js';

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
}

const COMMA = 44;
const QUOTE = 34;
const SPACE = 32;
const TAB = 9;
const LABEL_NAMES = ['label', 'target', 'y'];
const MISSING_HINT = `missing values are written as an empty field, ${MISSING_MARKERS.join(', ')} (any case); infinities as inf, Infinity or 1e400`;

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
  const rows = new CsvRows(fields.length, labelCol, columnNames, groupCol, options.keepDoubles === true);
  await scanLines(path, options.range, (buf, from, to, offset) => {
    if (offset === 0) {
      if (header) return true;
      if (buf[from] === 0xef && buf[from + 1] === 0xbb && buf[from + 2] === 0xbf) from += 3;
    }
    return from === to || rows.push(buf, from, to, offset);
  });
  if (rows.failure !== undefined) throw await lineError(path, name, rows.failure);
  if (rows.count === 0 && (options.range === undefined || options.range.start === 0)) {
    // A range from 0 that saw no rows can still be one shard of a longer file: only a whole read knows.
    const whole = options.range === undefined || (await stat(path)).size <= options.range.end;
    if (whole) throw dataError(name, header ? 'the file has a header but no data rows' : 'no data rows');
  }
  return rows.dataset(columnNames.filter((_, i) => i !== labelCol && i !== groupCol));
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

/** Row-major float32 storage filled line by line; the first failure stops it. */
class CsvRows {
  count = 0;
  failure: LineFailure | undefined;
  private readonly cols: number;
  private features: Float32Array<ArrayBuffer>;
  private labels: Float32Array<ArrayBuffer>;
  private groups = new Int32Array(0);
  // Allocated at the first value that float32 does not hold exactly (when keepDoubles).
  private doubles: Float64Array | undefined;
  // The token of the last quoted field (set by `quoted`).
  private tokenFrom = 0;
  private tokenTo = 0;
  private escapes = false;

  constructor(
    private readonly fields: number,
    private readonly labelCol: number,
    private readonly names: readonly string[],
    private readonly groupCol = -1,
    private readonly keepDoubles = false,
  ) {
    this.cols = fields - (labelCol >= 0 ? 1 : 0) - (groupCol >= 0 ? 1 : 0);
    this.features = new Float32Array(1024 * this.cols);
    this.labels = new Float32Array(1024);
    if (groupCol >= 0) this.groups = new Int32Array(1024);
  }

  push(buf: Buffer, from: number, to: number, offset: number): boolean {
    const row = this.count;
    if (row === this.labels.length) {
      this.labels = growFloat32(this.labels, row + 1);
      this.features = growFloat32(this.features, this.labels.length * this.cols);
      if (this.doubles !== undefined) {
        const d = new Float64Array(this.features.length);
        d.set(this.doubles);
        this.doubles = d;
      }
      if (this.groupCol >= 0) {
        const g = new Int32Array(this.labels.length);
        g.set(this.groups);
        this.groups = g;
      }
    }
    const features = this.features;
    let out = row * this.cols;
    let field = 0;
    let start = from;
    for (let i = from; ; i++) {
      if (i < to && buf[i] !== COMMA) continue;
      if (field === this.fields) return this.fail(offset, this.countMessage(buf, from, to));
      // The byte loop looks for commas only: a quoted field parses as it is ("1.5" on parseNumber's
      // fast path) unless it holds a comma or a "", and then it fails and goes to `quoted`.
      let v = parseNumber(buf, start, i);
      let end = i;
      if (v === undefined) {
        let q = start;
        while (q < i && (buf[q] === SPACE || buf[q] === TAB)) q++;
        if (q < to && buf[q] === QUOTE) {
          const next = this.quoted(buf, q, to, offset, field);
          if (next < 0) return false;
          start = this.tokenFrom;
          end = this.tokenTo;
          // A token holding a quote ("") is never a number.
          if (!this.escapes) v = parseNumber(buf, start, end);
          i = next;
        }
      }
      if (v === undefined) {
        const message = `field ${field + 1} (${this.names[field]}): ${showToken(buf, start, end)} is not a number`;
        return this.fail(offset, message, MISSING_HINT);
      }
      if (field === this.labelCol) this.labels[row] = v;
      else if (field === this.groupCol) {
        if (!Number.isInteger(v) || Math.abs(v) > 2147483647)
          return this.fail(
            offset,
            `field ${field + 1} (${this.names[field]}): query id ${showToken(buf, start, end)} is not an integer`,
          );
        this.groups[row] = v;
      } else {
        features[out] = v;
        if (this.keepDoubles) {
          // LightGBM's own reading of the token (a spelling it lacks keeps ours); missing values
          // alone need no doubles.
          const atof = Number.isNaN(v) ? v : lightgbmAtof(buf, start, end);
          const d = Number.isNaN(atof) ? v : atof;
          if (this.doubles !== undefined || (features[out] !== d && !Number.isNaN(d)))
            this.keepDouble(out, d);
        }
        out++;
      }
      field++;
      start = i + 1;
      if (i >= to) break;
    }
    if (field !== this.fields) return this.fail(offset, this.countMessage(buf, from, to));
    if (this.labelCol < 0) this.labels[row] = Number.NaN;
    this.count = row + 1;
    return true;
  }

  /** doubles[i] = v, allocating doubles (the float32 values so far are exact) at the first call. */
  private keepDouble(i: number, v: number): void {
    if (this.doubles === undefined) this.doubles = Float64Array.from(this.features);
    this.doubles[i] = v;
  }

  dataset(featureNames: readonly string[]): Dataset {
    const n = this.count * this.cols;
    return {
      rows: this.count,
      cols: this.cols,
      features: this.features.slice(0, n),
      ...(this.doubles === undefined ? {} : { doubles: this.doubles.slice(0, n) }),
      labels: this.labels.slice(0, this.count),
      featureNames,
      ...(this.groupCol >= 0 ? { groups: this.groups.slice(0, this.count) } : {}),
    };
  }

  /**
   * The slow path for a field that opens a quote at `quote`: sets the token (inside the quotes) and
   * returns the index of the comma or line end after the field; -1 on failure.
   */
  private quoted(buf: Buffer, quote: number, to: number, offset: number, field: number): number {
    const where = `field ${field + 1} (${this.names[field]})`;
    const close = closingQuote(buf, quote, to);
    if (close.at < 0) {
      this.fail(
        offset,
        `${where}: the quote it opens is not closed on this line (quoted line breaks are not supported)`,
      );
      return -1;
    }
    let next = close.at + 1;
    while (next < to && (buf[next] === SPACE || buf[next] === TAB)) next++;
    if (next < to && buf[next] !== COMMA) {
      this.fail(offset, `${where}: text after its closing quote`);
      return -1;
    }
    this.tokenFrom = quote + 1;
    this.tokenTo = close.at;
    this.escapes = close.escapes;
    return next;
  }

  private countMessage(buf: Buffer, from: number, to: number): string {
    return `expected ${this.fields} fields (as on line 1), found ${countFields(buf, from, to)}`;
  }

  private fail(offset: number, message: string, detail?: string): false {
    this.failure = detail === undefined ? { offset, message } : { offset, message, detail };
    return false;
  }
}
