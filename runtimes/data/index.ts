/**
 * runtimes/data: readers that turn data files into the Dataset the engines train on, and the byte
 * ranges that shard one file across workers.
 */
export { type CsvOptions, readCsv } from './csv.js';
export { type Dataset, floatsOnly } from './dataset.js';
export { dataError } from './data-error.js';
export { readIdx, readIdxFile } from './idx.js';
export { type LibsvmOptions, readLibsvm } from './libsvm.js';
export { MISSING_MARKERS } from './parse-number.js';
export {
  type DataFileFormat,
  fileRanges,
  formatOf,
  type ReadDatasetOptions,
  readDataset,
} from './read-dataset.js';
export { type ByteRange, splitRanges } from './scan-lines.js';
