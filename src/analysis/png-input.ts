/**
 * Reading a directory of 28×28 PNG images (grey or colour, white-on-black like Fashion-MNIST) as
 * flat [0, 1] pixels, for scoring images that are not part of the data set.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { ArgumentError } from '../core/errors.js';

/** Images read by {@link readPngDir}. */
export interface PngImages {
  /** File names, sorted. */
  files: string[];
  /** `files.length × 784` floats in [0, 1]. */
  images: Float32Array;
}

/**
 * Reads every `*.png` in `dir` (sorted by name); each must be 28×28. Colour is averaged to grey.
 *
 * @throws RangeError naming the directory or file when it is missing, empty, unreadable or not 28×28.
 */
export async function readPngDir(dir: string): Promise<PngImages> {
  const entries = await fs.readdir(dir).catch((err: NodeJS.ErrnoException) => {
    throw new ArgumentError('input', `{input} '${dir}': expected a directory of 28×28 PNG images, but it ${err.code === 'ENOENT' ? 'does not exist' : `cannot be read (${err.code})`}`);
  });
  const files = entries.filter((f) => f.toLowerCase().endsWith('.png')).sort();
  if (files.length === 0) throw new ArgumentError('input', `{input} '${dir}': expected 28×28 PNG images, found no .png file`);
  const images = new Float32Array(files.length * 784);
  for (const [k, f] of files.entries()) {
    const file = path.join(dir, f);
    let png: PNG;
    try {
      png = PNG.sync.read(await fs.readFile(file));
    } catch (err) {
      throw new ArgumentError('input', `'${file}' is not a readable PNG: ${(err as Error).message}`);
    }
    if (png.width !== 28 || png.height !== 28) throw new ArgumentError('input', `'${file}': expected a 28×28 image, found ${png.width}×${png.height}; resize it first`);
    for (let p = 0; p < 784; p++) images[k * 784 + p] = (png.data[4 * p] + png.data[4 * p + 1] + png.data[4 * p + 2]) / (3 * 255);
  }
  return { files, images };
}
