import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { type AekitError, ArgumentError, InterruptedError } from '../core/errors.js';
import { ImageFileError } from './image-files.js';
import { type LoadImageFolderOptions, loadImageFolder } from './image-folder.js';
import { FileRows } from './row-file.js';
import { type AnySamples, type ByteSamples, floatRows, isByteSamples } from './samples.js';

let root: string;
before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'aekit-folder-test-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh folder under the test's tmp dir. */
async function folder(name: string): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Writes a `width × height` image of `channels` whose pixels are `value(x, y, c)` (lossless PNG unless the name says .jpg/.webp). */
async function image(
  file: string,
  width: number,
  height: number,
  channels: 1 | 3,
  value: (x: number, y: number, c: number) => number,
): Promise<void> {
  const raw = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) raw[(y * width + x) * channels + c] = value(x, y, c);
  await mkdir(path.dirname(file), { recursive: true });
  const img = sharp(raw, { raw: { width, height, channels } });
  const ext = path.extname(file).toLowerCase();
  const out =
    ext === '.jpg' || ext === '.jpeg'
      ? img.jpeg({ quality: 95 })
      : ext === '.webp'
        ? img.webp({ lossless: true })
        : (channels === 1 ? img.toColourspace('b-w') : img).png();
  await out.toFile(file);
}

/** Grey image whose every pixel is `v`. */
const flat = (file: string, v: number, size = 4): Promise<void> => image(file, size, size, 1, () => v);

/** Every byte of `s`, in sample order. */
function allBytes(s: AnySamples): Uint8Array {
  assert.ok(isByteSamples(s));
  const out = new Uint8Array(s.count * s.bytes.rowBytes);
  s.bytes.readRows(
    Array.from({ length: s.count }, (_, i) => i),
    out,
  );
  return out;
}

/** The first pixel of every sample. */
function firstPixels(s: AnySamples): number[] {
  const per = (s as ByteSamples).bytes.rowBytes;
  const bytes = allBytes(s);
  return Array.from({ length: s.count }, (_, i) => bytes[i * per]!);
}

test('class folders without train/: labels by sorted class name, seeded 10% validation, grey detected', async () => {
  const dir = await folder('classes');
  // Pixel value 10·class + index, so every image says where it came from.
  for (const [c, name] of ['b-cat', 'a-dog'].entries())
    for (let i = 0; i < 10; i++) await flat(path.join(dir, name, `img${i}.png`), 100 * c + i);
  await writeFile(path.join(dir, 'README.txt'), 'not an image');
  await flat(path.join(dir, 'stray.png'), 255);
  const data = await loadImageFolder({ dir });
  assert.deepEqual(data.classes, ['a-dog', 'b-cat']);
  assert.equal(data.train.count, 18);
  assert.equal(data.valid.count, 2);
  assert.equal(data.test, undefined);
  assert.deepEqual(data.train.shape, [4, 4]);
  assert.deepEqual(data.image, { height: 4, width: 4, channels: 1 });
  assert.equal(data.unitRange, true);
  assert.deepEqual(data.spec, {
    kind: 'images',
    dir,
    image: { height: 4, width: 4, channels: 1 },
    classes: ['a-dog', 'b-cat'],
    validationSplit: 0.1,
    seed: 42,
  });
  // a-dog holds 100 + i, b-cat holds i: the label follows the sorted folder name.
  const pixels = [...firstPixels(data.train), ...firstPixels(data.valid)];
  const labels = [...data.train.labels!, ...data.valid.labels!];
  assert.deepEqual(
    [...pixels].sort((a, b) => a - b),
    [...Array.from({ length: 10 }, (_, i) => i), ...Array.from({ length: 10 }, (_, i) => 100 + i)],
  );
  pixels.forEach((p, k) => assert.equal(labels[k], p >= 100 ? 0 : 1, `pixel ${p}`));
  assert.match(data.source, /18 train \/ 2 validation \(10% of the folder, seed 42\), 4×4 grey, 2 classes, in memory/);
  assert.match(data.source, /1 image file directly in classes\/ ignored/);

  // Same seed → same split; another seed → another one.
  const again = await loadImageFolder({ dir });
  assert.deepEqual(firstPixels(again.valid), firstPixels(data.valid));
  const seeds = await Promise.all([1, 2, 3, 4].map((seed) => loadImageFolder({ dir, seed })));
  assert.ok(
    seeds.some((d) => JSON.stringify(firstPixels(d.valid)) !== JSON.stringify(firstPixels(data.valid))),
    'other seeds hold out other images',
  );
  const quarter = await loadImageFolder({ dir, validationSplit: 0.25 });
  assert.equal(quarter.valid.count, 5);
  assert.equal(quarter.train.count, 15);
});

test('train/ and test/: test is validation and test; validation/ wins; an explicit split holds out train', async () => {
  const dir = await folder('splits');
  for (const c of ['x', 'y']) {
    for (let i = 0; i < 5; i++) await flat(path.join(dir, 'train', c, `${i}.png`), 10 + i);
    for (let i = 0; i < 3; i++) await flat(path.join(dir, 'test', c, `${i}.png`), 50 + i);
  }
  await flat(path.join(dir, 'test', 'x', 'nested', 'deep.png'), 60);
  const data = await loadImageFolder({ dir });
  assert.equal(data.train.count, 10);
  assert.equal(data.valid.count, 7);
  assert.equal(data.test?.count, 7);
  assert.deepEqual(firstPixels(data.test!), firstPixels(data.valid));
  // Validation and test come in a seeded order (classes mixed), nested files included.
  const pairs = firstPixels(data.test!).map((p, i) => `${data.test!.labels![i]}:${p}`);
  assert.deepEqual([...pairs].sort(), ['0:50', '0:51', '0:52', '0:60', '1:50', '1:51', '1:52']);
  assert.notDeepEqual([...data.test!.labels!], [0, 0, 0, 0, 1, 1, 1], 'not in folder order');
  const again = await loadImageFolder({ dir });
  assert.deepEqual(firstPixels(again.test!), firstPixels(data.test!), 'the same order every time');
  // Commands that read no training images leave them undecoded; validation and test are the same.
  const noTrain = await loadImageFolder({ dir }, { skipTrain: true });
  assert.equal(noTrain.train.count, 0);
  assert.deepEqual(firstPixels(noTrain.valid), firstPixels(data.valid));
  assert.match(noTrain.source, /10 train \(not read\) \/ 7 validation/);
  assert.match(data.source, /10 train \/ 7 validation \(test\/\) \/ 7 test/);

  for (let i = 0; i < 2; i++) await flat(path.join(dir, 'valid', 'y', `${i}.png`), 90 + i);
  const withValid = await loadImageFolder({ dir });
  assert.deepEqual([...firstPixels(withValid.valid)].sort(), [90, 91]);
  assert.deepEqual([...withValid.valid.labels!], [1, 1]);
  assert.equal(withValid.test?.count, 7);

  const explicit = await loadImageFolder({ dir, validationSplit: 0.2 });
  assert.equal(explicit.train.count, 8);
  assert.equal(explicit.valid.count, 2);
  assert.ok(
    firstPixels(explicit.valid).every((p) => p >= 10 && p < 15),
    'validation comes from train/',
  );
  assert.equal(explicit.test?.count, 7);
  assert.match(explicit.source, /20% of train\/, seed 42.*valid\/ not read/);

  await flat(path.join(dir, 'test', 'zebra', '0.png'), 1);
  await assert.rejects(loadImageFolder({ dir }), (err: ImageFileError) => {
    assert.equal(err.argument, 'images');
    assert.match(err.message, /test\/: class folder zebra not in .*train\/ \(x, y\)/);
    return true;
  });
});

test('no class folders: no labels; colour and size from the images; others resized', async () => {
  const dir = await folder('plain');
  await image(path.join(dir, 'a.png'), 6, 4, 3, (x, _y, c) => (c === 0 ? 200 : x * 10));
  await image(path.join(dir, 'b.JPG'), 12, 8, 3, () => 128);
  for (let i = 0; i < 8; i++) await image(path.join(dir, `c${i}.webp`), 3, 2, 1, () => 40);
  const data = await loadImageFolder({ dir, validationSplit: 0.2 });
  assert.deepEqual(data.classes, []);
  assert.equal(data.train.labels, undefined);
  assert.deepEqual(data.train.shape, [4, 6, 3], 'the first file (a.png) gives the size, RGB detected');
  assert.equal(data.train.count + data.valid.count, 10);
  assert.match(data.source, /4×6 RGB, no classes/);
  const all = [...allBytes(data.train), ...allBytes(data.valid)];
  assert.equal(all.length, 10 * 4 * 6 * 3);

  const grey = await loadImageFolder({ dir, color: 'grey', imageSize: { height: 2, width: 3 }, validationSplit: 0.2 });
  assert.deepEqual(grey.train.shape, [2, 3]);
  // The 8 flat webp images stay 40 once resized; a.png and b.JPG are resized to 2×3 too.
  const greyBytes = [...allBytes(grey.train), ...allBytes(grey.valid)];
  assert.equal(greyBytes.filter((v) => v === 40).length, 8 * 6);
  assert.ok(
    greyBytes.some((v) => Math.abs(v - 128) <= 2),
    'b.JPG resized keeps its grey',
  );
});

test('grey files stay grey: colour detected only from colour channels', async () => {
  const dir = await folder('greyish');
  for (let i = 0; i < 10; i++) await flat(path.join(dir, `g${i}.png`), 3 * i);
  const data = await loadImageFolder({ dir });
  assert.deepEqual(data.image, { height: 4, width: 4, channels: 1 });
  const rgb = await loadImageFolder({ dir, color: 'rgb' });
  assert.deepEqual(rgb.train.shape, [4, 4, 3]);
  const bytes = allBytes(rgb.train);
  for (let i = 0; i < bytes.length; i += 3) assert.ok(bytes[i] === bytes[i + 1] && bytes[i] === bytes[i + 2]);
});

test('a folder over the memory budget is streamed from a cache file: same pixels, file removed on close', async () => {
  const dir = await folder('stream');
  for (const c of ['p', 'q', 'r'])
    for (let i = 0; i < 7; i++)
      await image(
        path.join(dir, 'train', c, `${i}.png`),
        5,
        3,
        3,
        (x, y, ch) => (x * 31 + y * 17 + ch * 7 + i * 3 + c.charCodeAt(0)) % 256,
      );
  for (let i = 0; i < 4; i++) await image(path.join(dir, 'test', 'q', `${i}.png`), 10, 6, 3, (x, y, ch) => (x * y + ch + i) % 256);
  const cacheDir = path.join(root, 'cache');
  const memory = await loadImageFolder({ dir }, { concurrency: 3 });
  const updates: [number, number][] = [];
  let stopped = false;
  const streamed = await loadImageFolder(
    { dir },
    {
      memoryBudget: 100,
      cacheDir,
      concurrency: 3,
      progress: { update: (d, t) => void updates.push([d, t]), stop: () => (stopped = true) },
    },
  );
  const base = (streamed.train as ByteSamples).bytes;
  assert.ok(!(base instanceof FileRows) && (base as unknown as { base: unknown }).base instanceof FileRows, 'a view of FileRows');
  assert.match(streamed.source, new RegExp(`streamed from a cache file in ${cacheDir.replace(/[/\\]/g, '.')}`));
  assert.deepEqual(readdirSync(cacheDir).length, 1);
  for (const split of ['train', 'valid', 'test'] as const) {
    assert.deepEqual(allBytes(streamed[split]!), allBytes(memory[split]!), split);
    assert.deepEqual(streamed[split]!.labels, memory[split]!.labels);
  }
  const order = [5, 0, 19, 3, 4, 2];
  assert.deepEqual(floatRows(streamed.train, order, 0, order.length), floatRows(memory.train, order, 0, order.length));
  assert.deepEqual(updates.at(-1), [25, 25]);
  assert.ok(stopped);
  await streamed.close?.();
  await streamed.close?.();
  assert.deepEqual(readdirSync(cacheDir), [], 'close removes the cache file');
  assert.throws(() => allBytes(streamed.train), /was closed/);
});

test('an aborted signal stops decoding: an InterruptedError, no cache file left', async () => {
  const root = await folder('abort');
  for (let i = 0; i < 30; i++) await flat(path.join(root, `${i}.png`), i);
  const cacheDir = path.join(root, 'cache');
  const signal = { aborted: false };
  const progress = {
    update: (done: number) => {
      if (done >= 5) signal.aborted = true;
    },
    stop: () => {},
  };
  await assert.rejects(
    loadImageFolder({ dir: root }, { memoryBudget: 10, cacheDir, signal, progress, concurrency: 2 }),
    (err: InterruptedError) => {
      assert.ok(err instanceof InterruptedError);
      assert.match(err.message, /interrupted while decoding images \(\d+ of 30\): nothing was written/);
      assert.equal(err.checkpointed, false);
      return true;
    },
  );
  assert.deepEqual(readdirSync(cacheDir), [], 'the partial cache file is removed');
});

test('like: the run’s size, colour and classes; unknown class folders are an error', async () => {
  const dir = await folder('like');
  for (let i = 0; i < 5; i++) await image(path.join(dir, 'b', `${i}.png`), 8, 8, 3, () => 100);
  const like: LoadImageFolderOptions['like'] & object = {
    kind: 'images',
    dir: 'elsewhere',
    image: { height: 4, width: 2, channels: 1 },
    classes: ['a', 'b', 'c'],
    validationSplit: 0.4,
    seed: 42,
  };
  const data = await loadImageFolder({ dir }, { like });
  assert.deepEqual(data.train.shape, [4, 2]);
  assert.deepEqual(data.classes, ['a', 'b', 'c']);
  assert.equal(data.valid.count, 2, "the run's validationSplit");
  assert.ok([...data.train.labels!, ...data.valid.labels!].every((l) => l === 1));
  await mkdir(path.join(dir, 'd'));
  await flat(path.join(dir, 'd', '0.png'), 1);
  await assert.rejects(loadImageFolder({ dir }, { like }), /class folder d not among the classes the run was trained on \(a, b, c\)/);
  await assert.rejects(loadImageFolder({ dir, color: 'rgb' }, { like }), ArgumentError);
});

test('normalize gcn: recorded in the spec, applied to every split, taken from a run; a different one refused', async () => {
  const dir = await folder('gcn');
  for (let i = 0; i < 6; i++) await image(path.join(dir, 'a', `${i}.png`), 4, 4, 1, (x, y) => 20 * i + 10 * x + y);
  const plain = await loadImageFolder({ dir });
  const data = await loadImageFolder({ dir, normalize: 'gcn' });
  assert.equal(data.spec.kind === 'images' && data.spec.normalize, 'gcn');
  assert.ok(plain.spec.kind === 'images' && !('normalize' in plain.spec), 'absent when not asked for: older specs unchanged');
  assert.match(data.source, /global contrast normalisation/);
  for (const split of [data.train, data.valid]) {
    const x = floatRows(split, null, 0, split.count);
    for (let r = 0; r < split.count; r++) {
      const row = Array.from(x.subarray(r * 16, (r + 1) * 16));
      const mean = row.reduce((s, v) => s + v, 0) / 16;
      assert.ok(Math.abs(mean - 0.5) < 1e-5, `row ${r}: mean ${mean}`);
    }
  }
  assert.notDeepEqual(Array.from(floatRows(plain.train, null, 0, 1)), Array.from(floatRows(data.train, null, 0, 1)));
  const like = data.spec as LoadImageFolderOptions['like'] & object;
  const again = await loadImageFolder({ dir }, { like });
  assert.deepEqual(
    Array.from(floatRows(again.valid, null, 0, again.valid.count)),
    Array.from(floatRows(data.valid, null, 0, data.valid.count)),
  );
  await assert.rejects(loadImageFolder({ dir, normalize: 'none' }, { like }), /trained on images normalised 'gcn', got 'none'/);
  await assert.rejects(loadImageFolder({ dir, normalize: 'zca' as 'gcn' }), /normalize.*expected none or gcn, got 'zca'/);
});

test('bad input: one clear error each, naming the folder or file', async (t) => {
  const expectImages = async (promise: Promise<unknown>, pattern: RegExp): Promise<void> => {
    await assert.rejects(promise, (err: AekitError) => {
      assert.ok(err instanceof ImageFileError, `${err}`);
      assert.equal(err.argument, 'images');
      assert.match(err.message, pattern);
      assert.ok(!err.message.includes('\n'));
      return true;
    });
  };
  await t.test('missing, a file, no images', async () => {
    await expectImages(loadImageFolder({ dir: path.join(root, 'nope') }), /nope: expected a folder of images .*does not exist/);
    const file = path.join(root, 'file.png');
    await flat(file, 1);
    await expectImages(loadImageFolder({ dir: file }), /file\.png: expected a folder of images .*found a file/);
    const empty = await folder('empty');
    await writeFile(path.join(empty, 'a.txt'), 'x');
    await writeFile(path.join(empty, 'b.gif'), 'x');
    await writeFile(path.join(empty, 'c.txt'), 'x');
    await expectImages(
      loadImageFolder({ dir: empty }),
      /empty\/: expected image files \(\.png, \.jpg, \.jpeg, \.webp, any case\), found 2 files \.txt, 1 file \.gif/,
    );
    const emptyClasses = await folder('empty-classes/train/a');
    await expectImages(
      loadImageFolder({ dir: path.dirname(path.dirname(emptyClasses)) }),
      /train\/: expected image files .* in its class folders, found only 1 folder/,
    );
  });
  await t.test('a damaged image names the file', async () => {
    const dir = await folder('damaged');
    for (let i = 0; i < 4; i++) await flat(path.join(dir, `${i}.png`), 1);
    const good = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    await writeFile(path.join(dir, '9-cut.png'), good.subarray(0, 40));
    await expectImages(loadImageFolder({ dir }, { concurrency: 2 }), /9-cut\.png: expected a readable PNG image, found a damaged file/);
    await rm(path.join(dir, '9-cut.png'));
    await writeFile(path.join(dir, '00-text.jpg'), 'hello');
    await expectImages(loadImageFolder({ dir, color: 'grey' }), /00-text\.jpg: expected a PNG, JPEG or WebP image, found 5 bytes of text/);
  });
  await t.test('several damaged images: the same one is named whatever the decode timing', async () => {
    const dir = await folder('damaged-many');
    for (let i = 0; i < 12; i++) await writeFile(path.join(dir, `${i}.png`), `broken ${i}`);
    const request = { dir, imageSize: { height: 4, width: 4 }, color: 'grey' as const, validationSplit: 0.25 };
    const messages = new Set<string>();
    for (const concurrency of [1, 3, 12, 12])
      await loadImageFolder(request, { concurrency }).catch((err: Error) => messages.add(err.message));
    assert.equal(messages.size, 1, [...messages].join(' | '));
  });
  await t.test('a damaged image while streaming leaves no cache file', async () => {
    const dir = await folder('damaged-stream');
    for (let i = 0; i < 6; i++) await flat(path.join(dir, `${i}.png`), 1);
    await writeFile(path.join(dir, '3.png'), 'broken');
    const cacheDir = await folder('cache-damaged');
    await expectImages(
      loadImageFolder({ dir, imageSize: { height: 4, width: 4 }, color: 'grey' }, { memoryBudget: 0, cacheDir }),
      /3\.png/,
    );
    assert.deepEqual(readdirSync(cacheDir), []);
  });
  await t.test('layouts that do not match', async () => {
    const dir = await folder('mixed');
    await flat(path.join(dir, 'train', 'a', '0.png'), 1);
    await flat(path.join(dir, 'test', '0.png'), 1);
    await expectImages(loadImageFolder({ dir }), /test\/: expected class folders as in .*train\/, found images without class folders/);
    const many = await folder('many');
    await Promise.all(Array.from({ length: 257 }, (_, i) => flat(path.join(many, `c${String(i).padStart(3, '0')}`, '0.png'), 1, 1)));
    await expectImages(loadImageFolder({ dir: many }), /expected at most 256 class folders \(labels are bytes\), found 257/);
  });
  await t.test('arguments', async () => {
    const dir = await folder('args');
    for (let i = 0; i < 3; i++) await flat(path.join(dir, `${i}.png`), 1);
    for (const [request, argument, pattern] of [
      [{ imageSize: { height: 0, width: 4 } }, 'imageSize', /imageSize: expected a positive integer height, got 0/],
      [{ imageSize: { height: 4, width: 2.5 } }, 'imageSize', /positive integer width, got 2.5/],
      [{ validationSplit: 1 }, 'validationSplit', /between 0 and 1 \(exclusive\), got 1/],
      [{ validationSplit: 0 }, 'validationSplit', /got 0/],
    ] as const) {
      await assert.rejects(loadImageFolder({ dir, ...request }), (err: ArgumentError) => {
        assert.ok(err instanceof ArgumentError);
        assert.equal(err.argument, argument);
        assert.match(err.message, pattern);
        return true;
      });
    }
    // A split needs two images; with three, 0.1 still holds out one (at least one each way).
    const one = await folder('one');
    await flat(path.join(one, '0.png'), 1);
    await assert.rejects(loadImageFolder({ dir: one }), /one\/ holds 1 image: a validation split needs at least 2/);
    const three = await loadImageFolder({ dir, validationSplit: 0.1 });
    assert.deepEqual([three.train.count, three.valid.count], [2, 1]);
  });
});

const CIFAR = '../shared/data/cifar10-jpeg.tar.gz';

/** False (after skipping `t`) when the archive is absent. */
function requireCifar(t: TestContext): boolean {
  if (existsSync(CIFAR)) return true;
  t.skip(
    `${CIFAR} is absent: the real CIFAR-10 JPEG folder test needs it (run the tests from the repository root with ../shared/data in place)`,
  );
  return false;
}

test('real data: CIFAR-10 JPEG folders (train/, test/, class folders) from the shared archive', async (t) => {
  if (!requireCifar(t)) return;
  const dir = await folder('cifar');
  // Members are train/<class>/NNNN.jpg and test/<class>/NNNN.jpg.
  execFileSync('tar', ['xzf', CIFAR, '-C', dir, '--wildcards', 'train/cat/00*', 'train/ship/00*', 'test/cat/000*', 'test/ship/000*']);
  const data = await loadImageFolder({ dir });
  assert.deepEqual(data.classes, ['cat', 'ship']);
  assert.equal(data.train.count, 200);
  assert.equal(data.valid.count, 20);
  assert.equal(data.test?.count, 20);
  assert.deepEqual(data.train.shape, [32, 32, 3]);
  assert.deepEqual([...data.train.labels!.slice(99, 101)], [0, 1]);
  assert.match(data.source, /200 train \/ 20 validation \(test\/\) \/ 20 test, 32×32 RGB, 2 classes, in memory \(676 kB\)/);
  const x = floatRows(data.train, null, 0, data.train.count);
  let min = 1;
  let max = 0;
  for (const v of x) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  assert.ok(min < 0.05 && max > 0.95, `pixels span [0, 1]: ${min}…${max}`);
  const streamed = await loadImageFolder({ dir, color: 'grey' }, { memoryBudget: 0, cacheDir: dir });
  assert.deepEqual(streamed.train.shape, [32, 32]);
  assert.match(streamed.source, /32×32 grey, 2 classes, streamed from a cache file/);
  await streamed.close?.();
});
