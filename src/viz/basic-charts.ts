/**
 * Small charts as PNG files, drawn by the SVG chart module: a 2-D scatter plot (the linear
 * autoencoder's codings) and stacked histogram panels (the sparse autoencoder's activations).
 */
import { svgToPng } from './raster.js';
import { type HistogramPanel, type HistogramPanelsOptions, histogramPanelsSvg, scatterSvg } from './svg-charts.js';

export type { HistogramPanel, HistogramPanelsOptions } from './svg-charts.js';

/** Options of {@link scatterPlot}. */
export interface ScatterOptions {
  /** Side of the square plot area in pixels. Default 400. */
  size?: number;
  /** One value in [0, 1] per point, drawn as a blue → red colour ramp (e.g. position along the cloud). Default all blue. */
  shade?: ArrayLike<number>;
  title?: string;
  xLabel?: string;
  yLabel?: string;
}

/**
 * Draws `count` 2-D points (`xy` = x0, y0, x1, y1, …) as dots on a square plot with equal axis
 * scales, ticks, grey axes through the origin (when in range), y pointing up. Returns PNG bytes.
 *
 * @example
 * await writeFileAtomic('codings.png', await scatterPlot(codings, 60, { shade }));
 */
export async function scatterPlot(xy: ArrayLike<number>, count: number, options: ScatterOptions = {}): Promise<Buffer> {
  const { size = 400, ...rest } = options;
  return svgToPng(scatterSvg(xy, count, { ...rest, plotSize: size, equalAxes: true, originLines: true, radius: 3, opacity: 1 }));
}

/**
 * Draws one histogram per panel, stacked vertically (`bins` bars each, heights scaled to the panel's
 * tallest bar, values outside the range counted in the edge bins). Returns PNG bytes.
 *
 * @example
 * await writeFileAtomic('activations.png', await histogramPanels([{ values, marker: 0.1 }]));
 */
export async function histogramPanels(panels: HistogramPanel[], options: HistogramPanelsOptions = {}): Promise<Buffer> {
  return svgToPng(histogramPanelsSvg(panels, options));
}
