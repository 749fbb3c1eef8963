import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { decodeImage, encodeIdxImages, ImageFileError, readImageFile, readImages } from './image-files.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'aekit-img-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Encodes raw pixels (`channels` interleaved) as a PNG, JPEG or lossless WebP with sharp. */
async function encode(
  pixels: number[] | Uint8Array,
  width: number,
  height: number,
  channels: 1 | 2 | 3 | 4,
  format: 'png' | 'jpeg' | 'webp',
): Promise<Buffer> {
  const img = sharp(Buffer.from(pixels), { raw: { width, height, channels } });
  if (format === 'png') return (channels <= 2 ? img.toColourspace('b-w') : img).png().toBuffer();
  return format === 'jpeg' ? img.jpeg({ quality: 95 }).toBuffer() : img.webp({ lossless: true }).toBuffer();
}

const fill = (n: number, px: number[]): number[] => Array.from({ length: n }, () => px).flat();
const code = (err: unknown): string => (err as ImageFileError).code;

test('grey PNG: the values as they are, as [0, 1] floats or bytes, with the shape', async () => {
  const levels = Array.from({ length: 784 }, (_, i) => i % 256);
  const png = await encode(levels, 28, 28, 1, 'png');
  const f = await decodeImage(png, 'g.png');
  assert.deepEqual([f.height, f.width, f.channels, f.format], [28, 28, 1, 'png']);
  assert.ok(f.data instanceof Float32Array);
  assert.ok(f.data.every((v, i) => Math.abs(v - levels[i] / 255) < 1e-6));
  const u = await decodeImage(png, 'g.png', { dtype: 'uint8' });
  assert.ok(u.data instanceof Uint8Array);
  assert.deepEqual(Array.from(u.data), levels);
});

test('RGB and RGBA PNG: grey is luma times alpha (transparent = black); RGB keeps the channels', async () => {
  const red = await encode(fill(6, [255, 0, 0]), 3, 2, 3, 'png');
  assert.deepEqual(Array.from((await decodeImage(red, 'r.png', { dtype: 'uint8' })).data), fill(6, [76]));
  const rgb = await decodeImage(red, 'r.png', { colour: 'rgb', dtype: 'uint8' });
  assert.deepEqual([rgb.height, rgb.width, rgb.channels], [2, 3, 3]);
  assert.deepEqual(Array.from(rgb.data), fill(6, [255, 0, 0]));
  const halfWhite = await encode(fill(4, [255, 255, 255, 128]), 2, 2, 4, 'png');
  assert.ok((await decodeImage(halfWhite, 'a.png')).data.every((v) => Math.abs(v - 128 / 255) < 1e-6));
  assert.deepEqual(Array.from((await decodeImage(halfWhite, 'a.png', { colour: 'rgb', dtype: 'uint8' })).data), fill(4, [128, 128, 128]));
  const greyAlpha = await encode(fill(4, [200, 0]), 2, 2, 2, 'png');
  assert.deepEqual(
    Array.from((await decodeImage(greyAlpha, 'ga.png', { dtype: 'uint8' })).data),
    [0, 0, 0, 0],
    'fully transparent = black',
  );
});

test('JPEG and WebP decode like PNG; images of other sizes keep their size or are resized', async () => {
  const jpeg = await decodeImage(await encode(fill(20 * 10, [128, 128, 128]), 20, 10, 3, 'jpeg'), 'x.jpg', { dtype: 'uint8' });
  assert.deepEqual([jpeg.height, jpeg.width, jpeg.format], [10, 20, 'jpeg']);
  assert.ok(
    jpeg.data.every((v) => Math.abs(v - 128) <= 2),
    'JPEG is lossy, within 2 levels',
  );
  const webp = await decodeImage(await encode(fill(12, [0, 0, 255]), 4, 3, 3, 'webp'), 'x.webp', { colour: 'rgb', dtype: 'uint8' });
  assert.deepEqual([webp.height, webp.width, webp.format], [3, 4, 'webp']);
  assert.deepEqual(Array.from(webp.data), fill(12, [0, 0, 255]));
  const big = await encode(fill(56 * 56, [100]), 56, 56, 1, 'png');
  const small = await decodeImage(big, 'big.png', { size: { height: 28, width: 28 }, resize: true, dtype: 'uint8' });
  assert.deepEqual([small.height, small.width, small.data.length], [28, 28, 784]);
  assert.ok(small.data.every((v) => v === 100));
  const wide = await decodeImage(big, 'big.png', { size: { height: 10, width: 30 }, resize: true });
  assert.deepEqual([wide.height, wide.width], [10, 30], 'resizing stretches to exactly height × width');
  await assert.rejects(
    decodeImage(big, 'big.png', { size: { height: 28, width: 28 } }),
    (err) =>
      code(err) === 'E_IMAGE_SIZE' &&
      /^big\.png: expected a 28×28 image \(height × width\), found 56×56; resize it first$/.test((err as Error).message),
  );
});

test('a file that is not an image is refused in one line naming it, what was expected and what was found', async () => {
  const cases: [Buffer, RegExp][] = [
    [
      Buffer.from('not a png\nsecond line'),
      /^notes\.png: expected a PNG, JPEG or WebP image, found 21 bytes of text starting 'not a png second line'$/,
    ],
    [Buffer.alloc(0), /^notes\.png: expected a PNG, JPEG or WebP image, found an empty file$/],
    [
      await sharp({ create: { width: 2, height: 2, channels: 3, background: '#f00' } })
        .gif()
        .toBuffer(),
      /found a GIF image$/,
    ],
    [Buffer.from([0, 1, 2, 250, 251]), /found 5 bytes of other data starting 00 01 02 fa fb$/],
    [
      (await encode(fill(64, [1, 2, 3]), 8, 8, 3, 'png')).subarray(0, 60),
      /^notes\.png: expected a readable PNG image, found a damaged file \([^\n]+\)$/,
    ],
  ];
  for (const [bytes, message] of cases) {
    await assert.rejects(
      decodeImage(bytes, 'notes.png'),
      (err) => err instanceof ImageFileError && code(err) === 'E_IMAGE_FORMAT' && message.test(err.message) && !err.message.includes('\n'),
    );
  }
  await assert.rejects(
    readImageFile(path.join(dir, 'nowhere.png')),
    (err) => code(err) === 'E_IMAGE_MISSING' && /nowhere\.png: expected an image file, but it does not exist$/.test((err as Error).message),
  );
});

test('readImages: a directory of PNG, JPEG and WebP files by name, or an IDX file, as 28×28 grey in [0, 1]', async () => {
  const images = path.join(dir, 'mixed');
  await mkdir(images);
  await writeFile(path.join(images, 'b.png'), await encode(fill(784, [255]), 28, 28, 1, 'png'));
  await writeFile(path.join(images, 'a.JPG'), await encode(fill(784, [0, 0, 0]), 28, 28, 3, 'jpeg'));
  await writeFile(path.join(images, 'c.webp'), await encode(fill(784, [255, 255, 255, 0]), 28, 28, 4, 'webp'));
  await writeFile(path.join(images, 'notes.txt'), 'ignored');
  const read = await readImages(images);
  assert.deepEqual(read.names, ['a.JPG', 'b.png', 'c.webp']);
  assert.deepEqual([read.count, read.height, read.width, read.format, read.images.length], [3, 28, 28, 'image-dir', 3 * 784]);
  assert.ok(read.images.subarray(0, 784).every((v) => v < 0.02));
  assert.ok(read.images.subarray(784, 1568).every((v) => v === 1));
  assert.ok(
    read.images.subarray(1568).every((v) => v === 0),
    'transparent white reads as black',
  );
  const idxFile = path.join(dir, 'x.idx');
  await writeFile(idxFile, encodeIdxImages(read.images, 3));
  const idx = await readImages(idxFile);
  assert.deepEqual([idx.count, idx.format, idx.names[0]], [3, 'idx', 'image-00001']);
  assert.ok(idx.images.every((v, i) => Math.abs(v - Math.round(read.images[i] * 255) / 255) < 1e-6));
  await writeFile(path.join(images, 'd.png'), await encode(fill(32 * 32, [9]), 32, 32, 1, 'png'));
  await assert.rejects(readImages(images), /d\.png: expected a 28×28 image \(height × width\), found 32×32/);
  assert.equal((await readImages(images, { resize: true })).count, 4);
  await assert.rejects(
    readImages(path.join(dir, 'missing')),
    /--input '.*missing': expected a directory of 28×28 images \(PNG, JPEG, WebP\) or an IDX image file, but it does not exist/,
  );
  await assert.rejects(readImages(dir), /expected 28×28 images \(\.png, \.jpg, \.jpeg, \.webp\), found no such file in the directory/);
});
