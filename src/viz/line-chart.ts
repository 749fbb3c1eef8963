/**
 * Line charts as PNG: per-epoch training curves (`curves.png`) and any few series over x, drawn by
 * the SVG chart module and rasterised by sharp.
 */
import type { EpochRecord } from '../training/fit.js';
import { svgToPng } from './raster.js';
import { CLASS_COLOURS, type LineChartOptions, lineChartSvg, type Series } from './svg-charts.js';

export type { LineChartOptions, Series } from './svg-charts.js';

/**
 * Draws `series` as lines with markers on shared axes, with ticks, a title and a legend.
 *
 * @example
 * await writeFileAtomic('c.png', await lineChartPng([{ name: 'loss', x: [1, 2], y: [0.3, 0.28] }]));
 */
export async function lineChartPng(series: Series[], options: LineChartOptions = {}): Promise<Buffer> {
  return svgToPng(lineChartSvg(series, options));
}

/**
 * The series of per-epoch `metrics` (default `loss` and `val_loss`): one colour per train/validation
 * pair, validation dashed, missing values as gaps.
 */
export function curveSeries(epochs: EpochRecord[], metrics: string[] = ['loss', 'val_loss']): Series[] {
  return metrics.map((m, i) => ({
    name: m,
    x: epochs.map((e) => e.epoch),
    y: epochs.map((e) => (typeof e[m] === 'number' ? e[m] : NaN)),
    colour: CLASS_COLOURS[Math.floor(i / 2) % CLASS_COLOURS.length],
    dashed: m.startsWith('val_'),
  }));
}

/**
 * The training curves of a run: `loss` and `val_loss` per epoch (the chart `aekit train` writes
 * as `curves.png`).
 */
export async function curvesPng(epochs: EpochRecord[], options: LineChartOptions & { metrics?: string[] } = {}): Promise<Buffer> {
  const { metrics, ...rest } = options;
  return lineChartPng(curveSeries(epochs, metrics), { xLabel: 'epoch', ...rest });
}
