import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countPixels, dark, decodePng, near } from './png-test-helper.js';
import { svgToPng } from './raster.js';
import {
  CLASS_COLOURS,
  captionGridSvg,
  escapeXml,
  histogramPanelsSvg,
  histogramSvg,
  lineChartSvg,
  niceTicks,
  scatterSvg,
  tickLabel,
} from './svg-charts.js';

/** The contents of every `<text>` element, unescaped. */
function texts(svg: string): string[] {
  return Array.from(svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g), (m) =>
    m[1]
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&'),
  );
}

/** The numeric attribute `name` of the first element matching `selector` (a regex source). */
function attr(svg: string, selector: string, name: string): number {
  const el = new RegExp(`<${selector}[^>]*>`).exec(svg);
  assert.ok(el, `no ${selector} in the SVG`);
  return Number(new RegExp(` ${name}="([-\\d.]+)"`).exec(el[0])![1]);
}

const RED = (r: number, g: number, b: number): boolean => r > 180 && g < 90 && b < 90;

test('ticks, tick labels and escaping', () => {
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(3, 3), [3]);
  assert.deepEqual(niceTicks(NaN, 1), []);
  assert.deepEqual([0, 0.25, 1e-4, 1200, 250000].map(tickLabel), ['0', '0.25', '1.0e-4', '1200', '2.5e5']);
  assert.equal(escapeXml('<a & "b">'), '&lt;a &amp; &quot;b&quot;&gt;');
});

test('line chart: title, axis labels, ticks and legend as text; one polyline per unbroken run; PNG of the stated size', async () => {
  const x = [1, 2, 3, 4, 5];
  const chart = lineChartSvg(
    [
      { name: 'loss', x, y: [0.5, 0.4, 0.35, 0.3, 0.28] },
      { name: 'val_<loss>', x, y: [0.55, 0.45, NaN, 0.33, 0.31], dashed: true },
    ],
    { title: 'Loss & friends', xLabel: 'epoch', yLabel: 'mse', width: 500, height: 300 },
  );
  const words = texts(chart.svg);
  for (const want of ['Loss & friends', 'epoch', 'mse', 'loss', 'val_<loss>', '1', '5', '0.3'])
    assert.ok(words.includes(want), `${want} in ${JSON.stringify(words)}`);
  assert.ok(!words.includes('1.5'), 'integer x values get integer ticks only');
  assert.equal((chart.svg.match(/<polyline class="series"/g) ?? []).length, 3, 'the NaN splits the validation line');
  assert.equal((chart.svg.match(/<circle/g) ?? []).length, 9, 'a marker per finite point');
  assert.match(chart.svg, /stroke-dasharray/);
  assert.match(chart.svg, /^<svg class="chart" xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="500" height="300"/);

  const png = await decodePng(await svgToPng(chart));
  assert.equal(png.width, 500);
  assert.equal(png.height, 300);
  assert.equal(png.fileChannels, 3);
  assert.ok(countPixels(png, dark, { x0: 150, y0: 8, x1: 350, y1: 30 }) > 30, 'the title is drawn at the top centre');
  assert.ok(countPixels(png, dark, { x0: 0, y0: 100, x1: 24, y1: 200 }) > 10, 'the y label is drawn at the left');
  assert.ok(countPixels(png, near(CLASS_COLOURS[0])) > 200, 'the first series is drawn in blue');
  assert.equal(
    countPixels(png, (r, g, b) => r < 250 || g < 250 || b < 250, { x0: 0, y0: 0, x1: 6, y1: 6 }),
    0,
    'white corner',
  );
});

test('histogram: stacked groups, threshold line where the value falls, legend with group sizes', async () => {
  const chart = histogramSvg(
    [
      { name: 'train', values: [0.1, 0.2, 0.2, 0.5] },
      { name: 'held out', values: [0.6, 0.7] },
    ],
    {
      threshold: 0.4,
      bins: 10,
      range: [0, 1],
      title: 'errors',
      xLabel: 'reconstruction error',
      width: 600,
      height: 300,
    },
  );
  const words = texts(chart.svg);
  for (const want of ['errors', 'reconstruction error', 'count', 'threshold 0.4', 'train (4)', 'held out (2)', '0', '0.4', '1'])
    assert.ok(words.includes(want), want);
  assert.equal((chart.svg.match(/<rect class="bar"/g) ?? []).length, 5, 'one bar per non-empty bin and group');
  const png = await decodePng(await svgToPng(chart));
  assert.deepEqual([png.width, png.height], [600, 300]);
  const mx = Math.round(attr(chart.svg, 'line class="marker"', 'x1'));
  assert.ok(countPixels(png, RED, { x0: mx - 1, y0: 60, x1: mx + 2, y1: 240 }) > 150, 'the threshold line is red, top to bottom');
  const bar = /<rect class="bar" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="#1f77b4"/
    .exec(chart.svg)!
    .slice(1)
    .map(Number);
  const [bx, by, bw, bh] = bar;
  assert.equal(
    countPixels(png, near(CLASS_COLOURS[0], 10), {
      x0: Math.ceil(bx),
      y0: Math.ceil(by),
      x1: Math.floor(bx + bw),
      y1: Math.floor(by + bh),
    }),
    (Math.floor(bx + bw) - Math.ceil(bx)) * (Math.floor(by + bh) - Math.ceil(by)),
    'a bar is solid blue',
  );
  assert.throws(() => histogramSvg([]), /no groups/);
  assert.throws(() => histogramSvg([{ name: 'a', values: [1] }], { range: [1, 1] }), /lo < hi/);
});

test('histogram panels: a titled panel per data set, marker drawn, height grows with panels', async () => {
  const one = histogramPanelsSvg([{ values: [0.05, 0.05, 0.5], title: 'all activations', marker: 0.1, markerLabel: 'target 0.1' }], {
    bins: 10,
    width: 300,
    panelHeight: 80,
  });
  const two = histogramPanelsSvg([{ values: [0.05] }, { values: [0.9], title: 'per-unit means', xLabel: 'mean activation' }], {
    bins: 10,
    width: 300,
    panelHeight: 80,
    title: 'sparsity',
  });
  assert.ok(texts(one.svg).includes('all activations') && texts(one.svg).includes('target 0.1'));
  for (const want of ['sparsity', 'per-unit means', 'mean activation', 'count']) assert.ok(texts(two.svg).includes(want), want);
  assert.ok(two.height > one.height + 80);
  const png = await decodePng(await svgToPng(one));
  assert.deepEqual([png.width, png.height], [300, one.height]);
  assert.ok(countPixels(png, RED) > 60, 'the marker line');
  assert.throws(() => histogramPanelsSvg([]), /no panels/);
});

test('scatter: class colours where the points are, a legend with absent classes faded, place() in pixels', async () => {
  const xy = [0, 0, 10, 10, 5, 2];
  const chart = scatterSvg(xy, 3, {
    labels: [0, 3, 3],
    classNames: ['zero', 'one', 'two', 'three'],
    title: 'map',
    xLabel: 'PCA 1',
    yLabel: 'PCA 2',
    plotSize: 200,
    radius: 4,
    opacity: 1,
  });
  const words = texts(chart.svg);
  for (const want of ['map', 'PCA 1', 'PCA 2', '0 zero', '3 three', '1 one']) assert.ok(words.includes(want), want);
  assert.match(chart.svg, /<text[^>]*fill="#999"[^>]*>1 one</, 'class 1 has no points: faded');
  const png = await decodePng(await svgToPng(chart));
  assert.deepEqual([png.width, png.height], [chart.width, chart.height]);
  const [x, y] = chart.place(10, 10);
  assert.ok(countPixels(png, near(CLASS_COLOURS[3], 20), { x0: x - 3, y0: y - 3, x1: x + 4, y1: y + 4 }) > 20, 'class 3 dot at (10, 10)');
  const [x0, y0] = chart.place(0, 0);
  assert.ok(x0 < x && y0 > y, 'y points up');
  assert.ok(countPixels(png, near(CLASS_COLOURS[0], 20), { x0: x0 - 3, y0: y0 - 3, x1: x0 + 4, y1: y0 + 4 }) > 20, 'class 0 dot at (0, 0)');
  assert.throws(() => scatterSvg([0, 0], 2), /2 points need 4 values, got 2/);
});

test('scatter with equal axes and a shade ramp: blue → red, origin lines', async () => {
  const chart = scatterSvg([-1, 0, 1, 0.1], 2, { shade: [0, 1], equalAxes: true, originLines: true, plotSize: 120, radius: 4, opacity: 1 });
  const [ax, ay] = chart.place(-1, 0);
  const [bx] = chart.place(1, 0.1);
  const [, cy] = chart.place(0, 1);
  assert.ok(Math.abs(bx - ax - 2 * (ay - cy)) < 0.01, 'one unit is as long on both axes');
  const png = await decodePng(await svgToPng(chart));
  assert.ok(countPixels(png, near('#1f77b4', 10), { x0: ax - 3, y0: ay - 3, x1: ax + 4, y1: ay + 4 }) > 20);
  assert.ok(countPixels(png, RED) > 20);
});

test('caption grid: captions as text under each slot, slots laid out in rows', () => {
  const grid = captionGridSvg([['0.123', 'Bag'], ['0.1', 'Coat'], ['x']], { slotWidth: 50, slotHeight: 40, perRow: 2, title: 'worst' });
  for (const want of ['worst', '0.123', 'Bag', 'Coat', 'x']) assert.ok(texts(grid.svg).includes(want), want);
  assert.equal(grid.slots.length, 3);
  assert.equal(grid.slots[0].top, grid.slots[1].top);
  assert.ok(grid.slots[2].top > grid.slots[0].top + 40);
  assert.ok(grid.slots[1].left >= grid.slots[0].left + 50);
});
