/**
 * Pictures of anomaly scores as PNG: a histogram of reconstruction errors with the threshold, and
 * a grid of the worst-reconstructed images with their errors.
 */

import { ArgumentError } from '../core/errors.js';
import { type ImageShape, imageSize, MNIST_SHAPE, pixelImage } from './image-grid.js';
import { svgToPng } from './raster.js';
import { captionGridSvg, type HistogramGroup, type HistogramOptions, histogramSvg } from './svg-charts.js';

export type { HistogramGroup, HistogramOptions } from './svg-charts.js';

/**
 * Histogram of one or more groups of values (stacked, one colour each) over shared bins, with an
 * optional threshold line.
 *
 * @example
 * await writeFileAtomic('h.png', await histogramPng([{ name: 'test', values: errors }], { threshold: 0.02 }));
 */
export async function histogramPng(groups: HistogramGroup[], options: HistogramOptions = {}): Promise<Buffer> {
  return svgToPng(histogramSvg(groups, options));
}

/** One image of {@link errorGridPng}: pixels in [0, 1] (28×28 grey unless `shape` says otherwise), with its caption lines. */
export interface CaptionedImage {
  pixels: ArrayLike<number>;
  caption: string[];
}

/** Options of {@link errorGridPng}. */
export interface ErrorGridOptions {
  /** Images per row. Default 10. */
  perRow?: number;
  /** Each pixel drawn as a `scale × scale` block. Default 3. */
  scale?: number;
  title?: string;
  /** Shape of every image. Default 28×28 grey. */
  shape?: ImageShape;
}

/**
 * A grid of images (white on black, as Fashion-MNIST stores them) with caption lines under each,
 * e.g. the worst-reconstructed images with their errors.
 */
export async function errorGridPng(items: CaptionedImage[], options: ErrorGridOptions = {}): Promise<Buffer> {
  const { perRow = 10, scale = 3, title = '', shape = MNIST_SHAPE } = options;
  items.forEach((it, k) => {
    if (it.pixels.length !== imageSize(shape))
      throw new ArgumentError(
        'items',
        `error grid: image ${k} has ${it.pixels.length} values, expected ${shape.height}×${shape.width}×${shape.channels ?? 1}`,
      );
  });
  const grid = captionGridSvg(
    items.map((it) => it.caption),
    { title, perRow, slotWidth: shape.width * scale, slotHeight: shape.height * scale },
  );
  return svgToPng(
    grid,
    items.map((it, k) => ({ image: pixelImage(it.pixels, shape, { scale, channels: 3 }), ...grid.slots[k] })),
  );
}
