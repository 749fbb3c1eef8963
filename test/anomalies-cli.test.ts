/**
 * End to end through the CLI: one-class training (`--only-class`), detectors fitted once and
 * reused from the run directory, `--score all`, PyOD's contamination threshold, foreign `.npy`
 * input, and `aekit benchmark one-class|holdout` on a small labelled image folder.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { aekit, hasStackTrace } from './cli-helpers.js';

let dir: string;
let images: string;
const run = (): string => path.join(dir, 'one-class-run');

/** A 16×16 grey picture of class `c`: 0 a vertical bar, 1 a horizontal bar, 2 a diagonal, moving with `i`. */
function picture(c: number, i: number): Buffer {
  const px = Buffer.alloc(16 * 16, 20);
  for (let y = 0; y < 16; y++)
    for (let x = 0; x < 16; x++) {
      const on =
        c === 0 ? Math.abs(x - (3 + (i % 10))) < 2 : c === 1 ? Math.abs(y - (3 + (i % 10))) < 2 : Math.abs(x - y + (i % 5) - 2) < 2;
      if (on) px[y * 16 + x] = 235;
    }
  return px;
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'aekit-anomalies-'));
  images = path.join(dir, 'images');
  for (const [split, n] of [
    ['train', 40],
    ['test', 10],
  ] as const)
    for (const [c, name] of ['vertical', 'horizontal', 'diagonal'].entries()) {
      await mkdir(path.join(images, split, name), { recursive: true });
      for (let i = 0; i < n; i++)
        await sharp(picture(c, i), { raw: { width: 16, height: 16, channels: 1 } })
          .png()
          .toFile(path.join(images, split, name, `${i}.png`));
    }
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A NumPy .npy (version 1.0) of uint8 values. */
function encodeNpy(data: Uint8Array, shape: number[]): Buffer {
  let header = `{'descr': '|u1', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const prefix = Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0, header.length & 0xff, header.length >> 8]);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(data)]);
}

function ok(r: { code: number | null; stderr: string }, what: string): void {
  assert.equal(r.code, 0, `${what}: ${r.stderr}`);
}

test('train --only-class, then anomalies fits the detector once, saves it in the run, and reuses it', async () => {
  const t = await aekit([
    'train',
    'conv',
    '--images',
    images,
    '--color',
    'grey',
    '--only-class',
    '1',
    '--epochs',
    '3',
    '--filters',
    '8,16',
    '--backend',
    'wasm',
    '--out',
    run(),
  ]);
  ok(t, 'train');
  const metrics = JSON.parse(await readFile(path.join(run(), 'metrics.json'), 'utf8'));
  assert.deepEqual(metrics.options.onlyClass, [1]);
  assert.deepEqual([metrics.data.train, metrics.data.valid], [40, 10], 'train/horizontal, and validation from test/horizontal');
  const first = await aekit(['anomalies', run(), '--backend', 'wasm']);
  ok(first, 'anomalies');
  assert.match(first.stdout, /fitting the latent-knn\+latent-mahalanobis detector on 40 training samples/);
  assert.match(
    first.stdout,
    /threshold \S+ \(latent-knn\+latent-mahalanobis\): the 99th percentile of 10 validation scores \(the classes the run was trained on\)/,
  );
  const auc =
    /ROC AUC for detecting every class but 1 horizontal \(the classes this run was not trained on \(--only-class\)\) among 30 test samples: (\d\.\d+)/.exec(
      first.stdout,
    );
  assert.ok(auc, first.stdout);
  assert.ok(Number(auc[1]) > 0.8, `bars of another direction are anomalies: ROC AUC ${auc[1]}`);
  const saved = JSON.parse(await readFile(path.join(run(), 'detectors', 'latent-knn+latent-mahalanobis', 'detector.json'), 'utf8'));
  assert.equal(saved.score, 'latent-knn+latent-mahalanobis');
  assert.ok(saved.mahalanobis.shrinkage >= 0 && saved.mahalanobis.shrinkage <= 1);
  assert.equal(saved.referenceCount, 40);
  const second = await aekit(['anomalies', run(), '--backend', 'wasm']);
  ok(second, 'anomalies again');
  assert.doesNotMatch(second.stdout, /fitting/);
  assert.equal(/ROC AUC[^\n]*: (\d\.\d+)/.exec(second.stdout)?.[1], auc[1], 'the saved detector scores as the fitted one');
  const summary = JSON.parse(await readFile(path.join(run(), 'anomalies', 'summary.json'), 'utf8'));
  assert.equal(summary.score, 'latent-knn+latent-mahalanobis');
  assert.deepEqual(summary.onlyClassesInTraining, [1]);
});

test('anomalies --score all compares every score; --contamination uses the training scores; --input takes a .npy', async () => {
  const all = await aekit(['anomalies', run(), '--score', 'all', '--backend', 'wasm', '--out-dir', path.join(dir, 'all')]);
  ok(all, 'anomalies --score all');
  for (const s of ['mse', 'bce', 'ssim', 'latent-knn', 'latent-mahalanobis', 'rapp', 'raw-knn', 'mse+latent-knn'])
    assert.match(all.stdout, new RegExp(`\\n  ${s.replace('+', '\\+')} +[01]\\.\\d{4}`), s);
  const summary = JSON.parse(await readFile(path.join(dir, 'all', 'summary.json'), 'utf8'));
  assert.ok(summary.scores.length >= 8 && summary.scores.every((s: { rocAuc: number }) => s.rocAuc >= 0 && s.rocAuc <= 1));
  assert.ok(!summary.scores.some((s: { score: string }) => s.score === 'elbo'), 'elbo is for VAE runs');
  const pyod = await aekit([
    'anomalies',
    run(),
    '--score',
    'mse',
    '--contamination',
    '0.1',
    '--backend',
    'wasm',
    '--out-dir',
    path.join(dir, 'c'),
  ]);
  ok(pyod, 'anomalies --contamination');
  assert.match(pyod.stdout, /threshold \S+ \(mse\): the 90% quantile of 40 training scores \(contamination 0\.1\)/);
  // Foreign data: 3 images as a uint8 .npy of the run's sample shape.
  const bytes = new Uint8Array(3 * 16 * 16);
  for (let i = 0; i < 3; i++) bytes.set(picture(i, 4), i * 256);
  await writeFile(path.join(dir, 'three.npy'), encodeNpy(bytes, [3, 16, 16]));
  const foreign = await aekit([
    'anomalies',
    run(),
    '--input',
    path.join(dir, 'three.npy'),
    '--backend',
    'wasm',
    '--out-dir',
    path.join(dir, 'f'),
  ]);
  ok(foreign, 'anomalies --input .npy');
  const csv = (await readFile(path.join(dir, 'f', 'scores.csv'), 'utf8')).trim().split('\n');
  assert.equal(csv[0], 'index,file,score,anomaly');
  assert.equal(csv.length, 4);
  const scores = csv.slice(1).map((l) => Number(l.split(',')[2]));
  assert.ok(scores[1] < scores[0] && scores[1] < scores[2], `the horizontal bar (the trained class) scores lowest: ${scores}`);
  assert.ok(existsSync(path.join(dir, 'f', 'worst.png')));
  await writeFile(path.join(dir, 'bad.npy'), encodeNpy(new Uint8Array(2 * 10), [2, 10]));
  const bad = await aekit(['anomalies', run(), '--input', path.join(dir, 'bad.npy')]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--input '.*bad\.npy': expected an array of \[n, 16, 16\] \(the run's samples\), found \[2, 10\]/);
  assert.ok(!hasStackTrace(bad.stderr));
  const both = await aekit(['anomalies', run(), '--contamination', '0.1', '--threshold', '3']);
  assert.match(both.stderr, /--contamination and --threshold X: give one of them/);
  const refused = await aekit([
    'train',
    'conv',
    '--images',
    images,
    '--only-class',
    '1',
    '--exclude-class',
    '0',
    '--out',
    path.join(dir, 'x'),
  ]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /--only-class and --exclude-class both given: give one of them/);
  assert.ok(!existsSync(path.join(dir, 'x')), 'nothing written');
  const range = await aekit(['train', 'conv', '--images', images, '--only-class', '5', '--out', path.join(dir, 'y')]);
  assert.match(range.stderr, /--only-class: expected class indices 0–2 \(0 diagonal, 1 horizontal, 2 vertical\), got 5/);
});

test('train --normalize gcn records it; anomalies --input normalises foreign images the same way (contrast no longer counts)', async () => {
  const gcnRun = path.join(dir, 'gcn-run');
  const t = await aekit([
    'train',
    'conv',
    '--images',
    images,
    '--color',
    'grey',
    '--normalize',
    'gcn',
    '--only-class',
    '1',
    '--epochs',
    '1',
    '--filters',
    '8,16',
    '--backend',
    'wasm',
    '--out',
    gcnRun,
  ]);
  ok(t, 'train --normalize gcn');
  const metrics = JSON.parse(await readFile(path.join(gcnRun, 'metrics.json'), 'utf8'));
  assert.equal(metrics.data.spec.normalize, 'gcn');
  // The three pictures, then the same at half the contrast and darker: one affine map of the
  // pixels, which global contrast normalisation undoes, so each pair scores alike.
  const bytes = new Uint8Array(6 * 256);
  for (let i = 0; i < 3; i++) {
    const p = picture(i, 4);
    bytes.set(p, i * 256);
    bytes.set(
      p.map((v) => 10 + (v - 20) / 2),
      (i + 3) * 256,
    );
  }
  await writeFile(path.join(dir, 'contrast.npy'), encodeNpy(bytes, [6, 16, 16]));
  const out = path.join(dir, 'gcn-f');
  const r = await aekit([
    'anomalies',
    gcnRun,
    '--input',
    path.join(dir, 'contrast.npy'),
    '--score',
    'mse',
    '--backend',
    'wasm',
    '--out-dir',
    out,
  ]);
  ok(r, 'anomalies --input on a gcn run');
  const scores = (await readFile(path.join(out, 'scores.csv'), 'utf8'))
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => Number(l.split(',')[2]));
  for (let i = 0; i < 3; i++)
    assert.ok(
      Math.abs(scores[i] - scores[i + 3]) <= 0.02 * scores[i] + 1e-4,
      `picture ${i}: ${scores[i]} vs its low-contrast copy ${scores[i + 3]}`,
    );
  const refused = await aekit(['train', 'conv', '--normalize', 'gcn', '--out', path.join(dir, 'n')]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /--normalize applies to --images data only: give --images too/);
  assert.ok(!hasStackTrace(refused.stderr));
});

test('benchmark one-class and holdout on an image folder: results.json, results.md and roc.png per protocol', async () => {
  const out = path.join(dir, 'bench');
  const r = await aekit([
    'benchmark',
    'one-class',
    '--dataset',
    'images',
    '--images',
    images,
    '--epochs',
    '2',
    '--score',
    'all',
    '--classes',
    '0,2',
    '--backend',
    'wasm',
    '--out',
    out,
  ]);
  ok(r, 'benchmark one-class');
  const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
  assert.equal(results.benchmark, 'one-class');
  assert.equal(results.protocol, 'test');
  assert.equal(results.complete, true);
  assert.equal(results.score, 'latent-knn+latent-mahalanobis');
  assert.deepEqual(
    results.classes.map((c: { class: number; name: string }) => [c.class, c.name]),
    [
      [0, 'diagonal'],
      [2, 'vertical'],
    ],
  );
  assert.ok(Math.abs(results.mean_auc - (results.classes[0].auc + results.classes[1].auc) / 2) < 1e-12);
  for (const s of ['mse', 'latent-knn', 'raw-knn', 'latent-knn+latent-mahalanobis']) assert.ok(results.all_scores[s].mean_auc >= 0, s);
  assert.equal(results.seconds.per_class.length, 2);
  const md = await readFile(path.join(out, 'results.md'), 'utf8');
  assert.match(md, /\| 0 diagonal \|/);
  assert.match(md, /ROC AUC \(%\) per class and score/);
  assert.doesNotMatch(md, /Published means/, 'published numbers are for Fashion-MNIST and CIFAR-10 only');
  const png = await sharp(path.join(out, 'roc.png')).metadata();
  assert.equal(png.format, 'png');
  const holdout = await aekit([
    'benchmark',
    'holdout',
    '--dataset',
    'images',
    '--images',
    images,
    '--epochs',
    '1',
    '--classes',
    '1',
    '--protocol',
    'dev',
    '--backend',
    'wasm',
    '--out',
    path.join(dir, 'hold'),
  ]);
  ok(holdout, 'benchmark holdout');
  const h = JSON.parse(await readFile(path.join(dir, 'hold', 'results.json'), 'utf8'));
  assert.equal(h.benchmark, 'holdout');
  assert.equal(h.protocol, 'dev');
  assert.deepEqual(Object.keys(h.all_scores).sort(), ['latent-knn+latent-mahalanobis', 'raw-knn']);
  assert.match(holdout.stdout, /all but class 1 horizontal: training on \d+ images/);
  const bad = await aekit(['benchmark', 'one-class', '--dataset', 'images', '--out', path.join(dir, 'z')]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--dataset images needs --images DIR/);
  const wrongModel = await aekit([
    'benchmark',
    'one-class',
    '--dataset',
    'images',
    '--images',
    images,
    '--model',
    'conv1d',
    '--out',
    path.join(dir, 'w'),
  ]);
  assert.equal(wrongModel.code, 1);
  assert.match(wrongModel.stderr, /the conv1d model takes series windows \[window, features\] .*found images samples of shape \[16, 16/);
  assert.ok(!hasStackTrace(wrongModel.stderr));
  assert.ok(!existsSync(path.join(dir, 'w', 'results.json')), 'nothing trained, no results');
});
