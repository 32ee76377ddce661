/**
 * IDX reader (the MNIST / Fashion-MNIST format, gzipped or not): an images file (unsigned bytes,
 * N × rows × cols) and a labels file (N unsigned bytes) into a Dataset whose features are the pixel
 * values 0–255, row-major per image, named `px0..`.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { dataError } from './data-error.js';
import type { Dataset } from './dataset.js';

const UBYTE = 0x08;

/** Reads an IDX images file and its labels file into one Dataset. */
export async function readIdx(imagesPath: string, labelsPath: string): Promise<Dataset> {
  const [images, labels] = await Promise.all([readIdxFile(imagesPath), readIdxFile(labelsPath)]);
  if (images.dims.length < 2)
    throw dataError(imagesPath, `expected an images file, found ${images.dims.length} dimension`);
  if (labels.dims.length !== 1)
    throw dataError(labelsPath, `expected a labels file, found ${labels.dims.length} dimensions`);
  const rows = images.dims[0]!;
  if (labels.dims[0] !== rows) {
    throw dataError(labelsPath, `has ${labels.dims[0]} labels for ${rows} images in ${imagesPath}`);
  }
  const cols = images.dims.slice(1).reduce((a, b) => a * b, 1);
  return {
    rows,
    cols,
    features: Float32Array.from(images.data),
    labels: Float32Array.from(labels.data),
    featureNames: Array.from({ length: cols }, (_, i) => `px${i}`),
  };
}

/** One IDX file: its dimensions and its unsigned bytes (gunzipped when needed). */
export async function readIdxFile(path: string): Promise<{ dims: number[]; data: Uint8Array }> {
  let bytes: Buffer = await readFile(path);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  // Magic: two zero bytes, the element type, the number of dimensions; then big-endian uint32 sizes.
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw dataError(path, 'not an IDX file');
  if (bytes[2] !== UBYTE)
    throw dataError(path, `IDX element type 0x${bytes[2]?.toString(16)} is not unsigned byte`);
  const n = bytes[3]!;
  const dims = Array.from({ length: n }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  const start = 4 + 4 * n;
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== start + count) {
    throw dataError(
      path,
      `IDX sizes ${dims.join('×')} need ${start + count} bytes, the file has ${bytes.length}`,
    );
  }
  return { dims, data: bytes.subarray(start) };
}
