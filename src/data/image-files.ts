/**
 * Grey 28×28 images as files, for `aekit denoise`: a directory of PNG files, or one IDX image file
 * (`0x00000803`, uint8, optionally gzipped, as Fashion-MNIST's own files).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { parseIdxImages } from './idx.js';

/** Images read from files: `count × 784` floats in [0, 1], and a name per image. */
export interface ImageFiles {
  images: Float32Array;
  count: number;
  /** File names (PNG directory) or `image-00001` … (IDX). */
  names: string[];
  format: 'png-dir' | 'idx';
}

/** Error for unreadable or unsuitable image files; `code` says which check failed. */
export class ImageFileError extends Error {
  constructor(readonly code: 'E_IMAGE_MISSING' | 'E_IMAGE_FORMAT' | 'E_IMAGE_SIZE', message: string) {
    super(message);
    this.name = 'ImageFileError';
  }
}

/** Decodes a PNG (any colour type) into 784 grey values in [0, 1]; it must be 28×28. */
export function decodePng28(bytes: Uint8Array, source: string): Float32Array {
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes));
  } catch (err) {
    throw new ImageFileError('E_IMAGE_FORMAT', `${source}: not a readable PNG (${(err as Error).message})`);
  }
  if (png.width !== 28 || png.height !== 28) throw new ImageFileError('E_IMAGE_SIZE', `${source}: expected a 28×28 image, found ${png.width}×${png.height}`);
  const out = new Float32Array(784);
  for (let i = 0; i < 784; i++) {
    const [r, g, b, a] = png.data.subarray(4 * i, 4 * i + 4);
    // Transparent pixels count as black background, as in Fashion-MNIST (0 = background).
    out[i] = ((0.299 * r + 0.587 * g + 0.114 * b) / 255) * (a / 255);
  }
  return out;
}

/** Encodes 784 values in [0, 1] as a 28×28 grey PNG. */
export function encodePng28(pixels: ArrayLike<number>): Buffer {
  const png = new PNG({ width: 28, height: 28, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  for (let i = 0; i < 784; i++) {
    const v = Math.round(255 * Math.min(1, Math.max(0, pixels[i])));
    png.data[4 * i] = v; png.data[4 * i + 1] = v; png.data[4 * i + 2] = v; png.data[4 * i + 3] = 255;
  }
  return PNG.sync.write(png, { colorType: 0 });
}

/** Writes images as an uncompressed IDX file (`0x00000803`, uint8, count × 28 × 28). */
export function encodeIdxImages(images: Float32Array, count: number): Uint8Array {
  const out = new Uint8Array(16 + count * 784);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x00000803);
  view.setUint32(4, count);
  view.setUint32(8, 28);
  view.setUint32(12, 28);
  for (let i = 0; i < count * 784; i++) out[16 + i] = Math.round(255 * Math.min(1, Math.max(0, images[i])));
  return out;
}

/**
 * Reads `input`: a directory → every `*.png` in it (sorted by name, each 28×28, grey or colour);
 * a file → an IDX image file of 28×28 images. Pixel values are scaled to [0, 1] (0 = background).
 */
export async function readImages(input: string): Promise<ImageFiles> {
  const stat = await fs.stat(input).catch(() => null);
  if (stat === null) throw new ImageFileError('E_IMAGE_MISSING', `--input '${input}' does not exist: give a directory of 28×28 PNG files or an IDX image file`);
  if (stat.isDirectory()) {
    const names = (await fs.readdir(input)).filter((n) => n.toLowerCase().endsWith('.png')).sort();
    if (names.length === 0) throw new ImageFileError('E_IMAGE_MISSING', `--input '${input}': the directory holds no .png files`);
    const images = new Float32Array(names.length * 784);
    for (const [i, name] of names.entries()) {
      const file = path.join(input, name);
      images.set(decodePng28(await fs.readFile(file), file), i * 784);
    }
    return { images, count: names.length, names, format: 'png-dir' };
  }
  const idx = parseIdxImages(await fs.readFile(input), input, { height: 28, width: 28 });
  const images = Float32Array.from(idx.data, (v) => v / 255);
  const names = Array.from({ length: idx.count }, (_, i) => `image-${String(i + 1).padStart(5, '0')}`);
  return { images, count: idx.count, names, format: 'idx' };
}
