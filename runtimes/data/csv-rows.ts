/**
 * Row-major float32 storage for the rows of a CSV file, filled line by line from its bytes (csv.ts
 * says which values a field may hold); the first failure stops it.
 */
import { closingQuote, countFields } from './csv-fields.js';
import { type LineFailure, showToken } from './data-error.js';
import type { Dataset } from './dataset.js';
import { growFloat32 } from './grow.js';
import { lightgbmAtof } from './lightgbm-atof.js';
import { MISSING_MARKERS, parseNumber } from './parse-number.js';

const COMMA = 44;
const QUOTE = 34;
const SPACE = 32;
const TAB = 9;
const MISSING_HINT = `missing values are written as an empty field, ${MISSING_MARKERS.join(', ')} (any case); infinities as inf, Infinity or 1e400`;

/** One reader's rows as stored (see CsvRows.parts): arrays may hold more than `count` rows. */
export interface CsvPart {
  readonly count: number;
  readonly features: Float32Array<ArrayBuffer>;
  readonly labels: Float32Array<ArrayBuffer>;
  readonly doubles?: Float64Array<ArrayBuffer>;
  readonly groups?: Int32Array<ArrayBuffer>;
  readonly failure?: LineFailure;
}

/** Row-major float32 storage filled line by line; the first failure stops it. */
export class CsvRows {
  count = 0;
  failure: LineFailure | undefined;
  private readonly cols: number;
  private features: Float32Array<ArrayBuffer>;
  private labels: Float32Array<ArrayBuffer>;
  private groups: Int32Array<ArrayBuffer> = new Int32Array(0);
  // Allocated at the first value that float32 does not hold exactly (when keepDoubles).
  private doubles: Float64Array<ArrayBuffer> | undefined;
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
   * The storage as it is (capacity past `count` rows), for a thread to hand its chunk over without
   * a copy; csv-parallel.ts joins chunks into what `dataset` would have made of all their rows.
   */
  parts(): CsvPart {
    return {
      count: this.count,
      features: this.features,
      labels: this.labels,
      ...(this.doubles === undefined ? {} : { doubles: this.doubles }),
      ...(this.groupCol >= 0 ? { groups: this.groups } : {}),
      ...(this.failure === undefined ? {} : { failure: this.failure }),
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
