/**
 * Denoising grids: noisy inputs, their reconstructions, and the clean originals.
 */
import * as tf from '@tensorflow/tfjs';
import { addNoise, type NoiseSpec } from '../models/noise.js';
import { imageGrid } from './image-grid.js';

/**
 * Corrupts the first `count` images (flat, 28×28 each) with `noise`, runs `model` on the noisy
 * versions and draws three rows: noisy input, reconstruction, clean original.
 */
export function denoisingGrid(model: tf.LayersModel, images: Float32Array, noise: NoiseSpec, options: { count?: number; seed?: number; scale?: number } = {}): Buffer {
  const { count = 10, seed = 42, scale = 3 } = options;
  const n = Math.min(count, Math.floor(images.length / 784));
  if (n < 1) throw new RangeError('denoising grid: no images to draw');
  const [noisy, recon] = tf.tidy(() => {
    const x = tf.tensor(images.slice(0, n * 784), [n, 28, 28]);
    const corrupted = addNoise(x, noise, seed);
    const y = model.predict(corrupted.reshape([n, ...(model.inputs[0].shape.slice(1) as number[])])) as tf.Tensor;
    return [corrupted.dataSync() as Float32Array, y.dataSync() as Float32Array];
  });
  const row = (a: Float32Array): Float32Array[] => Array.from({ length: n }, (_, i) => a.subarray(i * 784, (i + 1) * 784));
  return imageGrid([row(noisy), row(recon), row(images)], { scale });
}
