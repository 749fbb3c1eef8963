/**
 * The run report: one self-contained HTML page (inline SVG charts, images as data URIs, no
 * scripts or network) with a run's options, curves, reconstructions, maps and model summary.
 */
import type { EpochRecord } from '../training/fit.js';
import { niceTicks, tickLabel } from './canvas.js';

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

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'];

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * An SVG line chart of the given per-epoch metrics (e.g. `loss` and `val_loss`), with axes,
 * ticks and a legend; validation series dashed.
 */
export function curvesSvg(epochs: EpochRecord[], metrics: string[], title: string): string {
  const W = 560; const H = 320; const L = 64; const R = 16; const T = 30; const B = 40;
  const pw = W - L - R; const ph = H - T - B;
  const series = metrics.map((m) => epochs.map((e) => [e.epoch, e[m]] as const).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)));
  const xs = epochs.map((e) => e.epoch);
  const ys = series.flat().map(([, v]) => v);
  let [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  if (x1 === x0) { x0 -= 0.5; x1 += 0.5; }
  let [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  const pad = (y1 - y0) * 0.08 || Math.abs(y0) * 0.05 || 0.5;
  y0 -= pad; y1 += pad;
  const px = (x: number): string => (L + ((x - x0) / (x1 - x0)) * pw).toFixed(1);
  const py = (y: number): string => (T + ph - ((y - y0) / (y1 - y0)) * ph).toFixed(1);
  const parts: string[] = [];
  parts.push(`<text x="${W / 2}" y="18" text-anchor="middle" font-weight="bold">${escapeHtml(title)}</text>`);
  for (const t of niceTicks(y0, y1, 5)) {
    parts.push(`<line x1="${L}" x2="${L + pw}" y1="${py(t)}" y2="${py(t)}" stroke="#e4e4e4"/>`,
      `<text x="${L - 6}" y="${py(t)}" text-anchor="end" dominant-baseline="middle">${tickLabel(t)}</text>`);
  }
  for (const t of niceTicks(x0, x1, Math.min(8, Math.max(1, Math.round(x1 - x0)))).filter((v) => Number.isInteger(v))) {
    parts.push(`<line x1="${px(t)}" x2="${px(t)}" y1="${T + ph}" y2="${T + ph + 4}" stroke="#000"/>`,
      `<text x="${px(t)}" y="${T + ph + 16}" text-anchor="middle">${t}</text>`);
  }
  parts.push(`<rect x="${L}" y="${T}" width="${pw}" height="${ph}" fill="none" stroke="#000"/>`,
    `<text x="${L + pw / 2}" y="${H - 6}" text-anchor="middle">epoch</text>`);
  series.forEach((s, i) => {
    const colour = PALETTE[Math.floor(i / 2) % PALETTE.length];
    const dash = metrics[i].startsWith('val_') ? ' stroke-dasharray="6 4"' : '';
    if (s.length > 0) {
      parts.push(`<polyline class="series" data-metric="${escapeHtml(metrics[i])}" fill="none" stroke="${colour}" stroke-width="2"${dash} points="${s.map(([x, y]) => `${px(x)},${py(y)}`).join(' ')}"/>`);
      for (const [x, y] of s) parts.push(`<circle cx="${px(x)}" cy="${py(y)}" r="3" fill="${colour}"><title>${escapeHtml(metrics[i])} epoch ${x}: ${y.toFixed(5)}</title></circle>`);
    }
    const ly = T + 12 + i * 16;
    parts.push(`<line x1="${L + pw - 130}" x2="${L + pw - 106}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2"${dash}/>`,
      `<text x="${L + pw - 100}" y="${ly}" dominant-baseline="middle">${escapeHtml(metrics[i])}</text>`);
  });
  return `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="12">${parts.join('')}</svg>`;
}

function table(rows: Record<string, unknown>): string {
  const cell = (v: unknown): string => escapeHtml(v === null || v === undefined ? '–' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return `<table>${Object.entries(rows).map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${cell(v)}</td></tr>`).join('')}</table>`;
}

/** The metric pairs to chart: `loss`/`val_loss` first, then every other training metric with its `val_` twin. */
export function metricPairs(epochs: EpochRecord[]): string[][] {
  const names = new Set(epochs.flatMap((e) => Object.keys(e)));
  const base = [...names].filter((n) => !n.startsWith('val_') && !['epoch', 'seconds', 'images_per_second'].includes(n) && typeof epochs[0]?.[n] === 'number');
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
  const charts = epochs.length === 0 ? '<p>No epoch finished yet.</p>' : metricPairs(epochs).map((pair) => curvesSvg(epochs, pair, pair.join(' / '))).join('\n');
  const figures = images.map((im) => `<figure><figcaption>${escapeHtml(im.title)}</figcaption>`
    + `<img alt="${escapeHtml(im.title)}" src="data:image/png;base64,${Buffer.from(im.png).toString('base64')}">`
    + `${im.caption ? `<p class="caption">${escapeHtml(im.caption)}</p>` : ''}</figure>`).join('\n');
  const epochRows = epochs.map((e) => `<tr>${['epoch', ...metricPairs(epochs).flat(), 'seconds'].map((k) => `<td>${typeof e[k] === 'number' ? (k === 'epoch' ? e[k] : e[k].toFixed(4)) : '–'}</td>`).join('')}</tr>`).join('');
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
