import assert from 'node:assert/strict';
import { test } from 'node:test';
import { histogramPanels, scatterPlot } from './basic-charts.js';
import { countPixels, decodePng } from './png-test-helper.js';

const red = (r: number, g: number, b: number): boolean => r > 180 && g < 90 && b < 90;

test('scatter plot: a square plot of the given side with a dot per point, shaded blue → red', async () => {
  const png = await decodePng(await scatterPlot([0, 0, 1, 1, -1, 0.5], 3, { size: 100, shade: [0, 0.5, 1] }));
  assert.ok(png.width > 100 && png.width < 200 && png.height > 100 && png.height < 200, `${png.width}×${png.height}`);
  assert.ok(countPixels(png, red) >= 20, 'the fully red point is drawn');
  await assert.rejects(scatterPlot([0, 0], 2), /2 points need 4 values/);
});

test('histogram panels: one panel per data set, each with its marker in red', async () => {
  const one = await decodePng(
    await histogramPanels([{ values: [0.05, 0.05, 0.5], marker: 0.1 }], { bins: 10, width: 220, panelHeight: 50 }),
  );
  const two = await decodePng(
    await histogramPanels(
      [
        { values: [0.05, 0.05, 0.5], marker: 0.1 },
        { values: [0.9], marker: 0.1 },
      ],
      { bins: 10, width: 220, panelHeight: 50 },
    ),
  );
  assert.equal(two.width, 220);
  assert.ok(two.height > 2 * 50 && two.height >= 2 * one.height - 10);
  const half = Math.round(two.height / 2);
  for (const [y0, y1] of [
    [0, half],
    [half, two.height],
  ])
    assert.ok(countPixels(two, red, { x0: 0, y0, x1: two.width, y1 }) > 50, `a marker in rows ${y0}–${y1}`);
  assert.ok(countPixels(two, (r, g, b) => r === 31 && g === 119 && b === 180) > 100, 'bars in blue');
  await assert.rejects(histogramPanels([]), /no panels/);
});
