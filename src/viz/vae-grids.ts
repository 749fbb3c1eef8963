/**
 * Pictures of a variational autoencoder's coding space: decodings of random codings, and
 * decodings along straight lines between the codings of real images.
 */
import * as tf from '@tensorflow/tfjs';
import { imageGrid } from './image-grid.js';

/** Size of the codings a decoder expects. */
function codingSize(decoder: tf.LayersModel): number {
  const shape = decoder.inputs[0].shape;
  if (shape.length !== 2 || shape[1] === null) throw new RangeError(`expected a decoder taking codings [n, d], found input shape ${JSON.stringify(shape)}`);
  return shape[1];
}

/**
 * Decodes `count` codings drawn from N(0, I) (seeded) and returns the images (`count × 784`).
 *
 * @example
 * const images = generateImages(decoder, 12, 42);
 */
export function generateImages(decoder: tf.LayersModel, count: number, seed?: number): Float32Array {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`--count must be a positive integer, got ${count}`);
  const d = codingSize(decoder);
  return tf.tidy(() => (decoder.predict(tf.randomNormal([count, d], 0, 1, 'float32', seed)) as tf.Tensor).dataSync() as Float32Array);
}

/** Cuts `count × 784` values into images of `cols` per row. */
export function rowsOf(images: Float32Array, count: number, cols: number): Float32Array[][] {
  const rows: Float32Array[][] = [];
  for (let start = 0; start < count; start += cols) {
    rows.push(Array.from({ length: Math.min(cols, count - start) }, (_, j) => images.subarray((start + j) * 784, (start + j + 1) * 784)));
  }
  return rows;
}

/**
 * For each of `rows` pairs of images (`pairs`: `2·rows × 784`, image 2r and 2r+1), encodes both
 * with `encoder` (to codings of any shape, e.g. a VAE's means or a conv encoder's maps), decodes `steps` codings evenly spaced on the
 * straight line between them, and draws each row as: original A, the decodings, original B.
 */
export function interpolationGrid(encoder: tf.LayersModel, decoder: tf.LayersModel, pairs: Float32Array, rows: number, steps: number, scale = 3): Buffer {
  if (!Number.isInteger(steps) || steps < 2) throw new RangeError(`--steps must be an integer ≥ 2, got ${steps}`);
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`--rows must be a positive integer, got ${rows}`);
  if (pairs.length < rows * 2 * 784) throw new RangeError(`interpolation: ${rows} rows need ${rows * 2} images, got ${Math.floor(pairs.length / 784)}`);
  const decoded = tf.tidy(() => {
    const x = tf.tensor(pairs.slice(0, rows * 2 * 784), [rows * 2, ...(encoder.inputs[0].shape.slice(1) as number[])]);
    const codings = encoder.predict(x) as tf.Tensor;
    const z = codings.reshape([rows * 2, -1]) as tf.Tensor2D; // conv encoders give [n, h, w, c]
    const d = z.shape[1];
    const a = tf.gather(z, tf.range(0, rows * 2, 2, 'int32'));
    const b = tf.gather(z, tf.range(1, rows * 2, 2, 'int32'));
    const t = tf.linspace(0, 1, steps).reshape([1, steps, 1]);
    const line = tf.add(a.reshape([rows, 1, d]).mul(tf.sub(1, t)), b.reshape([rows, 1, d]).mul(t)).reshape([rows * steps, d]);
    return (decoder.predict(line.reshape([rows * steps, ...codings.shape.slice(1)])) as tf.Tensor).dataSync() as Float32Array;
  });
  const grid: Float32Array[][] = [];
  for (let r = 0; r < rows; r++) {
    grid.push([
      pairs.subarray(2 * r * 784, (2 * r + 1) * 784),
      ...Array.from({ length: steps }, (_, s) => decoded.subarray((r * steps + s) * 784, (r * steps + s + 1) * 784)),
      pairs.subarray((2 * r + 1) * 784, (2 * r + 2) * 784),
    ]);
  }
  return imageGrid(grid, { scale });
}
