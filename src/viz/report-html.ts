/**
 * The run report: one self-contained HTML page (inline SVG charts from the chart module, images as
 * data URIs, no scripts or network) with a run's options, curves, reconstructions, maps and model summary.
 */
import type { EpochRecord } from '../training/fit.js';
import { curveSeries } from './line-chart.js';
import { escapeXml, lineChartSvg } from './svg-charts.js';

/** An image for the report: PNG bytes with a caption. */
export interface ReportImage {
  title: string;
  png: Uint8Array;
  caption?: string;
}

/** What {@link reportHtml} shows. */
export interface ReportContent {
  title: string;
  /** Key facts (model, engine, data, timing), shown as a table. */
  facts: Record<string, unknown>;
  /** Training options, shown as a table. */
  options: Record<string, unknown>;
  epochs: EpochRecord[];
  images: ReportImage[];
  /** Model summary text (monospace). */
  summary?: string;
  /** Extra notes, one paragraph each (e.g. "training in progress"). */
  notes?: string[];
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return escapeXml(text);
}

/**
 * An SVG line chart of the given per-epoch metrics (e.g. `loss` and `val_loss`), with axes,
 * ticks and a legend; validation series dashed. The same chart as `curves.png`, 560×320.
 */
export function curvesSvg(epochs: EpochRecord[], metrics: string[], title: string): string {
  return lineChartSvg(curveSeries(epochs, metrics), { title, xLabel: 'epoch', width: 560, height: 320 }).svg;
}

function table(rows: Record<string, unknown>): string {
  const cell = (v: unknown): string =>
    escapeHtml(v === null || v === undefined ? '–' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return `<table>${Object.entries(rows)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${cell(v)}</td></tr>`)
    .join('')}</table>`;
}

/** The metric pairs to chart: `loss`/`val_loss` first, then every other training metric with its `val_` twin. */
export function metricPairs(epochs: EpochRecord[]): string[][] {
  const names = new Set(epochs.flatMap((e) => Object.keys(e)));
  const base = [...names].filter(
    (n) => !n.startsWith('val_') && !['epoch', 'seconds', 'images_per_second'].includes(n) && typeof epochs[0]?.[n] === 'number',
  );
  base.sort((a, b) => (a === 'loss' ? -1 : b === 'loss' ? 1 : a.localeCompare(b)));
  return base.map((n) => (names.has(`val_${n}`) ? [n, `val_${n}`] : [n]));
}

/**
 * Builds the report page.
 *
 * @example
 * await writeFileAtomic('report.html', reportHtml({ title: 'conv run', facts, options, epochs, images: [] }));
 */
export function reportHtml(content: ReportContent): string {
  const { title, facts, options, epochs, images, summary, notes = [] } = content;
  const charts =
    epochs.length === 0
      ? '<p>No epoch finished yet.</p>'
      : metricPairs(epochs)
          .map((pair) => curvesSvg(epochs, pair, pair.join(' / ')))
          .join('\n');
  const figures = images
    .map(
      (im) =>
        `<figure><figcaption>${escapeHtml(im.title)}</figcaption>` +
        `<img alt="${escapeHtml(im.title)}" src="data:image/png;base64,${Buffer.from(im.png).toString('base64')}">` +
        `${im.caption ? `<p class="caption">${escapeHtml(im.caption)}</p>` : ''}</figure>`,
    )
    .join('\n');
  const epochRows = epochs
    .map(
      (e) =>
        `<tr>${['epoch', ...metricPairs(epochs).flat(), 'seconds'].map((k) => `<td>${typeof e[k] === 'number' ? (k === 'epoch' ? e[k] : e[k].toFixed(4)) : '–'}</td>`).join('')}</tr>`,
    )
    .join('');
  const epochHead = ['epoch', ...metricPairs(epochs).flat(), 'seconds'].map((k) => `<th>${escapeHtml(k)}</th>`).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font-family:sans-serif;margin:24px;max-width:1200px;color:#222}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}
.charts{display:flex;flex-wrap:wrap;gap:16px}figure{display:inline-block;margin:8px 16px 8px 0;vertical-align:top}
figcaption{font-weight:bold;margin-bottom:4px}img{max-width:100%;border:1px solid #eee}.caption{font-size:13px;color:#444}
pre{background:#f6f6f6;padding:8px;overflow:auto;font-size:12px}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
${notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('\n')}
<h2>Run</h2>${table(facts)}
<h2>Options</h2>${table(options)}
<h2>Curves per epoch (train solid, validation dashed)</h2><div class="charts">${charts}</div>
${epochs.length ? `<table class="epochs"><tr>${epochHead}</tr>${epochRows}</table>` : ''}
<h2>Images</h2>${figures || '<p>No images in the run directory yet.</p>'}
<h2>Model summary</h2><pre>${escapeHtml(summary ?? 'The model has not been saved yet.')}</pre>
</body></html>
`;
}
