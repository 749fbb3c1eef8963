/**
 * Line charts as PNG: per-epoch training curves (`curves.png`) and any few series over x.
 */
import type { EpochRecord } from '../training/fit.js';
import { BLACK, Canvas, CLASS_COLOURS, LIGHT_GREY, niceTicks, type Rgb, tickLabel } from './canvas.js';
import { textWidth } from './font.js';

/** One named series of (x, y) points. */
export interface Series {
  name: string;
  x: number[];
  y: number[];
  colour?: Rgb;
  /** Draw dashes instead of a solid line (validation curves). */
  dashed?: boolean;
}

/** Options of {@link lineChartPng}. */
export interface LineChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Default 640. */
  width?: number;
  /** Default 400. */
  height?: number;
}

/**
 * Draws `series` as lines with markers on shared axes, with ticks, a title and a legend.
 *
 * @example
 * await writeFileAtomic('c.png', lineChartPng([{ name: 'loss', x: [1, 2], y: [0.3, 0.28] }]));
 */
export function lineChartPng(series: Series[], options: LineChartOptions = {}): Buffer {
  const { title = '', xLabel = '', yLabel = '', width = 640, height = 400 } = options;
  const c = new Canvas(width, height);
  const left = 64; const right = 16; const top = title ? 32 : 16; const bottom = 44;
  const pw = width - left - right; const ph = height - top - bottom;
  const xs = series.flatMap((s) => s.x).filter(Number.isFinite);
  const ys = series.flatMap((s) => s.y).filter(Number.isFinite);
  let [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  let [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  if (x1 === x0) { x0 -= 0.5; x1 += 0.5; }
  const pad = (y1 - y0) * 0.08 || Math.abs(y0) * 0.05 || 0.5;
  y0 -= pad; y1 += pad;
  const px = (x: number): number => left + ((x - x0) / (x1 - x0)) * pw;
  const py = (y: number): number => top + ph - ((y - y0) / (y1 - y0)) * ph;
  for (const t of niceTicks(y0, y1, 5)) {
    c.fillRect(left, py(t), pw, 1, LIGHT_GREY);
    const label = tickLabel(t);
    c.text(left - 6 - textWidth(label), py(t) - 3, label);
  }
  const xTicks = niceTicks(x0, x1, Math.min(8, Math.max(1, Math.round(x1 - x0)))).filter((t) => xs.length === 0 || Number.isInteger(t) || x1 - x0 < 4);
  for (const t of xTicks) {
    c.fillRect(px(t), top + ph, 1, 4, BLACK);
    const label = tickLabel(t);
    c.text(px(t) - textWidth(label) / 2, top + ph + 8, label);
  }
  c.strokeRect(left, top, pw + 1, ph + 1, BLACK);
  if (title) c.text((width - textWidth(title, 2)) / 2, 8, title, BLACK, 2);
  if (xLabel) c.text(left + (pw - textWidth(xLabel)) / 2, height - 14, xLabel);
  if (yLabel) c.text(4, top - 12 < 0 ? 0 : Math.max(0, top - 12), yLabel);
  series.forEach((s, i) => {
    const colour = s.colour ?? CLASS_COLOURS[i % CLASS_COLOURS.length];
    for (let k = 1; k < s.x.length; k++) {
      if (!Number.isFinite(s.y[k - 1]) || !Number.isFinite(s.y[k])) continue;
      if (!s.dashed) { c.line(px(s.x[k - 1]), py(s.y[k - 1]), px(s.x[k]), py(s.y[k]), colour, 2); continue; }
      const n = 12;
      for (let d = 0; d < n; d += 2) {
        const a = d / n; const b = (d + 1) / n;
        const xa = s.x[k - 1] + (s.x[k] - s.x[k - 1]) * a; const ya = s.y[k - 1] + (s.y[k] - s.y[k - 1]) * a;
        const xb = s.x[k - 1] + (s.x[k] - s.x[k - 1]) * b; const yb = s.y[k - 1] + (s.y[k] - s.y[k - 1]) * b;
        c.line(px(xa), py(ya), px(xb), py(yb), colour, 2);
      }
    }
    s.x.forEach((x, k) => { if (Number.isFinite(s.y[k])) c.dot(px(x), py(s.y[k]), 3, colour); });
    // Legend, top right inside the plot.
    const ly = top + 8 + i * 14;
    const lx = left + pw - 8 - Math.max(...series.map((t) => textWidth(t.name))) - 26;
    c.fillRect(lx - 4, ly - 4, width - right - lx - 4, 14, [255, 255, 255]);
    c.line(lx, ly + 3, lx + 18, ly + 3, colour, 2);
    c.text(lx + 24, ly, s.name);
  });
  return c.toPng();
}

/**
 * The training curves of a run: `loss` and `val_loss` per epoch (the chart `aekit train` writes
 * as `curves.png`).
 */
export function curvesPng(epochs: EpochRecord[], options: LineChartOptions & { metrics?: string[] } = {}): Buffer {
  const { metrics = ['loss', 'val_loss'], ...rest } = options;
  const series: Series[] = metrics.map((m, i) => ({
    name: m,
    x: epochs.map((e) => e.epoch),
    y: epochs.map((e) => (typeof e[m] === 'number' ? e[m] : NaN)),
    colour: CLASS_COLOURS[i % CLASS_COLOURS.length],
    dashed: m.startsWith('val_'),
  }));
  return lineChartPng(series, { xLabel: 'epoch', ...rest });
}
