/**
 * Reconstruction grids: originals on one row, the model's reconstructions under them.
 */

import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import { type ImageShape, imageGrid, imageShapeOf, imageSize } from './image-grid.js';

/** Options of {@link reconstructionGrid}. */
export interface ReconstructionGridOptions extends Partial<ImageShape> {
  /** Images drawn. Default 10. */
  count?: number;
  /** Pairs per row. Default 10. */
  perRow?: number;
  /** Default 3. */
  scale?: number;
}

/**
 * Runs `model` on the first `count` images of `images` (flat; each of the shape the model takes,
 * e.g. 28×28 grey, unless `height`/`width`/`channels` say otherwise) and draws originals above
 * their reconstructions, `perRow` pairs per row.
 *
 * @example
 * await writeFileAtomic('reconstructions.png', await reconstructionGrid(model, valid.x));
 */
export async function reconstructionGrid(
  model: tf.LayersModel,
  images: Float32Array,
  options: ReconstructionGridOptions = {},
): Promise<Buffer> {
  const { count = 10, perRow = 10, scale = 3 } = options;
  const fromModel = imageShapeOf(model.inputs[0].shape);
  const shape = {
    height: options.height ?? fromModel.height,
    width: options.width ?? fromModel.width,
    channels: options.channels ?? fromModel.channels,
  };
  const pixels = imageSize(shape);
  const n = Math.min(count, Math.floor(images.length / pixels));
  if (n < 1) throw new ArgumentError('images', 'reconstruction grid: no images to draw');
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
  return imageGrid(rows, { ...shape, scale });
}
