/**
 * Denoising grids: noisy inputs, their reconstructions, and the clean originals.
 */

import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import { addNoise, type NoiseSpec } from '../models/noise.js';
import { type ImageShape, imageGrid, imageSize, MNIST_SHAPE } from './image-grid.js';

/** Options of {@link denoisingGrid}. */
export interface DenoisingGridOptions {
  /** Images drawn. Default 10. */
  count?: number;
  /** Seed of the noise. Default 42. */
  seed?: number;
  /** Default 3. */
  scale?: number;
  /** Shape of each image. Default 28×28 grey. */
  shape?: ImageShape;
}

/**
 * Corrupts the first `count` images (flat, 28×28 grey unless `shape` says otherwise) with `noise`,
 * runs `model` on the noisy versions and draws three rows: noisy input, reconstruction, clean original.
 *
 * @example
 * await writeFileAtomic('reconstructions.png', await denoisingGrid(model, valid.x, { kind: 'gaussian', amount: 0.2 }));
 */
export async function denoisingGrid(
  model: tf.LayersModel,
  images: Float32Array,
  noise: NoiseSpec,
  options: DenoisingGridOptions = {},
): Promise<Buffer> {
  const { count = 10, seed = 42, scale = 3, shape = MNIST_SHAPE } = options;
  const size = imageSize(shape);
  const channels = shape.channels ?? 1;
  const n = Math.min(count, Math.floor(images.length / size));
  if (n < 1) throw new ArgumentError('images', 'denoising grid: no images to draw');
  const [noisy, recon] = tf.tidy(() => {
    const x = tf.tensor(images.slice(0, n * size), [n, shape.height, shape.width, ...(channels === 1 ? [] : [channels])]);
    const corrupted = addNoise(x, noise, seed);
    const y = model.predict(tf.reshape(corrupted, [n, ...(model.inputs[0].shape.slice(1) as number[])])) as tf.Tensor;
    return [corrupted.dataSync() as Float32Array, y.dataSync() as Float32Array];
  });
  const row = (a: Float32Array): Float32Array[] => Array.from({ length: n }, (_, i) => a.subarray(i * size, (i + 1) * size));
  return imageGrid([row(noisy), row(recon), row(images)], { ...shape, scale });
}
