/**
 * Reconstruction grids: originals on one row, the model's reconstructions under them.
 */
import * as tf from '@tensorflow/tfjs';
import { imageGrid } from './image-grid.js';

/**
 * Runs `model` on the first `count` images of `images` (flat, `28×28` each unless `height`/`width`
 * say otherwise) and draws originals above their reconstructions, `perRow` pairs per row.
 */
export function reconstructionGrid(model: tf.LayersModel, images: Float32Array, options: {
  count?: number; perRow?: number; height?: number; width?: number; scale?: number;
} = {}): Buffer {
  const { count = 10, perRow = 10, height = 28, width = 28, scale = 3 } = options;
  const pixels = height * width;
  const n = Math.min(count, Math.floor(images.length / pixels));
  if (n < 1) throw new RangeError('reconstruction grid: no images to draw');
  const originals = Array.from({ length: n }, (_, i) => images.subarray(i * pixels, (i + 1) * pixels));
  const outputs = tf.tidy(() => {
    const x = tf.tensor(images.slice(0, n * pixels), [n, ...(model.inputs[0].shape.slice(1) as number[])]);
    return (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
  });
  const recon = originals.map((_, i) => outputs.subarray(i * pixels, (i + 1) * pixels));
  const rows: Float32Array[][] = [];
  for (let start = 0; start < n; start += perRow) {
    rows.push(originals.slice(start, start + perRow), recon.slice(start, start + perRow));
  }
  return imageGrid(rows, { height, width, scale });
}
