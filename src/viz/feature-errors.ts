/**
 * Which table columns a model reconstructs worst: a horizontal bar chart of the mean squared
 * reconstruction error of every feature, drawn as SVG and rasterised by sharp.
 */
import { ArgumentError } from '../core/errors.js';
import { svgToPng } from './raster.js';
import { type Chart, CLASS_COLOURS, escapeXml, niceTicks, textWidth, tickLabel } from './svg-charts.js';

/** Options of {@link featureErrorsSvg} and {@link featureErrorsPng}. */
export interface FeatureErrorsOptions {
  /** `error`: largest error first (default); `columns`: in column order. */
  order?: 'error' | 'columns';
  /** Chart title. Default `Reconstruction error per feature`. */
  title?: string;
  /** Width of the chart in pixels. Default 560. */
  width?: number;
  /** Height of one bar's row in pixels. Default 22. */
  rowHeight?: number;
}

const px = (v: number): string => String(Math.round(v * 10) / 10);
const BAR = CLASS_COLOURS[0];

/**
 * The chart of {@link featureErrorsPng} as SVG: one labelled horizontal bar per feature, its value
 * at the bar's end, an x axis of mean squared error from 0.
 *
 * @throws {ArgumentError} `errors` when there are no features, names and errors differ in number,
 *   or an error is negative or not finite.
 */
export function featureErrorsSvg(names: readonly string[], errors: readonly number[], options: FeatureErrorsOptions = {}): Chart {
  const { order = 'error', title = 'Reconstruction error per feature', width = 560, rowHeight = 22 } = options;
  if (names.length === 0) throw new ArgumentError('errors', 'no features to draw');
  if (names.length !== errors.length) throw new ArgumentError('errors', `${names.length} feature names but ${errors.length} errors`);
  const bad = errors.findIndex((e) => !Number.isFinite(e) || e < 0);
  if (bad >= 0) throw new ArgumentError('errors', `feature '${names[bad]}': expected a mean squared error ≥ 0, got ${errors[bad]}`);
  const rows = names.map((name, i) => ({ name, error: errors[i] }));
  if (order === 'error') rows.sort((a, b) => b.error - a.error);
  const max = Math.max(...errors);
  const ticks = niceTicks(0, max > 0 ? max : 1);
  const hi = Math.max(ticks[ticks.length - 1], max > 0 ? max : 1);
  const left = 14 + Math.min(220, Math.max(...rows.map((r) => textWidth(r.name))));
  const top = title ? 40 : 14;
  const plotWidth = width - left - 70;
  const plotHeight = rows.length * rowHeight;
  const height = top + plotHeight + 50;
  const x = (v: number) => left + (v / hi) * plotWidth;
  const body: string[] = [];
  for (const t of ticks) {
    body.push(
      `<line x1="${px(x(t))}" x2="${px(x(t))}" y1="${top}" y2="${top + plotHeight}" stroke="#e4e4e4"/>`,
      `<text x="${px(x(t))}" y="${top + plotHeight + 17}" text-anchor="middle">${tickLabel(t)}</text>`,
    );
  }
  rows.forEach((r, i) => {
    const y = top + i * rowHeight;
    const name = r.name.length > 36 ? `${r.name.slice(0, 35)}…` : r.name;
    body.push(
      `<text x="${left - 6}" y="${px(y + rowHeight / 2 + 4)}" text-anchor="end">${escapeXml(name)}<title>${escapeXml(r.name)}</title></text>`,
      `<rect class="bar" x="${left}" y="${px(y + 3)}" width="${px(Math.max(r.error > 0 ? 1 : 0, x(r.error) - left))}" height="${rowHeight - 6}" fill="${BAR}"/>`,
      `<text x="${px(x(r.error) + 4)}" y="${px(y + rowHeight / 2 + 4)}" font-size="11" fill="#444">${tickLabel(Number(r.error.toPrecision(3)))}</text>`,
    );
  });
  body.push(
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotHeight}" stroke="#000"/>`,
    `<line x1="${left}" x2="${left + plotWidth}" y1="${top + plotHeight}" y2="${top + plotHeight}" stroke="#000"/>`,
    `<text x="${px(left + plotWidth / 2)}" y="${top + plotHeight + 37}" text-anchor="middle">mean squared reconstruction error</text>`,
  );
  const head =
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="DejaVu Sans, Arial, Helvetica, sans-serif" font-size="12"><rect width="${width}" height="${height}" fill="#fff"/>`;
  const heading = title
    ? `<text x="${px(width / 2)}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`
    : '';
  return { svg: `${head}${heading}${body.join('')}</svg>`, width, height };
}

/**
 * A horizontal bar chart of the mean squared reconstruction error of every feature (table column),
 * largest first unless `order` is `columns`, as PNG bytes.
 *
 * @example
 * await writeFileAtomic('feature-errors.png', await featureErrorsPng(['humidity', 'temperature'], [0.12, 0.03]));
 */
export async function featureErrorsPng(
  names: readonly string[],
  errors: readonly number[],
  options: FeatureErrorsOptions = {},
): Promise<Buffer> {
  return svgToPng(featureErrorsSvg(names, errors, options));
}
