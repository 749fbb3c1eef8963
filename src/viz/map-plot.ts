/**
 * 2-D maps of codings as PNG: a scatter coloured by class with a legend, and the book's second
 * view, image thumbnails drawn wherever a point is far enough from the thumbnails already drawn.
 */
import type { Points } from '../analysis/knn.js';
import { BLACK, Canvas, CLASS_COLOURS } from './canvas.js';
import { textWidth } from './font.js';

/** Coordinates min-max scaled to [0, 1] on each axis (as the book scales its t-SNE output). */
export function minMaxScale(xy: Points): Float32Array {
  if (xy.dim !== 2) throw new RangeError(`minMaxScale: expected 2-D points, got ${xy.dim}-D`);
  const out = new Float32Array(xy.count * 2);
  for (let a = 0; a < 2; a++) {
    let lo = Infinity; let hi = -Infinity;
    for (let i = 0; i < xy.count; i++) { lo = Math.min(lo, xy.data[2 * i + a]); hi = Math.max(hi, xy.data[2 * i + a]); }
    const span = hi - lo || 1;
    for (let i = 0; i < xy.count; i++) out[2 * i + a] = (xy.data[2 * i + a] - lo) / span;
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
}

function frame(title: string, size: number, legendWidth: number): { c: Canvas; left: number; top: number } {
  const left = 16; const top = title ? 36 : 16;
  const c = new Canvas(left + size + 16 + legendWidth + 16, top + size + 16);
  if (title) c.text(left, 10, title, BLACK, 2);
  c.strokeRect(left - 1, top - 1, size + 2, size + 2, [190, 190, 190]);
  return { c, left, top };
}

function legend(c: Canvas, x: number, y: number, classNames: readonly string[], present: Set<number>): void {
  classNames.forEach((name, i) => {
    const yy = y + i * 20;
    c.dot(x + 6, yy + 4, 5, CLASS_COLOURS[i % CLASS_COLOURS.length], present.has(i) ? 1 : 0.25);
    c.text(x + 18, yy, `${i} ${name}`, present.has(i) ? BLACK : [160, 160, 160]);
  });
}

/**
 * Scatter of 2-D points coloured by label, with a legend of class names.
 *
 * @example
 * await writeFileAtomic('map.png', scatterMapPng(xy, labels, { classNames: CLASS_NAMES, title: 't-SNE' }));
 */
export function scatterMapPng(xy: Points, labels: ArrayLike<number>, options: MapPlotOptions): Buffer {
  const { title = '', classNames, size = 640 } = options;
  const scaled = minMaxScale(xy);
  const legendWidth = Math.max(...classNames.map((n, i) => textWidth(`${i} ${n}`))) + 20;
  const { c, left, top } = frame(title, size, legendWidth);
  const inner = size - 12;
  for (let i = 0; i < xy.count; i++) {
    c.dot(left + 6 + scaled[2 * i] * inner, top + 6 + (1 - scaled[2 * i + 1]) * inner, 2, CLASS_COLOURS[labels[i] % CLASS_COLOURS.length], 0.75);
  }
  legend(c, left + size + 16, top + 4, classNames, new Set(Array.from(labels)));
  return c.toPng();
}

/**
 * The book's thumbnail view: a faint scatter, then, in order, each point's image (28×28, dark on
 * white) wherever its squared distance (in min-max scaled coordinates) to every thumbnail already
 * drawn exceeds `minDistance2` (the book's 0.02). `images` holds `count × 784` floats.
 */
export function thumbnailMapPng(xy: Points, labels: ArrayLike<number>, images: Float32Array, options: MapPlotOptions & {
  minDistance2?: number; thumbnailScale?: number;
}): Buffer {
  const { title = '', classNames, size = 800, minDistance2 = 0.02, thumbnailScale = 2 } = options;
  const scaled = minMaxScale(xy);
  const legendWidth = Math.max(...classNames.map((n, i) => textWidth(`${i} ${n}`))) + 20;
  const { c, left, top } = frame(title, size, legendWidth);
  const t = 28 * thumbnailScale;
  const inner = size - t;
  const at = (i: number): [number, number] => [left + t / 2 + scaled[2 * i] * inner, top + t / 2 + (1 - scaled[2 * i + 1]) * inner];
  for (let i = 0; i < xy.count; i++) {
    const [x, y] = at(i);
    c.dot(x, y, 2, CLASS_COLOURS[labels[i] % CLASS_COLOURS.length], 0.5);
  }
  const placed: number[] = [];
  for (let i = 0; i < xy.count; i++) {
    const far = placed.every((j) => (scaled[2 * i] - scaled[2 * j]) ** 2 + (scaled[2 * i + 1] - scaled[2 * j + 1]) ** 2 > minDistance2);
    if (!far) continue;
    placed.push(i);
    const [x, y] = at(i);
    c.image(x - t / 2, y - t / 2, images.subarray(i * 784, (i + 1) * 784), 28, 28, thumbnailScale, true);
    c.strokeRect(x - t / 2 - 1, y - t / 2 - 1, t + 2, t + 2, CLASS_COLOURS[labels[i] % CLASS_COLOURS.length]);
  }
  legend(c, left + size + 16, top + 4, classNames, new Set(Array.from(labels)));
  return c.toPng();
}
