import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imageGrid, imagePng, imageShapeOf, MNIST_SHAPE, pixelImage } from './image-grid.js';
import { decodePng } from './png-test-helper.js';

const rgbAt = (png: { data: Uint8Array; width: number }, x: number, y: number): number[] =>
  Array.from(png.data.subarray((y * png.width + x) * 3, (y * png.width + x) * 3 + 3));

test('grey grid: a grey PNG of rows × columns cells with gaps; each pixel a scale × scale block', async () => {
  const a = Float32Array.from({ length: 784 }, (_, i) => (i === 0 ? 1 : 0));
  const b = new Float32Array(784).fill(0.5);
  const png = await decodePng(await imageGrid([[a, b], [b]], { scale: 2, gap: 3 }));
  assert.equal(png.fileChannels, 1, 'written as a grey PNG');
  assert.deepEqual([png.width, png.height], [2 * 56 + 3 * 3, 2 * 56 + 3 * 3]);
  assert.deepEqual(rgbAt(png, 3, 3), [255, 255, 255], 'the bright pixel 0 of image a, scaled ×2');
  assert.deepEqual(rgbAt(png, 4, 4), [255, 255, 255]);
  assert.deepEqual(rgbAt(png, 5, 5), [0, 0, 0]);
  assert.deepEqual(rgbAt(png, 3 + 56 + 3 + 10, 10), [128, 128, 128], 'image b, grey 0.5');
  assert.deepEqual(rgbAt(png, 3 + 56 + 3 + 10, 3 + 56 + 3 + 10), [255, 255, 255], 'the short second row leaves a blank');
  await assert.rejects(imageGrid([[new Float32Array(10)]]), /row 0, column 0 has 10 values, expected 28×28/);
});

test('colour grid: H×W×3 images of any size, channels interleaved', async () => {
  const [h, w] = [5, 7];
  const img = Float32Array.from({ length: h * w * 3 }, (_, i) => [1, 0, 0.2][i % 3]);
  img.set([0, 1, 0], ((h - 1) * w + (w - 1)) * 3);
  const png = await decodePng(await imageGrid([[img]], { height: h, width: w, channels: 3, scale: 3, gap: 1, background: 0 }));
  assert.equal(png.fileChannels, 3);
  assert.deepEqual([png.width, png.height], [w * 3 + 2, h * 3 + 2]);
  assert.deepEqual(rgbAt(png, 0, 0), [0, 0, 0], 'black gap');
  assert.deepEqual(rgbAt(png, 1, 1), [255, 0, 51]);
  assert.deepEqual(rgbAt(png, w * 3, h * 3), [0, 255, 0], 'the last pixel is green');
  await assert.rejects(imageGrid([[img]], { height: h, width: w }), /has 105 values, expected 5×7$/);
});

test('pixel images: inverted, framed, and a one-image PNG; image shapes read from model inputs', async () => {
  const framed = pixelImage([0, 1, 0.5, 0], { height: 2, width: 2 }, { invert: true, border: [255, 0, 0], scale: 2 });
  assert.deepEqual([framed.width, framed.height, framed.channels], [6, 6, 3]);
  assert.deepEqual(Array.from(framed.data.subarray(0, 3)), [255, 0, 0], 'red frame');
  assert.deepEqual(Array.from(framed.data.subarray((1 * 6 + 1) * 3, (1 * 6 + 1) * 3 + 3)), [255, 255, 255], '0 drawn white');
  assert.deepEqual(Array.from(framed.data.subarray((1 * 6 + 3) * 3, (1 * 6 + 3) * 3 + 3)), [0, 0, 0], '1 drawn black');
  assert.throws(() => pixelImage([1, 2, 3], { height: 2, width: 2 }), /3 values, expected 2×2×1/);
  const one = await decodePng(
    await imagePng(
      Float32Array.from({ length: 784 }, (_, i) => (i % 28) / 27),
      MNIST_SHAPE,
    ),
  );
  assert.deepEqual([one.width, one.height, one.fileChannels], [28, 28, 1]);
  assert.deepEqual(rgbAt(one, 27, 5), [255, 255, 255]);
  assert.deepEqual(imageShapeOf([null, 28, 28]), MNIST_SHAPE);
  assert.deepEqual(imageShapeOf([null, 784]), MNIST_SHAPE);
  assert.deepEqual(imageShapeOf([null, 32, 48, 3]), { height: 32, width: 48, channels: 3 });
  assert.throws(() => imageShapeOf([null, 3]), /found input shape \[null,3\]/);
});
