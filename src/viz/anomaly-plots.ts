/**
 * Pictures of anomaly scores as PNG: a histogram of reconstruction errors with the threshold, and
 * a grid of the worst-reconstructed images with their errors.
 */
import { BLACK, Canvas, CLASS_COLOURS, LIGHT_GREY, niceTicks, type Rgb, tickLabel } from './canvas.js';
import { textWidth } from './font.js';

/** A group of values drawn in one colour of the histogram. */
export interface HistogramGroup {
  name: string;
  values: ArrayLike<number>;
  colour?: Rgb;
}

/** Options of {@link histogramPng}. */
export interface HistogramOptions {
  title?: string;
  xLabel?: string;
  /** Draws a red vertical line here, labelled `threshold`. */
  threshold?: number;
  /** Number of bins. Default 60. */
  bins?: number;
  /** Default 720. */
  width?: number;
  /** Default 360. */
  height?: number;
}

/**
 * Histogram of one or more groups of values (stacked, one colour each) over shared bins.
 *
 * @example
 * await writeFileAtomic('h.png', histogramPng([{ name: 'test', values: errors }], { threshold: 0.02 }));
 */
export function histogramPng(groups: HistogramGroup[], options: HistogramOptions = {}): Buffer {
  const { title = '', xLabel = '', threshold, bins = 60, width = 720, height = 360 } = options;
  const all = groups.flatMap((g) => Array.from(g.values)).filter(Number.isFinite);
  const lo = Math.min(0, ...(all.length ? [Math.min(...all)] : [0]));
  let hi = Math.max(...(all.length ? all : [1]), threshold ?? -Infinity);
  if (hi <= lo) hi = lo + 1;
  const counts = groups.map((g) => {
    const h = new Float64Array(bins);
    for (const v of Array.from(g.values)) if (Number.isFinite(v)) h[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]++;
    return h;
  });
  const totals = Array.from({ length: bins }, (_, b) => counts.reduce((s, h) => s + h[b], 0));
  const maxCount = Math.max(1, ...totals);
  const c = new Canvas(width, height);
  const left = 56; const right = 16; const top = title ? 32 : 16; const bottom = 40;
  const pw = width - left - right; const ph = height - top - bottom;
  const px = (v: number): number => left + ((v - lo) / (hi - lo)) * pw;
  const py = (n: number): number => top + ph - (n / maxCount) * ph;
  for (const t of niceTicks(0, maxCount, 4)) {
    c.fillRect(left, py(t), pw, 1, LIGHT_GREY);
    c.text(left - 6 - textWidth(tickLabel(t)), py(t) - 3, tickLabel(t));
  }
  const bw = pw / bins;
  for (let b = 0; b < bins; b++) {
    let base = 0;
    counts.forEach((h, g) => {
      if (h[b] === 0) return;
      const colour = groups[g].colour ?? CLASS_COLOURS[g % CLASS_COLOURS.length];
      c.fillRect(left + b * bw + 1, py(base + h[b]), Math.max(1, bw - 1), py(base) - py(base + h[b]), colour);
      base += h[b];
    });
  }
  for (const t of niceTicks(lo, hi, 6)) {
    c.fillRect(px(t), top + ph, 1, 4, BLACK);
    c.text(px(t) - textWidth(tickLabel(t)) / 2, top + ph + 8, tickLabel(t));
  }
  c.strokeRect(left, top, pw + 1, ph + 1, BLACK);
  if (threshold !== undefined) {
    c.fillRect(px(threshold) - 1, top, 2, ph, [220, 0, 0]);
    const label = `threshold ${tickLabel(threshold)}`;
    c.text(Math.min(px(threshold) + 4, left + pw - textWidth(label) - 2), top + 4, label, [220, 0, 0]);
  }
  if (title) c.text((width - textWidth(title, 2)) / 2, 8, title, BLACK, 2);
  if (xLabel) c.text(left + (pw - textWidth(xLabel)) / 2, height - 14, xLabel);
  groups.forEach((g, i) => {
    const label = `${g.name} (${g.values.length})`;
    const x = left + pw - textWidth(label) - 30;
    const y = top + 20 + i * 14;
    c.fillRect(x - 4, y - 3, textWidth(label) + 30, 13, [255, 255, 255]);
    c.fillRect(x, y, 12, 7, g.colour ?? CLASS_COLOURS[i % CLASS_COLOURS.length]);
    c.text(x + 18, y, label);
  });
  return c.toPng();
}

/** One image of {@link errorGridPng}: 28×28 pixels in [0, 1], with its caption lines. */
export interface CaptionedImage {
  pixels: Float32Array;
  caption: string[];
}

/**
 * A grid of images (white on black, as Fashion-MNIST stores them) with caption lines under each,
 * e.g. the worst-reconstructed images with their errors.
 */
export function errorGridPng(items: CaptionedImage[], options: { perRow?: number; scale?: number; title?: string } = {}): Buffer {
  const { perRow = 10, scale = 3, title = '' } = options;
  const lines = Math.max(1, ...items.map((it) => it.caption.length));
  const cell = 28 * scale;
  const longest = Math.max(0, ...items.flatMap((it) => it.caption.map((l) => textWidth(l))));
  const cw = Math.max(cell, longest) + 8;
  const ch = cell + 6 + lines * 10 + 8;
  const cols = Math.max(1, Math.min(perRow, items.length));
  const rows = Math.max(1, Math.ceil(items.length / perRow));
  const top = title ? 30 : 4;
  const c = new Canvas(cols * cw + 8, top + rows * ch + 4);
  if (title) c.text(8, 8, title, BLACK, 2);
  items.forEach((it, k) => {
    const x = 4 + (k % perRow) * cw + (cw - cell) / 2;
    const y = top + Math.floor(k / perRow) * ch;
    c.image(x, y, it.pixels, 28, 28, scale);
    it.caption.forEach((line, l) => c.text(4 + (k % perRow) * cw + (cw - textWidth(line)) / 2, y + cell + 4 + l * 10, line));
  });
  return c.toPng();
}
