/**
 * The picture of a scored time series: the values on top, the anomaly score below on the same
 * time axis with the threshold as a dashed line, flagged intervals shaded in both panels and, when
 * known, labelled anomaly windows outlined.
 */

import { svgToPng } from './raster.js';
import { type Chart, CLASS_COLOURS, escapeXml, niceTicks, textWidth, tickLabel } from './svg-charts.js';

/** What {@link seriesPlotSvg} draws. */
export interface SeriesPlot {
  /** Value columns: name and one value per row. */
  values: Array<{ name: string; values: ArrayLike<number> }>;
  /** The score of every row, in [0, 1] (NaN: none). */
  scores: ArrayLike<number>;
  /** The threshold on the same scale as `scores`. */
  threshold: number;
  /** Flagged intervals: first and last row, inclusive. */
  flagged: ReadonlyArray<{ start: number; end: number }>;
  /** Labelled windows (rows, inclusive), outlined in green. */
  labelled?: ReadonlyArray<{ start: number; end: number }>;
  /** The timestamps of the first and last rows, shown under the axis. */
  firstTime?: string;
  lastTime?: string;
  title?: string;
  /** Default 960. */
  width?: number;
  /** Default 560. */
  height?: number;
}

const px = (v: number): string => String(Math.round(v * 10) / 10);

/** At most `2 · buckets` points of `y` (min and max of each bucket of rows), so that long series stay small SVGs. */
function envelope(y: ArrayLike<number>, buckets: number): Array<[number, number]> {
  const n = y.length;
  if (n <= 2 * buckets) return Array.from({ length: n }, (_, i) => [i, y[i]] as [number, number]);
  const out: Array<[number, number]> = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets);
    let lo = from;
    let hi = from;
    for (let i = from; i < to; i++) {
      if (!(y[i] >= y[lo])) lo = Number.isNaN(y[i]) ? lo : i;
      if (!(y[i] <= y[hi])) hi = Number.isNaN(y[i]) ? hi : i;
    }
    const pair: Array<[number, number]> = [
      [lo, y[lo]],
      [hi, y[hi]],
    ];
    out.push(...(lo <= hi ? pair : pair.reverse()));
  }
  return out;
}

/**
 * The series plot as SVG: two panels sharing the row axis (values; score with the threshold),
 * flagged intervals shaded red, labelled windows outlined green.
 *
 * @example
 * const chart = seriesPlotSvg({ values: [{ name: 'value', values }], scores, threshold: 0.6, flagged });
 */
export function seriesPlotSvg(plot: SeriesPlot): Chart {
  const { width = 960, height = 560, title = '' } = plot;
  const rows = plot.scores.length;
  const top = title ? 40 : 16;
  const left = 64;
  const right = 150;
  const gap = 36;
  const bottom = 48;
  const plotW = width - left - right;
  const valueH = Math.round((height - top - gap - bottom) * 0.62);
  const scoreH = height - top - gap - bottom - valueH;
  const panels = [
    { y: top, h: valueH },
    { y: top + valueH + gap, h: scoreH },
  ];
  const xAt = (i: number): number => left + (rows <= 1 ? 0 : (i / (rows - 1)) * plotW);
  const body: string[] = [];
  const text = (x: number, y: number, s: string, attrs = ''): string =>
    `<text x="${px(x)}" y="${px(y)}"${attrs ? ` ${attrs}` : ''}>${escapeXml(s)}</text>`;
  // shading under everything else
  for (const p of panels) {
    for (const f of plot.flagged) {
      const x0 = xAt(f.start);
      const x1 = Math.max(xAt(f.end), x0 + 1);
      body.push(
        `<rect class="flagged" x="${px(x0)}" y="${p.y}" width="${px(x1 - x0)}" height="${p.h}" fill="#d62728" fill-opacity="0.22"/>`,
      );
    }
    for (const w of plot.labelled ?? [])
      body.push(
        `<rect class="labelled" x="${px(xAt(w.start))}" y="${p.y + 1}" width="${px(Math.max(1, xAt(w.end) - xAt(w.start)))}" height="${p.h - 2}" fill="none" stroke="#2ca02c" stroke-width="2" stroke-dasharray="5 3"/>`,
      );
  }
  const drawPanel = (
    p: { y: number; h: number },
    lines: Array<{ name: string; y: ArrayLike<number>; colour: string }>,
    range: [number, number] | null,
    yLabel: string,
  ): ((v: number) => number) => {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const l of lines)
      for (let i = 0; i < l.y.length; i++)
        if (Number.isFinite(l.y[i])) {
          lo = Math.min(lo, l.y[i]);
          hi = Math.max(hi, l.y[i]);
        }
    if (range !== null) [lo, hi] = range;
    if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
    if (hi === lo) [lo, hi] = [lo - 0.5, hi + 0.5];
    const pad = range === null ? (hi - lo) * 0.06 : 0;
    lo -= pad;
    hi += pad;
    const yAt = (v: number): number => p.y + p.h - ((v - lo) / (hi - lo)) * p.h;
    for (const t of niceTicks(lo, hi, 4)) {
      body.push(
        `<line x1="${left}" x2="${left + plotW}" y1="${px(yAt(t))}" y2="${px(yAt(t))}" stroke="#e4e4e4"/>`,
        text(left - 6, yAt(t) + 4, tickLabel(t), 'text-anchor="end"'),
      );
    }
    for (const l of lines) {
      let run: string[] = [];
      const flush = (): void => {
        if (run.length > 1)
          body.push(
            `<polyline class="line" data-name="${escapeXml(l.name)}" fill="none" stroke="${l.colour}" stroke-width="1.2" points="${run.join(' ')}"/>`,
          );
        run = [];
      };
      for (const [i, v] of envelope(l.y, Math.max(1, Math.floor(plotW)))) {
        if (Number.isFinite(v)) run.push(`${px(xAt(i))},${px(yAt(v))}`);
        else flush();
      }
      flush();
    }
    body.push(
      `<rect x="${left}" y="${p.y}" width="${plotW}" height="${p.h}" fill="none" stroke="#000"/>`,
      `<text transform="translate(16,${px(p.y + p.h / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`,
    );
    return yAt;
  };
  const valueLines = plot.values.map((v, i) => ({ name: v.name, y: v.values, colour: CLASS_COLOURS[i % CLASS_COLOURS.length] }));
  drawPanel(panels[0], valueLines, null, plot.values.length === 1 ? plot.values[0].name : 'value');
  const scoreY = drawPanel(panels[1], [{ name: 'score', y: plot.scores, colour: '#333' }], [0, 1], 'score');
  body.push(
    `<line class="threshold" x1="${left}" x2="${left + plotW}" y1="${px(scoreY(plot.threshold))}" y2="${px(scoreY(plot.threshold))}" stroke="#d62728" stroke-width="1.5" stroke-dasharray="6 4"/>`,
  );
  // row axis under the score panel
  const axisY = panels[1].y + panels[1].h;
  for (const t of niceTicks(0, Math.max(1, rows - 1), 8).filter((t) => Number.isInteger(t) && t >= 0 && t < rows)) {
    body.push(
      `<line x1="${px(xAt(t))}" x2="${px(xAt(t))}" y1="${axisY}" y2="${axisY + 4}" stroke="#000"/>`,
      text(xAt(t), axisY + 17, tickLabel(t), 'text-anchor="middle"'),
    );
  }
  const span = plot.firstTime !== undefined && plot.lastTime !== undefined ? ` (${plot.firstTime} … ${plot.lastTime})` : '';
  body.push(text(left + plotW / 2, axisY + 36, `row${span}`, 'text-anchor="middle"'));
  // legend on the right
  const items: Array<[string, string]> = [
    ...valueLines.map((l) => [l.name, `<line x1="0" x2="20" y1="0" y2="0" stroke="${l.colour}" stroke-width="2"/>`] as [string, string]),
    ['score', '<line x1="0" x2="20" y1="0" y2="0" stroke="#333" stroke-width="2"/>'],
    [
      `threshold ${tickLabel(plot.threshold)}`,
      '<line x1="0" x2="20" y1="0" y2="0" stroke="#d62728" stroke-width="1.5" stroke-dasharray="6 4"/>',
    ],
    [`flagged (${plot.flagged.length})`, '<rect x="3" y="-5" width="14" height="10" fill="#d62728" fill-opacity="0.3"/>'],
    ...(plot.labelled === undefined
      ? []
      : [
          ['labelled window', '<rect x="3" y="-5" width="14" height="10" fill="none" stroke="#2ca02c" stroke-width="2"/>'] as [
            string,
            string,
          ],
        ]),
  ];
  const lx = left + plotW + 14;
  items.forEach(([name, mark], i) => {
    const y = top + 12 + i * 20;
    body.push(
      `<g transform="translate(${lx},${y})">${mark}</g>`,
      text(lx + 26, y + 4, name.length > 18 && textWidth(name) > right - 30 ? `${name.slice(0, 16)}…` : name),
    );
  });
  const head =
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="DejaVu Sans, Arial, Helvetica, sans-serif" font-size="12"><rect width="${width}" height="${height}" fill="#fff"/>`;
  const t = title ? text(width / 2, 24, title, 'text-anchor="middle" font-size="15" font-weight="bold"') : '';
  return { svg: `${head}${t}${body.join('')}</svg>`, width, height };
}

/** {@link seriesPlotSvg} as a PNG. */
export async function seriesPlotPng(plot: SeriesPlot): Promise<Buffer> {
  return svgToPng(seriesPlotSvg(plot));
}
