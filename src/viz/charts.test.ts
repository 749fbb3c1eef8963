import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorGridPng, histogramPng } from './anomaly-plots.js';
import { curveSeries, curvesPng, lineChartPng } from './line-chart.js';
import { minMaxScale, scatterMapPng, thumbnailMapPng } from './map-plot.js';
import { countPixels, dark, decodePng, near } from './png-test-helper.js';
import { curvesSvg, escapeHtml, metricPairs, reportHtml } from './report-html.js';
import { CLASS_COLOURS } from './svg-charts.js';

const epochs = [1, 2, 3].map((e) => ({
  epoch: e,
  loss: 0.4 - e * 0.03,
  val_loss: 0.38 - e * 0.02,
  rounded_accuracy: 0.8 + e * 0.01,
  val_rounded_accuracy: 0.82,
  seconds: 10,
  images_per_second: 100,
}));

test('curves and line charts: PNGs of the default and the given size, curves in the pair colour', async () => {
  const curves = await decodePng(await curvesPng(epochs, { title: 'loss' }));
  assert.deepEqual([curves.width, curves.height], [640, 400]);
  assert.ok(countPixels(curves, near(CLASS_COLOURS[0])) > 300, 'loss and val_loss drawn');
  const series = curveSeries(epochs, ['loss', 'val_loss', 'rounded_accuracy']);
  assert.deepEqual(
    series.map((s) => [s.colour, s.dashed]),
    [
      [CLASS_COLOURS[0], false],
      [CLASS_COLOURS[0], true],
      [CLASS_COLOURS[1], false],
    ],
  );
  const chart = await decodePng(
    await lineChartPng([{ name: 'a', x: [100, 1000], y: [0.5, 0.7] }], { width: 300, height: 200, xLabel: 'labelled images' }),
  );
  assert.deepEqual([chart.width, chart.height], [300, 200]);
  assert.ok(countPixels(chart, dark, { x0: 100, y0: 175, x1: 220, y1: 200 }) > 20, 'the x label is drawn under the axis');
});

test('map PNGs: a dot per point in its class colour, thumbnails dark on white in a class-coloured frame', async () => {
  const count = 50;
  const xy = { x: Float32Array.from({ length: 2 * count }, (_, i) => Math.sin(i)), shape: [2], count };
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  const scaled = minMaxScale(xy);
  assert.equal(Math.min(...scaled), 0);
  assert.equal(Math.max(...scaled), 1);
  const names = Array.from({ length: 10 }, (_, i) => `class ${i}`);
  const map = await decodePng(await scatterMapPng(xy, labels, { classNames: names, title: 'map', size: 300 }));
  assert.ok(map.width > 300 + 100 && map.height > 300);
  for (const c of CLASS_COLOURS) assert.ok(countPixels(map, near(c, 30)) > 10, `colour ${c} drawn`);
  const ones = new Float32Array(count * 784).fill(1);
  const black = async (images: Float32Array, minDistance2: number): Promise<number> =>
    countPixels(
      await decodePng(await thumbnailMapPng(xy, labels, images, { classNames: names, size: 400, thumbnailScale: 2, minDistance2 })),
      (r, g, b) => r + g + b === 0,
    );
  // White images are drawn black (inverted); all-black images leave only the text black.
  assert.equal(
    (await black(ones, 2.1)) - (await black(new Float32Array(count * 784), 2.1)),
    56 * 56,
    'one 56×56 thumbnail when none may be near another',
  );
  assert.ok(
    (await black(ones, 0.02)) - (await black(new Float32Array(count * 784), 0.02)) > 3 * 56 * 56,
    "more thumbnails at the book's distance",
  );
  await assert.rejects(thumbnailMapPng(xy, labels, ones.subarray(0, 784), { classNames: names }), /50 points need 50 images/);
});

test('anomaly PNGs: histogram with a red threshold line; error grid with each image in its slot', async () => {
  const hist = await decodePng(
    await histogramPng(
      [
        { name: 'a', values: [0.1, 0.2, 0.2, 0.5] },
        { name: 'b', values: [0.6, 0.7] },
      ],
      { threshold: 0.4 },
    ),
  );
  assert.deepEqual([hist.width, hist.height], [720, 360]);
  assert.ok(countPixels(hist, (r, g, b) => r > 180 && g < 90 && b < 90) > 200);
  const black = new Float32Array(784);
  const grid = await decodePng(
    await errorGridPng(
      [
        { pixels: black, caption: ['0.123', 'Bag'] },
        { pixels: black, caption: ['0.1'] },
      ],
      { scale: 2, title: 'worst' },
    ),
  );
  assert.ok(grid.width >= 2 * 56 && grid.height > 56 + 34);
  assert.equal(
    countPixels(grid, (r, g, b) => r + g + b === 0, { x0: 0, y0: 34, x1: grid.width, y1: 34 + 56 }),
    2 * 56 * 56,
    'both images in the row under the title',
  );
  assert.ok(countPixels(grid, dark, { x0: 0, y0: 34 + 56, x1: grid.width, y1: grid.height }) > 20, 'captions under the images');
  await assert.rejects(errorGridPng([{ pixels: black.subarray(0, 10), caption: [] }]), /image 0 has 10 values, expected 28×28×1/);
});

test('report HTML: self-contained, escaped, one SVG chart per metric pair', () => {
  assert.deepEqual(metricPairs(epochs), [
    ['loss', 'val_loss'],
    ['rounded_accuracy', 'val_rounded_accuracy'],
  ]);
  const svg = curvesSvg(epochs, ['loss', 'val_loss'], 'loss');
  assert.equal((svg.match(/<polyline/g) ?? []).length, 2);
  assert.match(svg, /<text[^>]*>epoch<\/text>/);
  const html = reportHtml({
    title: 'run <1>',
    facts: { model: 'conv' },
    options: { lr: 0.001 },
    epochs,
    images: [{ title: 'x', png: new Uint8Array([1, 2]) }],
    summary: 'enc',
  });
  assert.match(html, /run &lt;1&gt;/);
  assert.equal((html.match(/<svg/g) ?? []).length, 2);
  assert.match(html, /src="data:image\/png;base64,AQI="/);
  assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'no network references');
  assert.equal(escapeHtml('"a&b"'), '&quot;a&amp;b&quot;');
});
