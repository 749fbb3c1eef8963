import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { decodePng28, encodeIdxImages, encodePng28, readImages } from './image-files.js';

test('PNG and IDX images round-trip through the files aekit denoise reads and writes', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'aekit-img-'));
  try {
    const a = Float32Array.from({ length: 784 }, (_, i) => (i % 256) / 255);
    const back = decodePng28(encodePng28(a), 'a.png');
    assert.ok(back.every((v, i) => Math.abs(v - a[i]) < 1 / 255 + 1e-6));
    await writeFile(path.join(dir, 'b.png'), encodePng28(a));
    await writeFile(path.join(dir, 'a.png'), encodePng28(new Float32Array(784)));
    await writeFile(path.join(dir, 'notes.txt'), 'ignored');
    const pngs = await readImages(dir);
    assert.deepEqual(pngs.names, ['a.png', 'b.png']);
    assert.equal(pngs.format, 'png-dir');
    const idxFile = path.join(dir, 'x.idx');
    await writeFile(idxFile, encodeIdxImages(pngs.images, 2));
    const idx = await readImages(idxFile);
    assert.equal(idx.count, 2);
    assert.ok(idx.images.every((v, i) => Math.abs(v - pngs.images[i]) < 1e-6));
    await assert.rejects(readImages(path.join(dir, 'missing')), /--input '.*missing' does not exist/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an unreadable PNG is refused by name', () => {
  assert.throws(() => decodePng28(Buffer.from('not a png'), 'x.png'), /x\.png: not a readable PNG/);
});
