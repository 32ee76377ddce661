/**
 * The one entry the worker uses to load a data file: picks the reader by `format` or by extension
 * (.csv → csv; .txt, .svm, .libsvm → libsvm) and splits files into byte ranges for data shards.
 */
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { readCsv } from './csv.js';
import { dataError } from './data-error.js';
import type { Dataset } from './dataset.js';
import { readLibsvm } from './libsvm.js';
import { type ByteRange, splitRanges } from './scan-lines.js';

/** The file formats readDataset reads. */
export type DataFileFormat = 'csv' | 'libsvm';

/** How to read a data file; fields that do not apply to the chosen format must be left out. */
export interface ReadDatasetOptions {
  /** Default: by extension. */
  readonly format?: DataFileFormat;
  /** csv only: header name or 0-based index of the label column (null = none). */
  readonly label?: string | number | null;
  /** csv only: the query column (a name, or LightGBM's index that does not count the label). */
  readonly group?: string | number;
  /** csv only: whether line 1 is a header ('auto' by default). */
  readonly header?: 'auto' | boolean;
  /** Read only the lines that start in this byte range. */
  readonly range?: ByteRange;
  /** The path as the user wrote it, for messages. */
  readonly displayName?: string;
  /** libsvm only: the number of feature columns. */
  readonly numFeatures?: number;
  /** csv only (libsvm keeps float32 values): see CsvOptions.keepDoubles. */
  readonly keepDoubles?: boolean;
  /** csv only (ignored for libsvm): threads that parse the file, see CsvOptions.threads. */
  readonly threads?: number;
}

const BY_EXTENSION: Readonly<Record<string, DataFileFormat>> = {
  '.csv': 'csv',
  '.txt': 'libsvm',
  '.svm': 'libsvm',
  '.libsvm': 'libsvm',
};

/** The format of `path` by its extension, or undefined when the extension says nothing. */
export function formatOf(path: string): DataFileFormat | undefined {
  return BY_EXTENSION[extname(path).toLowerCase()];
}

/** Reads a data file (or one byte range of it) with the reader its format calls for. */
export async function readDataset(path: string, options: ReadDatasetOptions = {}): Promise<Dataset> {
  const name = options.displayName ?? path;
  const format = options.format ?? formatOf(path);
  if (format === undefined) {
    const ext = extname(path) || '(none)';
    throw dataError(
      name,
      `cannot tell the format from the extension ${ext}`,
      'set data.format: csv or libsvm',
    );
  }
  const { range, displayName, label, header, numFeatures, group, keepDoubles, threads } = options;
  if (format === 'csv') {
    if (numFeatures !== undefined) throw dataError(name, 'numFeatures applies to libsvm files only');
    return readCsv(path, {
      label,
      header,
      range,
      displayName,
      ...(group === undefined ? {} : { group }),
      ...(keepDoubles === undefined ? {} : { keepDoubles }),
      ...(threads === undefined ? {} : { threads }),
    });
  }
  if (group !== undefined)
    throw dataError(
      name,
      'a group column applies to csv files only (libsvm lines give their query as qid:N)',
    );
  // The label of a libsvm line is always its first token: index 0 is the only label that makes sense.
  if ((label !== undefined && label !== 0) || header !== undefined) {
    throw dataError(name, 'label and header apply to csv files only (a libsvm label is the first token)');
  }
  return readLibsvm(path, { range, numFeatures, displayName });
}

/** `parts` byte ranges that tile the file, for range readers (one per worker). */
export async function fileRanges(path: string, parts: number): Promise<ByteRange[]> {
  return splitRanges((await stat(path)).size, parts);
}
