/**
 * Minimal charts as PNG files, with no text: a 2-D scatter plot and stacked histograms.
 * (Axis ranges and meanings are documented by the functions that write them.)
 */
import { PNG } from 'pngjs';

type Rgb = [number, number, number];

function canvas(width: number, height: number): PNG {
  const png = new PNG({ width, height });
  png.data.fill(255);
  return png;
}

function put(png: PNG, x: number, y: number, [r, g, b]: Rgb): void {
  if (x < 0 || y < 0 || x >= png.width || y >= png.height) return;
  const o = (Math.floor(y) * png.width + Math.floor(x)) * 4;
  png.data[o] = r; png.data[o + 1] = g; png.data[o + 2] = b; png.data[o + 3] = 255;
}

function rect(png: PNG, x0: number, y0: number, x1: number, y1: number, colour: Rgb): void {
  for (let y = Math.round(y0); y < Math.round(y1); y++) for (let x = Math.round(x0); x < Math.round(x1); x++) put(png, x, y, colour);
}

const GREY: Rgb = [160, 160, 160];
const BLUE: Rgb = [31, 119, 180];
const RED: Rgb = [214, 39, 40];

/** Options of {@link scatterPlot}. */
export interface ScatterOptions {
  /** Image size in pixels. Default 400. */
  size?: number;
  /** One value in [0, 1] per point, drawn as a blue → red colour ramp (e.g. position along the cloud). Default all blue. */
  shade?: ArrayLike<number>;
}

/**
 * Draws `count` 2-D points (`xy` = x0, y0, x1, y1, …) as dots on a square PNG with equal axis
 * scales, grey axes through the origin (when in range), y pointing up.
 */
export function scatterPlot(xy: ArrayLike<number>, count: number, options: ScatterOptions = {}): Buffer {
  const { size = 400, shade } = options;
  if (xy.length < count * 2) throw new RangeError(`scatter plot: ${count} points need ${count * 2} values, got ${xy.length}`);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < count * 2; i++) { lo = Math.min(lo, xy[i]); hi = Math.max(hi, xy[i]); }
  if (!(hi > lo)) { lo -= 1; hi += 1; }
  const pad = 0.08 * (hi - lo);
  lo -= pad; hi += pad;
  const png = canvas(size, size);
  const px = (v: number): number => ((v - lo) / (hi - lo)) * (size - 1);
  if (lo < 0 && hi > 0) {
    rect(png, px(0), 0, px(0) + 1, size, GREY);
    rect(png, 0, size - 1 - px(0), size, size - px(0), GREY);
  }
  for (let i = 0; i < count; i++) {
    const s = shade === undefined ? 0 : Math.min(1, Math.max(0, shade[i]));
    const colour: Rgb = [Math.round(BLUE[0] + s * (RED[0] - BLUE[0])), Math.round(BLUE[1] + s * (RED[1] - BLUE[1])), Math.round(BLUE[2] + s * (RED[2] - BLUE[2]))];
    const x = px(xy[2 * i]);
    const y = size - 1 - px(xy[2 * i + 1]);
    rect(png, x - 2, y - 2, x + 3, y + 3, colour);
  }
  return PNG.sync.write(png);
}

/** One panel of {@link histogramPanels}. */
export interface HistogramPanel {
  values: ArrayLike<number>;
  /** Range of the x axis. Default [0, 1]. */
  range?: [number, number];
  /** Draws a red vertical line at this x (e.g. a target activation). */
  marker?: number;
}

/**
 * Draws one histogram per panel, stacked vertically (`bins` bars each, heights scaled to the panel's
 * tallest bar, values outside the range counted in the edge bins). Returns PNG bytes.
 */
export function histogramPanels(panels: HistogramPanel[], options: { bins?: number; width?: number; panelHeight?: number } = {}): Buffer {
  const { bins = 50, width = 500, panelHeight = 200 } = options;
  if (panels.length === 0) throw new RangeError('histogram: no panels');
  const gap = 10;
  const png = canvas(width, panels.length * (panelHeight + gap) + gap);
  panels.forEach((panel, p) => {
    const [lo, hi] = panel.range ?? [0, 1];
    const counts = new Float64Array(bins);
    for (let i = 0; i < panel.values.length; i++) {
      const v = panel.values[i];
      if (!Number.isFinite(v)) continue;
      counts[Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)))]++;
    }
    const top = Math.max(1, ...counts);
    const y0 = gap + p * (panelHeight + gap);
    const barW = (width - 2 * gap) / bins;
    counts.forEach((c, b) => {
      const h = (c / top) * (panelHeight - 1);
      rect(png, gap + b * barW, y0 + panelHeight - h, gap + (b + 1) * barW - 1, y0 + panelHeight, BLUE);
    });
    rect(png, gap, y0 + panelHeight, width - gap, y0 + panelHeight + 1, GREY);
    if (panel.marker !== undefined) {
      const x = gap + ((panel.marker - lo) / (hi - lo)) * (width - 2 * gap);
      rect(png, x, y0, x + 2, y0 + panelHeight, RED);
    }
  });
  return PNG.sync.write(png);
}
