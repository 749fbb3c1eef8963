import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { errorGridPng, histogramPng } from './anomaly-plots.js';
import { Canvas, niceTicks } from './canvas.js';
import { glyph, textWidth } from './font.js';
import { curvesPng } from './line-chart.js';
import { minMaxScale, scatterMapPng, thumbnailMapPng } from './map-plot.js';
import { curvesSvg, escapeHtml, metricPairs, reportHtml } from './report-html.js';

function decode(buffer: Buffer): PNG {
  return PNG.sync.read(buffer);
}

/** Number of distinct colours, a cheap "is something drawn" check. */
function colours(png: PNG): number {
  const seen = new Set<number>();
  for (let o = 0; o < png.data.length; o += 4) seen.add((png.data[o] << 16) | (png.data[o + 1] << 8) | png.data[o + 2]);
  return seen.size;
}

const epochs = [1, 2, 3].map((e) => ({ epoch: e, loss: 0.4 - e * 0.03, val_loss: 0.38 - e * 0.02, rounded_accuracy: 0.8 + e * 0.01, val_rounded_accuracy: 0.82, seconds: 10, images_per_second: 100 }));

test('font: every printable ASCII letter and digit has its own glyph; text width', () => {
  const box = glyph('\u0001').join('');
  for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-/.:()%') assert.notEqual(glyph(ch).join(''), box, ch);
  assert.equal(textWidth('ab'), 11);
  assert.equal(textWidth('ab', 2), 22);
});

test('canvas draws text and encodes a PNG of its size', () => {
  const c = new Canvas(40, 12);
  c.text(1, 1, 'Hi 7');
  const png = decode(c.toPng());
  assert.equal(png.width, 40); assert.equal(png.height, 12);
  assert.equal(colours(png), 2);
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
});

test('curves, scatter, thumbnails, histogram and error grid PNGs are drawn', () => {
  const curves = decode(curvesPng(epochs, { title: 'loss' }));
  assert.equal(curves.width, 640);
  assert.ok(colours(curves) > 3);
  const count = 50;
  const xy = { data: Float32Array.from({ length: 2 * count }, (_, i) => Math.sin(i)), count, dim: 2 };
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  const scaled = minMaxScale(xy);
  assert.equal(Math.min(...scaled), 0); assert.equal(Math.max(...scaled), 1);
  const names = Array.from({ length: 10 }, (_, i) => `class ${i}`);
  assert.ok(colours(decode(scatterMapPng(xy, labels, { classNames: names, title: 'map' }))) > 10);
  const images = Float32Array.from({ length: count * 784 }, (_, i) => (i % 784) / 784);
  assert.ok(colours(decode(thumbnailMapPng(xy, labels, images, { classNames: names }))) > 20);
  const hist = decode(histogramPng([{ name: 'a', values: [0.1, 0.2, 0.2, 0.5] }, { name: 'b', values: [0.6, 0.7] }], { threshold: 0.4 }));
  assert.ok(colours(hist) > 3);
  const grid = decode(errorGridPng([{ pixels: images.subarray(0, 784), caption: ['0.123', 'Bag'] }], { scale: 2 }));
  assert.ok(grid.width >= 56);
});

test('report HTML: self-contained, escaped, one SVG chart per metric pair', () => {
  assert.deepEqual(metricPairs(epochs), [['loss', 'val_loss'], ['rounded_accuracy', 'val_rounded_accuracy']]);
  const svg = curvesSvg(epochs, ['loss', 'val_loss'], 'loss');
  assert.equal((svg.match(/<polyline/g) ?? []).length, 2);
  const html = reportHtml({ title: 'run <1>', facts: { model: 'conv' }, options: { lr: 0.001 }, epochs, images: [{ title: 'x', png: new Uint8Array([1, 2]) }], summary: 'enc' });
  assert.match(html, /run &lt;1&gt;/);
  assert.equal((html.match(/<svg/g) ?? []).length, 2);
  assert.match(html, /src="data:image\/png;base64,AQI="/);
  assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'no network references');
  assert.equal(escapeHtml('"a&b"'), '&quot;a&amp;b&quot;');
});
