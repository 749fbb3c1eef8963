import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { histogramPanels, scatterPlot } from './basic-charts.js';

const red = (png: PNG): number => {
  let n = 0;
  for (let o = 0; o < png.data.length; o += 4) if (png.data[o] > 200 && png.data[o + 1] < 60) n++;
  return n;
};

test('scatter plot: square PNG with a dot per point, shaded blue → red', () => {
  const png = PNG.sync.read(scatterPlot([0, 0, 1, 1, -1, 0.5], 3, { size: 100, shade: [0, 0.5, 1] }));
  assert.equal(png.width, 100);
  assert.equal(png.height, 100);
  assert.ok(red(png) >= 25, 'the fully red point is drawn');
  assert.throws(() => scatterPlot([0, 0], 2), /2 points need 4 values/);
});

test('histogram panels: one panel per data set, tallest bin reaches the top, marker drawn in red', () => {
  const png = PNG.sync.read(histogramPanels([{ values: [0.05, 0.05, 0.5], marker: 0.1 }, { values: [0.9] }], { bins: 10, width: 120, panelHeight: 50 }));
  assert.equal(png.height, 2 * 60 + 10);
  const blueAt = (x: number, y: number): boolean => { const o = (y * png.width + x) * 4; return png.data[o] === 31 && png.data[o + 2] === 180; };
  assert.ok(blueAt(12, 11), 'bin [0, 0.1) of the first panel is full height');
  assert.ok(red(png) > 0);
  assert.throws(() => histogramPanels([]), /no panels/);
});
