/**
 * How IDX image bytes become model inputs, in one place so that training and `dtrain predict` feed a
 * model the same numbers: each pixel times 1/255, giving [0, 1].
 */

/** The factor each IDX pixel byte (0–255) is multiplied by. */
export const IDX_PIXEL_SCALE = 1 / 255;

/** Scales IDX pixel values (as readIdx gives them, 0–255) in place to [0, 1]. */
export function scaleIdxPixels(features: Float32Array): void {
  for (let i = 0; i < features.length; i++) features[i]! *= IDX_PIXEL_SCALE;
}
