/**
 * Pixel images for pictures: float images (grey or RGB, any size) turned into scaled byte buffers,
 * and grids of them as PNG files (reconstructions, generated samples, denoising rows).
 */

import { ArgumentError } from '../core/errors.js';
import { encodePng, type RawImage } from './raster.js';

/** Shape of one image: `height × width × channels` floats in [0, 1], row-major, channels interleaved (tf's HWC). */
export interface ImageShape {
  height: number;
  width: number;
  /** 1 (grey) or 3 (RGB). Default 1. */
  channels?: 1 | 3;
}

/** Fashion-MNIST's images: 28×28 grey. */
export const MNIST_SHAPE: Required<ImageShape> = { height: 28, width: 28, channels: 1 };

/** Number of floats in one image of `shape`. */
export function imageSize(shape: ImageShape): number {
  return shape.height * shape.width * (shape.channels ?? 1);
}

/**
 * The image shape of a model input `[batch, h, w]` or `[batch, h, w, c]` (c = 1 or 3); a flat
 * `[batch, 784]` input is read as Fashion-MNIST's 28×28 grey.
 *
 * @throws ArgumentError for any other shape.
 */
export function imageShapeOf(inputShape: readonly (number | null)[]): Required<ImageShape> {
  const dims = inputShape.slice(1);
  if (dims.length === 1 && dims[0] === 784) return MNIST_SHAPE;
  const [h, w, c = 1] = dims;
  if ((dims.length === 2 || dims.length === 3) && typeof h === 'number' && typeof w === 'number' && (c === 1 || c === 3)) {
    return { height: h, width: w, channels: c };
  }
  throw new ArgumentError(
    'images',
    `expected a model taking images [n, h, w] or [n, h, w, 1 or 3], found input shape ${JSON.stringify(inputShape)}`,
  );
}

/** Options of {@link pixelImage}. */
export interface PixelImageOptions {
  /** Each pixel becomes a `scale × scale` block. Default 1. */
  scale?: number;
  /** Draw 0 as white and 1 as black (dark on a white page). Default false. */
  invert?: boolean;
  /** A 1-pixel frame of this RGB colour around the image. */
  border?: readonly [number, number, number];
  /** Output channels: 1 (grey images only) or 3. Default: those of the image. */
  channels?: 1 | 3;
}

const byte = (v: number): number => Math.round(255 * Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)));

/**
 * Turns one float image (values in [0, 1], 0 = black; non-finite values drawn as 0) into bytes,
 * scaled up by pixel repetition, optionally inverted and framed.
 *
 * @throws ArgumentError when `pixels` does not hold exactly one image of `shape`.
 */
export function pixelImage(pixels: ArrayLike<number>, shape: ImageShape, options: PixelImageOptions = {}): RawImage {
  const { height, width } = shape;
  const inC = shape.channels ?? 1;
  const { scale = 1, invert = false, border } = options;
  const channels = border !== undefined ? 3 : (options.channels ?? inC);
  if (pixels.length !== imageSize(shape))
    throw new ArgumentError('images', `image has ${pixels.length} values, expected ${height}×${width}×${inC}`);
  if (inC === 3 && channels === 1) throw new ArgumentError('channels', 'pixel image: cannot draw an RGB image with 1 channel');
  const edge = border === undefined ? 0 : 1;
  const W = width * scale + 2 * edge;
  const H = height * scale + 2 * edge;
  const data = new Uint8Array(W * H * channels);
  if (border !== undefined) for (let o = 0; o < data.length; o += 3) data.set(border, o);
  for (let y = 0; y < height * scale; y++) {
    for (let x = 0; x < width * scale; x++) {
      const src = (Math.floor(y / scale) * width + Math.floor(x / scale)) * inC;
      const dst = ((y + edge) * W + x + edge) * channels;
      for (let k = 0; k < channels; k++) {
        const v = byte(pixels[src + (inC === 1 ? 0 : k)]);
        data[dst + k] = invert ? 255 - v : v;
      }
    }
  }
  return { data, width: W, height: H, channels };
}

/** Options of {@link imageGrid}. */
export interface ImageGridOptions {
  /** Height of one image in pixels. Default 28. */
  height?: number;
  /** Width of one image in pixels. Default 28. */
  width?: number;
  /** 1 (grey, written as a grey PNG) or 3 (RGB). Default 1. */
  channels?: 1 | 3;
  /** Each pixel is drawn as a `scale × scale` square. Default 4. */
  scale?: number;
  /** Gap between images, in output pixels. Default 4. */
  gap?: number;
  /** Background grey level 0–255 of the gaps. Default 255 (white). */
  background?: number;
}

/**
 * Draws `rows` of images (each `height × width × channels` floats in [0, 1], 0 = black) as one
 * PNG. Row `r`, column `c` shows `rows[r][c]`; short rows leave blanks.
 *
 * @example
 * await writeFileAtomic('grid.png', await imageGrid([originals, reconstructions], { scale: 3 }));
 */
export async function imageGrid(rows: ArrayLike<number>[][], options: ImageGridOptions = {}): Promise<Buffer> {
  const { height = 28, width = 28, channels = 1, scale = 4, gap = 4, background = 255 } = options;
  const cols = Math.max(1, ...rows.map((r) => r.length));
  const cellW = width * scale;
  const cellH = height * scale;
  const W = cols * cellW + (cols + 1) * gap;
  const H = Math.max(1, rows.length) * cellH + (Math.max(1, rows.length) + 1) * gap;
  const data = new Uint8Array(W * H * channels).fill(background);
  rows.forEach((row, r) =>
    row.forEach((image, c) => {
      if (image.length !== height * width * channels) {
        throw new ArgumentError(
          'images',
          `image grid: image at row ${r}, column ${c} has ${image.length} values, expected ${height}×${width}${channels === 1 ? '' : `×${channels}`}`,
        );
      }
      const cell = pixelImage(image, { height, width, channels }, { scale });
      const x0 = gap + c * (cellW + gap);
      const y0 = gap + r * (cellH + gap);
      for (let y = 0; y < cellH; y++)
        data.set(cell.data.subarray(y * cellW * channels, (y + 1) * cellW * channels), ((y0 + y) * W + x0) * channels);
    }),
  );
  return encodePng({ data, width: W, height: H, channels });
}

/**
 * Encodes one float image (values in [0, 1]) as a PNG of its own size: grey or RGB.
 *
 * @example
 * await writeFileAtomic('clean.png', await imagePng(pixels, MNIST_SHAPE));
 */
export async function imagePng(pixels: ArrayLike<number>, shape: ImageShape): Promise<Buffer> {
  return encodePng(pixelImage(pixels, shape));
}
