// Reads a gzipped IDX images file and its labels file (the Fashion-MNIST format) into tensors:
// x [n, 28, 28, 1] scaled to 0–1, y [n] class ids. Used by the single-process script only; under
// dtrain the rank's shard arrives ready in `dt.data.train`.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

function idx(path) {
  const b = gunzipSync(readFileSync(path));
  const dims = Array.from({ length: b[3] }, (_, i) => b.readUInt32BE(4 + 4 * i));
  return { dims, data: b.subarray(4 + 4 * dims.length) };
}

export function loadFashionMnist(tf, imagesPath) {
  const images = idx(imagesPath);
  const labels = idx(imagesPath.replace('images-idx3', 'labels-idx1'));
  const n = images.dims[0];
  const x = tf.tensor(
    Float32Array.from(images.data, (v) => v / 255),
    [n, 28, 28, 1],
  );
  const y = tf.tensor(Float32Array.from(labels.data), [n]);
  return { x, y };
}
