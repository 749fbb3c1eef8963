/**
 * 2-D maps of codings as PNG: a scatter coloured by class with a legend, and the book's second
 * view, image thumbnails drawn wherever a point is far enough from the thumbnails already drawn.
 */
import { type Points, pointDim } from '../analysis/knn.js';
import { ArgumentError } from '../core/errors.js';
import { type ImageShape, imageSize, MNIST_SHAPE, pixelImage } from './image-grid.js';
import { hexToRgb, svgToPng } from './raster.js';
import { CLASS_COLOURS, scatterSvg } from './svg-charts.js';

/** Coordinates min-max scaled to [0, 1] on each axis (as the book scales its t-SNE output). */
export function minMaxScale(xy: Points): Float32Array {
  if (pointDim(xy) !== 2) throw new ArgumentError('points', `minMaxScale: expected 2-D points, got ${pointDim(xy)}-D`);
  const out = new Float32Array(xy.count * 2);
  for (let a = 0; a < 2; a++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < xy.count; i++) {
      lo = Math.min(lo, xy.x[2 * i + a]);
      hi = Math.max(hi, xy.x[2 * i + a]);
    }
    const span = hi - lo || 1;
    for (let i = 0; i < xy.count; i++) out[2 * i + a] = (xy.x[2 * i + a] - lo) / span;
  }
  return out;
}

/** Options of {@link scatterMapPng}. */
export interface MapPlotOptions {
  /** Title line, e.g. `t-SNE of 5000 validation codings`. */
  title?: string;
  /** Names of the labels, drawn in the legend (Fashion-MNIST's by default from the caller). */
  classNames: readonly string[];
  /** Plot area side in pixels. Default 640. */
  size?: number;
  xLabel?: string;
  yLabel?: string;
}

/**
 * Scatter of 2-D points coloured by label, with axes and a legend of class names.
 *
 * @example
 * await writeFileAtomic('map.png', await scatterMapPng(xy, labels, { classNames: CLASS_NAMES, title: 't-SNE' }));
 */
export async function scatterMapPng(xy: Points, labels: ArrayLike<number>, options: MapPlotOptions): Promise<Buffer> {
  const { size = 640, ...rest } = options;
  if (pointDim(xy) !== 2) throw new ArgumentError('points', `scatter map: expected 2-D points, got ${pointDim(xy)}-D`);
  return svgToPng(scatterSvg(xy.x, xy.count, { ...rest, plotSize: size, labels, radius: 2, opacity: 0.75 }));
}

/** Options of {@link thumbnailMapPng}. */
export interface ThumbnailMapOptions extends MapPlotOptions {
  /** Least squared distance, in min-max scaled coordinates, between drawn thumbnails. Default 0.02 (the book's). */
  minDistance2?: number;
  /** Each thumbnail pixel drawn as a `thumbnailScale²` block. Default 2. */
  thumbnailScale?: number;
  /** Shape of each image. Default 28×28 grey. */
  shape?: ImageShape;
  /** Draw images dark on white (grey images such as Fashion-MNIST's). Default true; colour photos want false. */
  invert?: boolean;
}

/**
 * The book's thumbnail view: a faint scatter, then, in order, each point's image (dark on white,
 * framed in its class colour) wherever its squared distance (in min-max scaled coordinates) to
 * every thumbnail already drawn exceeds `minDistance2`. `images` holds one image of `shape` per point.
 */
export async function thumbnailMapPng(
  xy: Points,
  labels: ArrayLike<number>,
  images: Float32Array,
  options: ThumbnailMapOptions,
): Promise<Buffer> {
  const { size = 800, minDistance2 = 0.02, thumbnailScale = 2, shape = MNIST_SHAPE, invert = true, ...rest } = options;
  const scaled = minMaxScale(xy);
  const n = imageSize(shape);
  if (images.length < xy.count * n)
    throw new ArgumentError(
      'points',
      `thumbnail map: ${xy.count} points need ${xy.count} images of ${n} values, got ${images.length} values`,
    );
  const half = (Math.max(shape.height, shape.width) * thumbnailScale) / 2 + 1;
  const chart = scatterSvg(xy.x, xy.count, { ...rest, plotSize: size, labels, radius: 2, opacity: 0.5, padding: half + 2 });
  const placed: number[] = [];
  for (let i = 0; i < xy.count; i++) {
    if (placed.every((j) => (scaled[2 * i] - scaled[2 * j]) ** 2 + (scaled[2 * i + 1] - scaled[2 * j + 1]) ** 2 > minDistance2))
      placed.push(i);
  }
  const overlays = placed.map((i) => {
    const image = pixelImage(images.subarray(i * n, (i + 1) * n), shape, {
      scale: thumbnailScale,
      invert,
      border: hexToRgb(CLASS_COLOURS[labels[i] % CLASS_COLOURS.length]),
    });
    const [x, y] = chart.place(xy.x[2 * i], xy.x[2 * i + 1]);
    return { image, left: Math.round(x - image.width / 2), top: Math.round(y - image.height / 2) };
  });
  return svgToPng(chart, overlays);
}
