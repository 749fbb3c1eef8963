/**
 * aekit's one image reader, on sharp (libvips): PNG, JPEG and WebP files decoded to grey (luma,
 * alpha composited on black) or RGB, optionally resized, as uint8 or [0, 1] float pixels; plus
 * reading a directory of such files or one IDX image file (`0x00000803`, uint8, optionally
 * gzipped, as Fashion-MNIST's own files) for `aekit denoise` and `aekit anomalies`.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp, { type OutputInfo } from 'sharp';
import { AekitError } from '../core/errors.js';
import { parseIdxImages } from './idx.js';

/** Error for unreadable or unsuitable image files; `code` says which check failed. */
export class ImageFileError extends AekitError {
  constructor(
    message: string,
    code: 'E_IMAGE_MISSING' | 'E_IMAGE_FORMAT' | 'E_IMAGE_SIZE',
    options: { argument?: string; cause?: unknown } = {},
  ) {
    super(message, { ...options, code });
  }
}

/** How {@link decodeImage} converts an image. */
export interface ImageReadOptions {
  /** `grey`: 0.299 R + 0.587 G + 0.114 B, times alpha (transparent = black, Fashion-MNIST's background); `rgb`: each channel times alpha. Default `grey`. */
  colour?: 'grey' | 'rgb';
  /** The size the pixels must have: an image of another size is refused, or resized when `resize` is set. */
  size?: { height: number; width: number };
  /** Resize (stretching to exactly `size`, no crop) instead of refusing another size. Default false. */
  resize?: boolean;
  /** `float32`: values in [0, 1]; `uint8`: 0–255. Default `float32`. */
  dtype?: 'float32' | 'uint8';
}

/** Pixels of one decoded image: `height × width × channels`, row-major, channels interleaved. */
export interface DecodedImage<T extends Float32Array | Uint8Array = Float32Array> {
  data: T;
  height: number;
  width: number;
  channels: 1 | 3;
  /** The file's format. */
  format: 'png' | 'jpeg' | 'webp';
}

/** File name endings {@link readImages} picks up in a directory. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp'] as const;

/** The format named by the first bytes of a file, or a description of what they are instead. */
function sniff(bytes: Uint8Array): { format: DecodedImage['format'] } | { found: string } {
  const ascii = (from: number, to: number): string => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length === 0) return { found: 'an empty file' };
  if (bytes[0] === 0x89 && ascii(1, 4) === 'PNG') return { format: 'png' };
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { format: 'jpeg' };
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return { format: 'webp' };
  const other = ascii(0, 4) === 'GIF8' ? 'GIF' : ['II*\0', 'MM\0*'].includes(ascii(0, 4)) ? 'TIFF' : ascii(0, 2) === 'BM' ? 'BMP' : null;
  if (other !== null) return { found: `a ${other} image` };
  const head = ascii(0, Math.min(bytes.length, 24));
  const printable = /^[\x20-\x7e\t\r\n]*$/.test(head);
  const start = printable
    ? `'${head.replace(/\s+/g, ' ').trim()}${bytes.length > 24 ? '…' : ''}'`
    : Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return { found: `${bytes.length} bytes of ${printable ? 'text' : 'other data'} starting ${start}` };
}

const firstLine = (err: unknown): string =>
  String((err as Error).message ?? err)
    .split('\n')[0]
    .replace(/:\s*$/, '');

/**
 * Decodes a PNG, JPEG or WebP image from its file bytes (EXIF orientation applied) to grey or RGB
 * pixels as described by {@link ImageReadOptions}; `source` names it in errors.
 *
 * @throws ImageFileError naming `source`, what was expected and what was found: `E_IMAGE_FORMAT`
 *   for other content or a damaged file, `E_IMAGE_SIZE` for another size than `size` (without `resize`).
 * @example
 * const { data } = await decodeImage(await readFile('shoe.jpg'), 'shoe.jpg', { size: { height: 28, width: 28 }, resize: true });
 */
export async function decodeImage(
  bytes: Uint8Array,
  source: string,
  options: ImageReadOptions & { dtype: 'uint8' },
): Promise<DecodedImage<Uint8Array>>;
/** As above, as [0, 1] floats. */
export async function decodeImage(
  bytes: Uint8Array,
  source: string,
  options?: ImageReadOptions & { dtype?: 'float32' },
): Promise<DecodedImage<Float32Array>>;
export async function decodeImage(
  bytes: Uint8Array,
  source: string,
  options: ImageReadOptions = {},
): Promise<DecodedImage<Float32Array | Uint8Array>> {
  const { colour = 'grey', size, resize = false, dtype = 'float32' } = options;
  const kind = sniff(bytes);
  if ('found' in kind) throw new ImageFileError(`${source}: expected a PNG, JPEG or WebP image, found ${kind.found}`, 'E_IMAGE_FORMAT');
  const { format } = kind;
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    const image = sharp(bytes).rotate();
    if (size !== undefined && resize) image.resize(size.width, size.height, { fit: 'fill' });
    decoded = await image.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new ImageFileError(
      `${source}: expected a readable ${format.toUpperCase()} image, found a damaged file (${firstLine(err)})`,
      'E_IMAGE_FORMAT',
    );
  }
  const { data: raw, info } = decoded;
  if (size !== undefined && (info.height !== size.height || info.width !== size.width)) {
    throw new ImageFileError(
      `${source}: expected a ${size.height}×${size.width} image (height × width), found ${info.height}×${info.width}; resize it first`,
      'E_IMAGE_SIZE',
    );
  }
  const inC = info.channels;
  const outC = colour === 'grey' ? 1 : 3;
  const count = info.width * info.height;
  const out = dtype === 'uint8' ? new Uint8Array(count * outC) : new Float32Array(count * outC);
  // v is 0–255 (not yet rounded): uint8 output rounds it, float output scales it to [0, 1].
  const put =
    dtype === 'uint8'
      ? (i: number, v: number): void => {
          out[i] = Math.round(v);
        }
      : (i: number, v: number): void => {
          out[i] = v / 255;
        };
  for (let p = 0; p < count; p++) {
    const o = p * inC;
    const [r, g, b] = inC <= 2 ? [raw[o], raw[o], raw[o]] : [raw[o], raw[o + 1], raw[o + 2]];
    const alpha = inC === 2 || inC === 4 ? raw[o + inC - 1] / 255 : 1;
    if (outC === 1) put(p, (0.299 * r + 0.587 * g + 0.114 * b) * alpha);
    else {
      put(3 * p, r * alpha);
      put(3 * p + 1, g * alpha);
      put(3 * p + 2, b * alpha);
    }
  }
  return { data: out, height: info.height, width: info.width, channels: outC, format };
}

/**
 * Reads and decodes one PNG, JPEG or WebP file (see {@link decodeImage}).
 *
 * @throws ImageFileError `E_IMAGE_MISSING` when the file cannot be read, else as {@link decodeImage}.
 */
export async function readImageFile(file: string, options: ImageReadOptions & { dtype: 'uint8' }): Promise<DecodedImage<Uint8Array>>;
/** As above, as [0, 1] floats. */
export async function readImageFile(file: string, options?: ImageReadOptions & { dtype?: 'float32' }): Promise<DecodedImage<Float32Array>>;
export async function readImageFile(file: string, options: ImageReadOptions = {}): Promise<DecodedImage<Float32Array | Uint8Array>> {
  const bytes = await fs.readFile(file).catch((err: NodeJS.ErrnoException) => {
    throw new ImageFileError(
      `${file}: expected an image file, but it ${err.code === 'ENOENT' ? 'does not exist' : `cannot be read (${err.code})`}`,
      'E_IMAGE_MISSING',
    );
  });
  return options.dtype === 'uint8'
    ? decodeImage(bytes, file, { ...options, dtype: 'uint8' })
    : decodeImage(bytes, file, { ...options, dtype: 'float32' });
}

/** Images read by {@link readImages}: `count` images of `height × width × channels` floats in [0, 1], one after another. */
export interface ImageFiles {
  images: Float32Array;
  count: number;
  height: number;
  width: number;
  channels: 1 | 3;
  /** File names (image directory) or `image-00001` … (IDX). */
  names: string[];
  format: 'image-dir' | 'idx';
}

/** Options of {@link readImages}. */
export interface ReadImagesOptions {
  /** Size every image must have. Default 28×28. */
  size?: { height: number; width: number };
  /** Resize images of another size from a directory (IDX files must already have `size`). Default false. */
  resize?: boolean;
  /** `grey` (default; colour becomes luma) or `rgb` (IDX files hold grey images only). */
  colour?: 'grey' | 'rgb';
}

/**
 * Reads `input` as grey (or, with `colour: 'rgb'`, RGB) images in [0, 1] (0 = background): a
 * directory → every PNG, JPEG and WebP file in it (sorted by name; for grey, colour turned to luma;
 * transparency to black; other files ignored);
 * a file → an IDX image file. Every image must have `size` (default 28×28) unless `resize` is set.
 *
 * @throws ImageFileError naming `input` or the file when it is missing, holds no images, or an
 *   image is unreadable or of another size.
 * @example
 * const { images, count, names } = await readImages('my-images/');
 */
export async function readImages(input: string, options: ReadImagesOptions = {}): Promise<ImageFiles> {
  const { size = { height: 28, width: 28 }, resize = false, colour = 'grey' } = options;
  const channels = colour === 'rgb' ? 3 : 1;
  const dims = `${size.height}×${size.width}${colour === 'rgb' ? ' RGB' : ''}`;
  const stat = await fs.stat(input).catch(() => null);
  if (stat === null)
    throw new ImageFileError(
      `--input '${input}': expected a directory of ${dims} images (PNG, JPEG, WebP) or an IDX image file, but it does not exist`,
      'E_IMAGE_MISSING',
    );
  const pixels = size.height * size.width * channels;
  if (stat.isDirectory()) {
    const names = (await fs.readdir(input))
      .filter((n) => (IMAGE_EXTENSIONS as readonly string[]).includes(path.extname(n).toLowerCase()))
      .sort();
    if (names.length === 0)
      throw new ImageFileError(
        `--input '${input}': expected ${dims} images (${IMAGE_EXTENSIONS.join(', ')}), found no such file in the directory`,
        'E_IMAGE_MISSING',
      );
    const images = new Float32Array(names.length * pixels);
    for (const [i, name] of names.entries()) {
      images.set((await readImageFile(path.join(input, name), { colour, size, resize })).data, i * pixels);
    }
    return { images, count: names.length, height: size.height, width: size.width, channels, names, format: 'image-dir' };
  }
  if (channels === 3)
    throw new ImageFileError(`--input '${input}': an IDX image file holds grey images, but ${dims} images are needed`, 'E_IMAGE_FORMAT');
  const idx = parseIdxImages(await fs.readFile(input), input, size);
  const images = Float32Array.from(idx.data, (v) => v / 255);
  const names = Array.from({ length: idx.count }, (_, i) => `image-${String(i + 1).padStart(5, '0')}`);
  return { images, count: idx.count, height: size.height, width: size.width, channels: 1, names, format: 'idx' };
}

/** Writes images as an uncompressed IDX file (`0x00000803`, uint8, count × height × width; default 28 × 28). */
export function encodeIdxImages(images: Float32Array, count: number, size = { height: 28, width: 28 }): Uint8Array {
  const pixels = size.height * size.width;
  const out = new Uint8Array(16 + count * pixels);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x00000803);
  view.setUint32(4, count);
  view.setUint32(8, size.height);
  view.setUint32(12, size.width);
  for (let i = 0; i < count * pixels; i++) out[16 + i] = Math.round(255 * Math.min(1, Math.max(0, images[i])));
  return out;
}
