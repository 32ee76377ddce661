/**
 * What `predictFile` takes and returns, in a file of its own so the scorers it dispatches to
 * (runtimes/tensorflow/predict-layers.ts, loaded late) can share the types without importing
 * predict-file.ts back: no import cycle. Types only; importing this file loads nothing.
 */

/** How to read the data and which names to show; every field optional. */
export interface PredictFileOptions {
  /** Label column of the data (name or index); null = the file has none. Default: see `loadData`. */
  readonly label?: string | number | null;
  /** CSV: a query column to leave out (header name or LightGBM's group_column index). */
  readonly group?: string | number;
  /** idx: images (tfjs models only). Default: by extension (`*-idx3-ubyte`, `.idx` → idx). */
  readonly format?: 'csv' | 'libsvm' | 'idx';
  /** tfjs models only: the tfjs backend to score on (default cpu). */
  readonly backend?: 'cpu' | 'wasm';
  /** Names shown in messages. */
  readonly modelName?: string;
  readonly dataName?: string;
}

/** Scores of every row, formatted on demand: a header and one text line per row. */
export interface Predictions {
  readonly header: readonly string[];
  readonly rows: number;
  /** One line per row, without the newline. */
  line(row: number): string;
}
