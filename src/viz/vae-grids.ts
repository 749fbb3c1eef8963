/**
 * Pictures of a variational autoencoder's coding space: decodings of random codings, and
 * decodings along straight lines between the codings of real images.
 */

import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import { imageGrid, imageShapeOf, imageSize } from './image-grid.js';

/** Size of the codings a decoder expects. */
function codingSize(decoder: tf.LayersModel): number {
  const shape = decoder.inputs[0].shape;
  if (shape.length !== 2 || shape[1] === null)
    throw new ArgumentError('decoder', `expected a decoder taking codings [n, d], found input shape ${JSON.stringify(shape)}`);
  return shape[1];
}

/**
 * Decodes `count` codings drawn from N(0, I) (seeded) and returns the images, one after another
 * (`count × 784` for 28×28 decoders).
 *
 * @example
 * const images = generateImages(decoder, 12, 42);
 */
export function generateImages(decoder: tf.LayersModel, count: number, seed?: number): Float32Array {
  if (!Number.isInteger(count) || count < 1) throw new ArgumentError('count', `{count} must be a positive integer, got ${count}`);
  const d = codingSize(decoder);
  return tf.tidy(() => (decoder.predict(tf.randomNormal([count, d], 0, 1, 'float32', seed)) as tf.Tensor).dataSync() as Float32Array);
}

/** Cuts `count` images of `size` values each (default 784, 28×28) into rows of `cols` images. */
export function rowsOf(images: Float32Array, count: number, cols: number, size = 784): Float32Array[][] {
  const rows: Float32Array[][] = [];
  for (let start = 0; start < count; start += cols) {
    rows.push(Array.from({ length: Math.min(cols, count - start) }, (_, j) => images.subarray((start + j) * size, (start + j + 1) * size)));
  }
  return rows;
}

/**
 * For each of `rows` pairs of images (`pairs`: `2·rows` images of the shape `encoder` takes, image
 * 2r and 2r+1), encodes both with `encoder` (to codings of any shape, e.g. a VAE's means or a conv
 * encoder's maps), decodes `steps` codings evenly spaced on the straight line between them, and
 * draws each row as: original A, the decodings, original B. Returns PNG bytes.
 *
 * @example
 * await writeFileAtomic('lines.png', await interpolationGrid(encoder, decoder, pairs, 5, 7));
 */
export async function interpolationGrid(
  encoder: tf.LayersModel,
  decoder: tf.LayersModel,
  pairs: Float32Array,
  rows: number,
  steps: number,
  scale = 3,
): Promise<Buffer> {
  if (!Number.isInteger(steps) || steps < 2) throw new ArgumentError('steps', `{steps} must be an integer ≥ 2, got ${steps}`);
  if (!Number.isInteger(rows) || rows < 1) throw new ArgumentError('rows', `{rows} must be a positive integer, got ${rows}`);
  const shape = imageShapeOf(encoder.inputs[0].shape);
  const size = imageSize(shape);
  if (pairs.length < rows * 2 * size)
    throw new ArgumentError('pairs', `interpolation: ${rows} rows need ${rows * 2} images, got ${Math.floor(pairs.length / size)}`);
  const decoded = tf.tidy(() => {
    const x = tf.tensor(pairs.slice(0, rows * 2 * size), [rows * 2, ...(encoder.inputs[0].shape.slice(1) as number[])]);
    const codings = encoder.predict(x) as tf.Tensor;
    const z = tf.reshape(codings, [rows * 2, -1]) as tf.Tensor2D; // conv encoders give [n, h, w, c]
    const d = z.shape[1];
    const a = tf.gather(z, tf.range(0, rows * 2, 2, 'int32'));
    const b = tf.gather(z, tf.range(1, rows * 2, 2, 'int32'));
    const t = tf.reshape(tf.linspace(0, 1, steps), [1, steps, 1]);
    const line = tf.reshape(tf.add(tf.mul(tf.reshape(a, [rows, 1, d]), tf.sub(1, t)), tf.mul(tf.reshape(b, [rows, 1, d]), t)), [
      rows * steps,
      d,
    ]);
    return (decoder.predict(tf.reshape(line, [rows * steps, ...codings.shape.slice(1)])) as tf.Tensor).dataSync() as Float32Array;
  });
  const image = (a: Float32Array, k: number): Float32Array => a.subarray(k * size, (k + 1) * size);
  const grid: Float32Array[][] = [];
  for (let r = 0; r < rows; r++) {
    grid.push([image(pairs, 2 * r), ...Array.from({ length: steps }, (_, s) => image(decoded, r * steps + s)), image(pairs, 2 * r + 1)]);
  }
  return imageGrid(grid, { ...shape, scale });
}
