import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { errorMatching } from '../testing/errors.js';
import { DataError, parseIdxImages } from './idx.js';
import { loadIdx, parseIdxImageSet } from './idx-images.js';
import { type ByteSamples, isByteSamples, toFloatSamples } from './samples.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'aekit-idx-'));
});
after(() => rm(dir, { recursive: true, force: true }));

/** An uint8 IDX file of `dims` whose values are `value(i)`. */
function idx(dims: number[], value: (i: number) => number = (i) => i % 256): Uint8Array {
  const n = dims.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(4 + 4 * dims.length + n);
  out.set([0, 0, 8, dims.length]);
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < n; i++) out[4 + 4 * dims.length + i] = value(i);
  return out;
}

async function file(name: string, bytes: Uint8Array): Promise<string> {
  const f = path.join(dir, name);
  await writeFile(f, bytes);
  return f;
}

const dataError = (code: string, argument: string, ...parts: RegExp[]) => errorMatching(DataError, code, argument, ...parts);

test('parseIdxImageSet reads any size, 3-D grey or 4-D with 1 or 3 channels; Fashion-MNIST keeps its strict check', () => {
  const grey = parseIdxImageSet(idx([3, 5, 7]), 'g');
  assert.deepEqual([grey.count, grey.image], [3, { height: 5, width: 7, channels: 1 }]);
  assert.equal(grey.data.length, 105);
  assert.deepEqual(parseIdxImageSet(idx([2, 4, 4, 3]), 'c').image, { height: 4, width: 4, channels: 3 });
  assert.deepEqual(parseIdxImageSet(idx([2, 4, 6, 1]), 'c').image, { height: 4, width: 6, channels: 1 });
  assert.throws(
    () => parseIdxImageSet(idx([2, 4, 4, 2]), 'two.idx'),
    dataError('E_IDX_DIMS', 'idx', /two\.idx: .*1 \(grey\) or 3 \(RGB\) channels last.*2 channels/),
  );
  assert.throws(
    () => parseIdxImageSet(idx([9]), 'labels.idx'),
    dataError('E_IDX_MAGIC', 'idx', /labels\.idx: expected IDX images.*1-D.*\(a labels file\?\)/),
  );
  // the strict parser still refuses other sizes and ranks when asked for 28×28
  assert.throws(() => parseIdxImages(idx([2, 32, 32]), 'x', { height: 28, width: 28 }), /expected 28×28 images, found 32×32/);
  assert.throws(() => parseIdxImages(idx([2, 28, 28, 1]), 'x', { height: 28, width: 28 }), /expected IDX images/);
});

test('loadIdx: gzipped images of any size with labels, as byte samples with the image layout and a seeded split', async () => {
  const images = await file('train-images.gz', gzipSync(idx([20, 3, 4], (i) => Math.floor(i / 12) * 10)));
  const labels = await file(
    'train-labels',
    idx([20], (i) => i % 3),
  );
  const d = await loadIdx({ file: images, labels, validationSplit: 0.25, seed: 9 });
  assert.ok(isByteSamples(d.train) && isByteSamples(d.valid));
  assert.deepEqual(d.image, { height: 3, width: 4, channels: 1 });
  assert.deepEqual(d.train.shape, [3, 4]);
  assert.deepEqual([d.train.count, d.valid.count], [15, 5]);
  assert.equal(d.unitRange, true);
  assert.deepEqual(d.classes, ['0', '1', '2']);
  // image k is filled with 10k / 255 and has label k mod 3
  const seen: number[] = [];
  for (const s of [d.train, d.valid]) {
    const f = toFloatSamples(s);
    for (let j = 0; j < f.count; j++) {
      const k = Math.round((f.x[j * 12] * 255) / 10);
      assert.ok(f.x.subarray(j * 12, (j + 1) * 12).every((v) => v === f.x[j * 12]));
      assert.equal(s.labels![j], k % 3);
      seen.push(k);
    }
  }
  assert.deepEqual(
    seen.sort((a, b) => a - b),
    Array.from({ length: 20 }, (_, i) => i),
  );
  assert.deepEqual(d.spec, { kind: 'idx', file: images, labels, validationSplit: 0.25, seed: 9 });
  assert.match(d.source, /train-images\.gz: 20 3×4 images, labels from .*train-labels \(3 classes\), 15 train \/ 5 validation$/);
  const again = await loadIdx({ file: images, labels, validationSplit: 0.25, seed: 9 });
  assert.deepEqual(Array.from((again.valid as ByteSamples).labels!), Array.from(d.valid.labels!));
  const rgb = await loadIdx({ file: await file('rgb', idx([4, 2, 2, 3])) });
  assert.deepEqual([rgb.image, rgb.train.shape, rgb.classes], [{ height: 2, width: 2, channels: 3 }, [2, 2, 3], undefined]);
});

test('loadIdx errors: label count, another shape than the run, too few images, missing files', async () => {
  const images = await file('i', idx([6, 2, 2]));
  await assert.rejects(
    loadIdx({ file: images, labels: await file('l5', idx([5])) }),
    dataError('E_IDX_DIMS', 'labels', /l5 holds 5 labels, but .*i holds 6 images: they must be one label per image/),
  );
  const spec = { kind: 'idx' as const, file: 'train', validationSplit: 0.1, seed: 0 };
  await assert.rejects(
    loadIdx({ file: images }, { like: { spec, shape: [28, 28] } }),
    dataError('E_SHAPE', 'idx', /images of shape \[2, 2\], but the run was trained on samples of shape \[28, 28\] \(train\)/),
  );
  await assert.rejects(loadIdx({ file: await file('one', idx([1, 2, 2])) }), dataError('E_SHAPE', 'idx', /1 image\(s\); need at least 2/));
  await assert.rejects(loadIdx({ file: path.join(dir, 'nope') }), dataError('E_NOT_FOUND', 'idx', /idx '.*nope' does not exist/));
  await assert.rejects(
    loadIdx({ file: images, labels: path.join(dir, 'nol') }),
    dataError('E_NOT_FOUND', 'labels', /labels '.*nol' does not exist/),
  );
});
