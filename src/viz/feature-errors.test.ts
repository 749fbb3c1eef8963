import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { test } from 'node:test';
import { featureErrorsPng, featureErrorsSvg } from './feature-errors.js';
import { countPixels, dark, decodePng, near } from './png-test-helper.js';

const blue = near('#1f77b4', 10);

test('feature errors: one labelled bar per feature, longest for the largest error', async () => {
  const names = ['humidity', 'temperature', 'mote_id', 'indoor'];
  const errors = [0.12, 0.5, 0.02, 0.25];
  const bytes = await featureErrorsPng(names, errors, { width: 400, rowHeight: 20 });
  if (process.env.AEKIT_KEEP_PNG) await writeFile(process.env.AEKIT_KEEP_PNG, bytes);
  const png = await decodePng(bytes);
  assert.equal(png.width, 400);
  assert.equal(png.height, 40 + 4 * 20 + 50);
  assert.ok(countPixels(png, dark) > 200, 'labels and axes are drawn');
  // sorted: row i holds the i-th largest error; its bar's blue pixels grow with the error
  const widths = [0, 1, 2, 3].map((i) => countPixels(png, blue, { x0: 0, y0: 40 + i * 20, x1: png.width, y1: 40 + (i + 1) * 20 }) / 14);
  assert.ok(
    widths.every((w, i) => i === 0 || w < widths[i - 1]),
    `bars shrink down the chart: ${widths}`,
  );
  const ratio = widths[0] / widths[3];
  assert.ok(Math.abs(ratio - 0.5 / 0.02) < 5, `bar lengths are proportional to the errors: ${ratio}`);
  const svg = featureErrorsSvg(names, errors).svg;
  assert.ok(svg.indexOf('>temperature<') < svg.indexOf('>indoor<') && svg.indexOf('>indoor<') < svg.indexOf('>humidity<'));
  const inOrder = featureErrorsSvg(names, errors, { order: 'columns' }).svg;
  assert.ok(inOrder.indexOf('>humidity<') < inOrder.indexOf('>temperature<'));
  assert.equal((svg.match(/class="bar"/g) ?? []).length, 4);
});

test('feature errors refuse mismatched or invalid input', () => {
  assert.throws(() => featureErrorsSvg([], []), /errors: no features/);
  assert.throws(() => featureErrorsSvg(['a'], [1, 2]), /1 feature names but 2 errors/);
  assert.throws(() => featureErrorsSvg(['a', 'b'], [1, Number.NaN]), /feature 'b': errors: expected a mean squared error ≥ 0, got NaN/);
  assert.match(featureErrorsSvg(['a<b'], [0]).svg, /a&lt;b/);
});
