/**
 * aekit's one chart module: line charts, histograms (stacked groups, or one panel per data set) and
 * scatter plots (class colours with a legend, or a colour ramp), each an SVG document with axes,
 * ticks, labels and titles as real `<text>`. `raster.ts` turns a chart into PNG with sharp; the
 * HTML report embeds the SVG itself.
 *
 * Why hand-built SVG + sharp rather than Vega-Lite specs rendered by `vega`/`vega-lite` (measured
 * on the shared 2-core development machine, Node 20, one 560×320 line chart of two 20-point series):
 * - sharp 0.35.5: 6 packages, 20 MB (libvips inside), `npm install` 5 s, import 0.3–0.5 s. The SVG
 *   is built in 0.5 ms (first call up to 23 ms); sharp rasterises it in 12–22 ms (first ~100 ms,
 *   font set-up).
 * - vega 6 + vega-lite 6: 79 more packages, 25 MB, 12 s, import 0.7–0.8 s. Compiling the spec and
 *   rendering it to SVG: 180–410 ms the first time, 110–185 ms after; a PNG still needs a rasteriser
 *   on top (sharp: 37–57 ms for Vega's 26 KB SVG, or the native `canvas` package).
 * Vega would add a second stack and about a second per CLI call for charts this simple: SVG + sharp.
 */
import { ArgumentError } from '../core/errors.js';

/** An SVG chart: the document and its size in pixels. */
export interface Chart {
  svg: string;
  width: number;
  height: number;
}

/** Colours of the ten classes (matplotlib's `tab10`), by label; also the series colours. */
export const CLASS_COLOURS: readonly string[] = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

const FONT = 12;
const TITLE_FONT = 15;
const RED = '#d62728';
const GRID = '#e4e4e4';
/** Vertical offset that centres a line of text on a y coordinate (librsvg ignores `dominant-baseline`). */
const MIDDLE = 0.35 * FONT;

/** Escapes text for SVG and HTML element content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Round numbers for axis ticks: about `target` values covering [min, max]. */
export function niceTicks(min: number, max: number, target = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max <= min) return [min];
  const raw = (max - min) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** A short label for a tick value (`0.25`, `1e-4`, `1200`). */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

/** Approximate width in pixels of `text` in a sans-serif font of `size` px, for layout only. */
export function textWidth(text: string, size = FONT): number {
  return Math.ceil(text.length * size * 0.6);
}

const px = (v: number): string => String(Math.round(v * 10) / 10);

function label(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${px(x)}" y="${px(y)}"${attrs ? ` ${attrs}` : ''}>${escapeXml(content)}</text>`;
}

/** Wraps chart elements in an SVG document with a white background and an optional bold title. */
function svgDocument(width: number, height: number, title: string, body: string[]): Chart {
  const head =
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="DejaVu Sans, Arial, Helvetica, sans-serif" font-size="${FONT}"><rect width="${width}" height="${height}" fill="#fff"/>`;
  const t = title ? label(width / 2, 22, title, `text-anchor="middle" font-size="${TITLE_FONT}" font-weight="bold"`) : '';
  return { svg: `${head}${t}${body.join('')}</svg>`, width, height };
}

/** The plot area of a chart, in pixels. */
interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** A linear map from data values [lo, hi] to pixels [from, to]. */
interface Scale {
  lo: number;
  hi: number;
  from: number;
  to: number;
}

const at = (s: Scale, v: number): number => s.from + ((v - s.lo) / (s.hi - s.lo)) * (s.to - s.from);

/** What a plot area needs around it: room for the title, tick labels and axis labels. */
interface MarginSpec {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  yTicks: number[];
}

/** Margins left of, above and below a plot area. */
function margins(o: MarginSpec): { left: number; top: number; bottom: number } {
  return {
    left: 10 + (o.yLabel ? 20 : 0) + Math.max(12, ...o.yTicks.map((t) => textWidth(tickLabel(t)))) + 8,
    top: o.title ? 38 : 14,
    bottom: 24 + (o.xLabel ? 20 : 0),
  };
}

/** The plot area of a `width × height` chart, `right` pixels (default 18) from its right edge. */
function plotBox(width: number, height: number, o: MarginSpec & { right?: number }): Box {
  const m = margins(o);
  return { left: m.left, top: m.top, width: width - m.left - (o.right ?? 18), height: height - m.top - m.bottom };
}

/** Grid lines, ticks and tick labels on the left and bottom edges, the frame, and the axis labels. */
function axes(box: Box, x: Scale, y: Scale, o: { xTicks: number[]; yTicks: number[]; xLabel?: string; yLabel?: string }): string[] {
  const out: string[] = [];
  const bottom = box.top + box.height;
  for (const t of o.yTicks) {
    const yy = at(y, t);
    out.push(
      `<line x1="${px(box.left)}" x2="${px(box.left + box.width)}" y1="${px(yy)}" y2="${px(yy)}" stroke="${GRID}"/>`,
      label(box.left - 6, yy + MIDDLE, tickLabel(t), 'text-anchor="end"'),
    );
  }
  for (const t of o.xTicks) {
    const xx = at(x, t);
    out.push(
      `<line x1="${px(xx)}" x2="${px(xx)}" y1="${px(bottom)}" y2="${px(bottom + 4)}" stroke="#000"/>`,
      label(xx, bottom + 17, tickLabel(t), 'text-anchor="middle"'),
    );
  }
  out.push(`<rect x="${px(box.left)}" y="${px(box.top)}" width="${px(box.width)}" height="${px(box.height)}" fill="none" stroke="#000"/>`);
  if (o.xLabel) out.push(label(box.left + box.width / 2, bottom + 37, o.xLabel, 'text-anchor="middle"'));
  if (o.yLabel) {
    out.push(
      `<text transform="translate(${px(16)},${px(box.top + box.height / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(o.yLabel)}</text>`,
    );
  }
  return out;
}

/** One legend entry: a line sample (optionally dashed), a dot or a box, and its name. */
interface LegendItem {
  name: string;
  colour: string;
  mark: 'line' | 'dot' | 'box';
  dashed?: boolean;
  faded?: boolean;
}

/** Width in pixels of a legend of `items`. */
const legendWidth = (items: LegendItem[]): number => 36 + Math.max(0, ...items.map((i) => textWidth(i.name)));

/** A legend with its top-left corner at (x, y) on a white box, one entry per 18 px. */
function legend(items: LegendItem[], x: number, y: number, boxed = true): string[] {
  const out =
    boxed && items.length
      ? [
          `<rect x="${px(x)}" y="${px(y)}" width="${legendWidth(items)}" height="${items.length * 18 + 6}" fill="#fff" fill-opacity="0.9" stroke="#ccc"/>`,
        ]
      : [];
  items.forEach((it, i) => {
    const cy = y + 12 + i * 18;
    const opacity = it.faded ? ' opacity="0.3"' : '';
    if (it.mark === 'line') {
      out.push(
        `<line x1="${px(x + 6)}" x2="${px(x + 26)}" y1="${px(cy)}" y2="${px(cy)}" stroke="${it.colour}" stroke-width="2"${it.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      );
    } else if (it.mark === 'dot') {
      out.push(`<circle cx="${px(x + 16)}" cy="${px(cy)}" r="5" fill="${it.colour}"${opacity}/>`);
    } else {
      out.push(`<rect x="${px(x + 9)}" y="${px(cy - 5)}" width="14" height="10" fill="${it.colour}"/>`);
    }
    out.push(label(x + 32, cy + MIDDLE, it.name, it.faded ? 'fill="#999"' : ''));
  });
  return out;
}

/** One named series of (x, y) points of {@link lineChartSvg}; non-finite y values leave gaps. */
export interface Series {
  name: string;
  x: number[];
  y: number[];
  /** CSS colour. Default: the next of {@link CLASS_COLOURS}. */
  colour?: string;
  /** Draw dashes instead of a solid line (validation curves). */
  dashed?: boolean;
}

/** Options of {@link lineChartSvg}. */
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
 * Lines with a marker per point on shared axes, with ticks, axis labels, a title and a legend (top
 * right). Each line is a `<polyline class="series" data-metric="NAME">`; each marker a `<circle>`
 * with a `<title>` tooltip. When every x is an integer (epochs), x ticks are integers only.
 *
 * @example
 * const { svg } = lineChartSvg([{ name: 'loss', x: [1, 2], y: [0.3, 0.28] }], { xLabel: 'epoch' });
 */
export function lineChartSvg(series: Series[], options: LineChartOptions = {}): Chart {
  const { title = '', xLabel = '', yLabel = '', width = 640, height = 400 } = options;
  const points = series.map((s) => s.x.map((x, k) => [x, s.y[k]] as const));
  const xs = points
    .flat()
    .map(([x]) => x)
    .filter(Number.isFinite);
  const ys = points
    .flat()
    .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
    .map(([, y]) => y);
  let [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  if (x1 === x0) {
    x0 -= 0.5;
    x1 += 0.5;
  }
  let [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  const pad = (y1 - y0) * 0.08 || Math.abs(y0) * 0.05 || 0.5;
  y0 -= pad;
  y1 += pad;
  const integral = xs.length > 0 && xs.every(Number.isInteger);
  const xTicks = integral
    ? niceTicks(x0, x1, Math.min(8, Math.max(1, Math.round(x1 - x0)))).filter(Number.isInteger)
    : niceTicks(x0, x1, 6);
  const yTicks = niceTicks(y0, y1, 5);
  const box = plotBox(width, height, { title, xLabel, yLabel, yTicks });
  const sx = { lo: x0, hi: x1, from: box.left, to: box.left + box.width };
  const sy = { lo: y0, hi: y1, from: box.top + box.height, to: box.top };
  const body = axes(box, sx, sy, { xTicks, yTicks, xLabel, yLabel });
  const items: LegendItem[] = [];
  series.forEach((s, i) => {
    const colour = s.colour ?? CLASS_COLOURS[i % CLASS_COLOURS.length];
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    const name = escapeXml(s.name);
    let run: string[] = [];
    const flush = (): void => {
      if (run.length)
        body.push(
          `<polyline class="series" data-metric="${name}" fill="none" stroke="${colour}" stroke-width="2"${dash} points="${run.join(' ')}"/>`,
        );
      run = [];
    };
    for (const [x, y] of points[i]) {
      if (Number.isFinite(x) && Number.isFinite(y)) run.push(`${px(at(sx, x))},${px(at(sy, y))}`);
      else flush();
    }
    flush();
    for (const [x, y] of points[i]) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      body.push(
        `<circle cx="${px(at(sx, x))}" cy="${px(at(sy, y))}" r="3" fill="${colour}"><title>${name} ${escapeXml(xLabel || 'x')} ${x}: ${Number(y.toPrecision(5))}</title></circle>`,
      );
    }
    items.push({ name: s.name, colour, mark: 'line', dashed: s.dashed });
  });
  body.push(...legend(items, box.left + box.width - 8 - legendWidth(items), box.top + 8));
  return svgDocument(width, height, title, body);
}

/** Values drawn in one colour of a histogram. */
export interface HistogramGroup {
  name: string;
  values: ArrayLike<number>;
  /** CSS colour. Default: the next of {@link CLASS_COLOURS}. */
  colour?: string;
}

/** Counts of each group's finite values in `bins` equal bins over [lo, hi]; values outside go to the edge bins. */
function binCounts(groups: ArrayLike<number>[], lo: number, hi: number, bins: number): Float64Array[] {
  return groups.map((values) => {
    const counts = new Float64Array(bins);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (Number.isFinite(v)) counts[Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)))]++;
    }
    return counts;
  });
}

/** Stacked bars of `counts` (one array per group, in `colours`) over the x scale, a red marker line, and the y grid. */
function bars(
  box: Box,
  x: Scale,
  counts: Float64Array[],
  colours: string[],
  marker?: { at: number; label: string },
): { body: string[]; y: Scale; yTicks: number[] } {
  const bins = counts[0]?.length ?? 0;
  const totals = Array.from({ length: bins }, (_, b) => counts.reduce((s, c) => s + c[b], 0));
  const top = Math.max(1, ...totals);
  const yTicks = niceTicks(0, top, 4).filter(Number.isInteger);
  const y: Scale = { lo: 0, hi: Math.max(top * 1.05, yTicks[yTicks.length - 1] ?? 1), from: box.top + box.height, to: box.top };
  const body: string[] = [];
  const w = box.width / bins;
  for (let b = 0; b < bins; b++) {
    let base = 0;
    counts.forEach((c, g) => {
      if (c[b] === 0) return;
      const y0 = at(y, base);
      const y1 = at(y, base + c[b]);
      body.push(
        `<rect class="bar" x="${px(box.left + b * w + 0.5)}" y="${px(y1)}" width="${px(Math.max(1, w - 1))}" height="${px(y0 - y1)}" fill="${colours[g]}"/>`,
      );
      base += c[b];
    });
  }
  if (marker !== undefined && marker.at >= x.lo && marker.at <= x.hi) {
    const mx = at(x, marker.at);
    const right = mx + 4 + textWidth(marker.label) < box.left + box.width;
    body.push(
      `<line class="marker" x1="${px(mx)}" x2="${px(mx)}" y1="${px(box.top)}" y2="${px(box.top + box.height)}" stroke="${RED}" stroke-width="2"/>`,
      label(right ? mx + 4 : mx - 4, box.top + 14, marker.label, `fill="${RED}"${right ? '' : ' text-anchor="end"'}`),
    );
  }
  return { body, y, yTicks };
}

/** Options of {@link histogramSvg}. */
export interface HistogramOptions {
  title?: string;
  xLabel?: string;
  /** Default `count`. */
  yLabel?: string;
  /** Draws a red vertical line here, labelled `threshold …`. */
  threshold?: number;
  /** Range of the x axis. Default from min(0, smallest value) to the largest value (or the threshold). */
  range?: [number, number];
  /** Number of bins. Default 60. */
  bins?: number;
  /** Default 720. */
  width?: number;
  /** Default 360. */
  height?: number;
}

/** The x range of a histogram: the given one, else min(0, smallest) to the largest value or `also`. */
function histogramRange(values: ArrayLike<number>[], range: [number, number] | undefined, also?: number): [number, number] {
  if (range !== undefined) {
    if (!(range[1] > range[0]))
      throw new ArgumentError('values', `histogram: range must be [lo, hi] with lo < hi, got [${range.join(', ')}]`);
    return range;
  }
  let lo = 0;
  let hi = also ?? -Infinity;
  for (const vs of values)
    for (let i = 0; i < vs.length; i++)
      if (Number.isFinite(vs[i])) {
        lo = Math.min(lo, vs[i]);
        hi = Math.max(hi, vs[i]);
      }
  return [lo, hi > lo ? hi : lo + 1];
}

/**
 * A histogram of one or more groups of values, stacked in one colour each over shared bins, with
 * axes, an optional red threshold line, and a legend of the groups with their sizes.
 *
 * @example
 * const chart = histogramSvg([{ name: 'test', values: errors }], { threshold: 0.02, xLabel: 'error' });
 */
export function histogramSvg(groups: HistogramGroup[], options: HistogramOptions = {}): Chart {
  const { title = '', xLabel = '', yLabel = 'count', threshold, bins = 60, width = 720, height = 360 } = options;
  if (groups.length === 0) throw new ArgumentError('values', 'histogram: no groups of values');
  const [lo, hi] = histogramRange(
    groups.map((g) => g.values),
    options.range,
    threshold,
  );
  const counts = binCounts(
    groups.map((g) => g.values),
    lo,
    hi,
    bins,
  );
  const colours = groups.map((g, i) => g.colour ?? CLASS_COLOURS[i % CLASS_COLOURS.length]);
  const maxCount = Math.max(1, ...Array.from({ length: bins }, (_, b) => counts.reduce((s, c) => s + c[b], 0)));
  const box = plotBox(width, height, { title, xLabel, yLabel, yTicks: niceTicks(0, maxCount, 4) });
  const x: Scale = { lo, hi, from: box.left, to: box.left + box.width };
  const marker = threshold === undefined ? undefined : { at: threshold, label: `threshold ${tickLabel(threshold)}` };
  const drawn = bars(box, x, counts, colours, marker);
  const items: LegendItem[] = groups.map((g, i) => ({ name: `${g.name} (${g.values.length})`, colour: colours[i], mark: 'box' }));
  return svgDocument(width, height, title, [
    ...axes(box, x, drawn.y, { xTicks: niceTicks(lo, hi, 6), yTicks: drawn.yTicks, xLabel, yLabel }),
    ...drawn.body,
    ...legend(items, box.left + box.width - 8 - legendWidth(items), box.top + 24),
  ]);
}

/** One panel of {@link histogramPanelsSvg}. */
export interface HistogramPanel {
  values: ArrayLike<number>;
  /** Title line above the panel. */
  title?: string;
  /** Label under the x axis. */
  xLabel?: string;
  /** Range of the x axis. Default [0, 1]. */
  range?: [number, number];
  /** Draws a red vertical line at this x (e.g. a target activation). */
  marker?: number;
  /** Label of the marker line. Default its value. */
  markerLabel?: string;
}

/** Options of {@link histogramPanelsSvg}. */
export interface HistogramPanelsOptions {
  title?: string;
  /** Bins per panel. Default 50. */
  bins?: number;
  /** Default 500. */
  width?: number;
  /** Height of one panel's plot area. Default 200. */
  panelHeight?: number;
}

/**
 * One histogram per panel, stacked vertically, each with its own title, axes (counts scaled to its
 * tallest bar; values outside the range counted in the edge bins) and optional red marker line.
 *
 * @example
 * const chart = histogramPanelsSvg([{ values: activations, title: 'all activations', marker: 0.1 }]);
 */
export function histogramPanelsSvg(panels: HistogramPanel[], options: HistogramPanelsOptions = {}): Chart {
  const { title = '', bins = 50, width = 500, panelHeight = 200 } = options;
  if (panels.length === 0) throw new ArgumentError('values', 'histogram: no panels');
  const body: string[] = [];
  let y = title ? 34 : 4;
  for (const panel of panels) {
    const [lo, hi] = histogramRange([panel.values], panel.range ?? [0, 1]);
    const counts = binCounts([panel.values], lo, hi, bins);
    const headroom = panel.title ? 22 : 10;
    const outer = headroom + panelHeight + 24 + (panel.xLabel ? 20 : 0);
    const box = {
      ...plotBox(width, outer, { yLabel: 'count', xLabel: panel.xLabel, yTicks: niceTicks(0, Math.max(1, ...counts[0]), 4) }),
      top: y + headroom,
      height: panelHeight,
    };
    const x: Scale = { lo, hi, from: box.left, to: box.left + box.width };
    const marker = panel.marker === undefined ? undefined : { at: panel.marker, label: panel.markerLabel ?? tickLabel(panel.marker) };
    const drawn = bars(box, x, counts, [CLASS_COLOURS[0]], marker);
    if (panel.title) body.push(label(box.left, y + 15, panel.title, 'font-weight="bold"'));
    const frame = axes(box, x, drawn.y, { xTicks: niceTicks(lo, hi, 6), yTicks: drawn.yTicks, xLabel: panel.xLabel, yLabel: 'count' });
    body.push(...frame, ...drawn.body);
    y += outer + 8;
  }
  return svgDocument(width, Math.round(y), title, body);
}

/** Options of {@link scatterSvg}. */
export interface ScatterOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Side of the square plot area in pixels. Default 400. */
  plotSize?: number;
  /** A class label per point: points take {@link CLASS_COLOURS}[label]. */
  labels?: ArrayLike<number>;
  /** Names of the classes, drawn as a legend right of the plot (classes without points faded). */
  classNames?: readonly string[];
  /** One value in [0, 1] per point, drawn as a blue → red colour ramp (used when there are no labels). */
  shade?: ArrayLike<number>;
  /** Same scale on both axes (a square data range). Default false: each axis spans its own values. */
  equalAxes?: boolean;
  /** Grey lines through x = 0 and y = 0 when in range. Default false. */
  originLines?: boolean;
  /** Dot radius in pixels. Default 2.5. */
  radius?: number;
  /** Dot opacity. Default 0.8. */
  opacity?: number;
  /** Pixels kept free between the outermost points and the frame. Default 8. */
  padding?: number;
}

/** A scatter chart, with the pixel position of any data point. */
export interface ScatterChart extends Chart {
  /** Pixel coordinates (from the top left of the image) of the data point (x, y). */
  place(x: number, y: number): [number, number];
}

function ramp(s: number): string {
  const t = Math.min(1, Math.max(0, Number.isFinite(s) ? s : 0));
  const mix = (a: number, b: number): number => Math.round(a + t * (b - a));
  return `rgb(${mix(31, 214)},${mix(119, 39)},${mix(180, 40)})`;
}

/** [lo, hi] of `count` values of `xy` at offset `axis` (stride 2), widened when empty or flat. */
function extent(xy: ArrayLike<number>, count: number, axis: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < count; i++) {
    const v = xy[2 * i + axis];
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!(hi >= lo)) return [-1, 1];
  return hi > lo ? [lo, hi] : [lo - 1, hi + 1];
}

/**
 * `count` 2-D points (`xy` = x0, y0, x1, y1, …) as dots on a square plot with ticks, y pointing up;
 * coloured by class (with a legend of `classNames`), by a blue → red `shade`, or all blue.
 *
 * @example
 * const chart = scatterSvg(xy, 500, { labels, classNames: CLASS_NAMES, title: 't-SNE' });
 */
export function scatterSvg(xy: ArrayLike<number>, count: number, options: ScatterOptions = {}): ScatterChart {
  const {
    title = '',
    xLabel = '',
    yLabel = '',
    plotSize = 400,
    labels,
    classNames,
    shade,
    equalAxes = false,
    originLines = false,
    radius = 2.5,
    opacity = 0.8,
    padding = 8,
  } = options;
  if (xy.length < count * 2) throw new ArgumentError('values', `scatter plot: ${count} points need ${count * 2} values, got ${xy.length}`);
  let ex = extent(xy, count, 0);
  let ey = extent(xy, count, 1);
  if (equalAxes) {
    const half = Math.max(ex[1] - ex[0], ey[1] - ey[0]) / 2;
    const mid = (e: [number, number]): [number, number] => [(e[0] + e[1]) / 2 - half, (e[0] + e[1]) / 2 + half];
    ex = mid(ex);
    ey = mid(ey);
  }
  // Widen each range so that the outermost points sit `padding` pixels inside the frame.
  const widen = ([lo, hi]: [number, number]): [number, number] => {
    const extra = ((hi - lo) * padding) / Math.max(1, plotSize - 2 * padding);
    return [lo - extra, hi + extra];
  };
  const [x0, x1] = widen(ex);
  const [y0, y1] = widen(ey);
  const yTicks = niceTicks(y0, y1, 5);
  const items: LegendItem[] = (classNames ?? []).map((name, i) => ({
    name: `${i} ${name}`,
    colour: CLASS_COLOURS[i % CLASS_COLOURS.length],
    mark: 'dot',
  }));
  const right = 18 + (items.length ? legendWidth(items) + 12 : 0);
  const m = margins({ title, xLabel, yLabel, yTicks });
  const width = m.left + plotSize + right;
  const height = m.top + plotSize + m.bottom;
  const box = { left: m.left, top: m.top, width: plotSize, height: plotSize };
  const x: Scale = { lo: x0, hi: x1, from: box.left, to: box.left + plotSize };
  const y: Scale = { lo: y0, hi: y1, from: box.top + plotSize, to: box.top };
  const body = axes(box, x, y, { xTicks: niceTicks(x0, x1, 5), yTicks, xLabel, yLabel });
  if (originLines) {
    if (x0 < 0 && x1 > 0)
      body.push(`<line x1="${px(at(x, 0))}" x2="${px(at(x, 0))}" y1="${px(box.top)}" y2="${px(box.top + plotSize)}" stroke="#999"/>`);
    if (y0 < 0 && y1 > 0)
      body.push(`<line x1="${px(box.left)}" x2="${px(box.left + plotSize)}" y1="${px(at(y, 0))}" y2="${px(at(y, 0))}" stroke="#999"/>`);
  }
  const byColour = new Map<string, string[]>();
  for (let i = 0; i < count; i++) {
    const cx = xy[2 * i];
    const cy = xy[2 * i + 1];
    if (!Number.isFinite(cx) || !Number.isFinite(cy)) continue;
    const colour =
      labels !== undefined ? CLASS_COLOURS[labels[i] % CLASS_COLOURS.length] : shade !== undefined ? ramp(shade[i]) : CLASS_COLOURS[0];
    const dots = byColour.get(colour) ?? [];
    dots.push(`<circle cx="${px(at(x, cx))}" cy="${px(at(y, cy))}" r="${radius}"/>`);
    byColour.set(colour, dots);
  }
  for (const [colour, dots] of byColour) body.push(`<g class="points" fill="${colour}" fill-opacity="${opacity}">${dots.join('')}</g>`);
  if (items.length) {
    const present = new Set(labels === undefined ? [] : Array.from(labels));
    body.push(
      ...legend(
        items.map((it, i) => ({ ...it, faded: !present.has(i) })),
        box.left + plotSize + 12,
        box.top,
        false,
      ),
    );
  }
  return { ...svgDocument(width, height, title, body), place: (vx, vy) => [at(x, vx), at(y, vy)] };
}

/** Options of {@link captionGridSvg}. */
export interface CaptionGridOptions {
  title?: string;
  /** Size in pixels of the picture slot of each cell. */
  slotWidth: number;
  slotHeight: number;
  /** Cells per row. Default 10. */
  perRow?: number;
}

/** A grid of empty picture slots with captions; `slots` gives the top-left pixel of each slot. */
export interface CaptionGrid extends Chart {
  slots: { left: number; top: number }[];
}

/**
 * The layout of a grid of pictures with caption lines centred under each (e.g. the worst
 * reconstructed images with their errors): the SVG draws the title and captions, and `slots` says
 * where each picture goes, for pasting pixel images onto the rasterised chart.
 *
 * @example
 * const grid = captionGridSvg([['0.123', 'Bag']], { slotWidth: 84, slotHeight: 84 });
 */
export function captionGridSvg(captions: string[][], options: CaptionGridOptions): CaptionGrid {
  const { title = '', slotWidth, slotHeight, perRow = 10 } = options;
  const lines = Math.max(1, ...captions.map((c) => c.length));
  const cw = Math.max(slotWidth, ...captions.flat().map((l) => textWidth(l))) + 10;
  const ch = slotHeight + 6 + lines * 15 + 8;
  const cols = Math.max(1, Math.min(perRow, captions.length));
  const rows = Math.max(1, Math.ceil(captions.length / perRow));
  const top = title ? 34 : 4;
  const body: string[] = [];
  const slots = captions.map((caption, k) => {
    const x = 4 + (k % perRow) * cw;
    const y = top + Math.floor(k / perRow) * ch;
    caption.forEach((line, l) => body.push(label(x + cw / 2, y + slotHeight + 17 + l * 15, line, 'text-anchor="middle"')));
    return { left: Math.round(x + (cw - slotWidth) / 2), top: y };
  });
  return { ...svgDocument(cols * cw + 8, top + rows * ch + 4, title, body), slots };
}
