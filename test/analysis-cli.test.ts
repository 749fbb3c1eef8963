/**
 * End to end: a tiny conv run trained without class 7, then `aekit encode`, `map`, `anomalies` and
 * `report` on it through the CLI, and the report opened in headless Chromium (playwright-core with
 * Debian's /usr/bin/chromium), which must render its charts and images. A screenshot is kept in
 * test-artifacts/report.png.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { aekit, hasStackTrace } from './cli-helpers.js';

const SYSTEM_DIR = '/usr/share/datasets/fashion-mnist';
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'test-artifacts');
let dir: string;
let run: string;
let trained = false;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'aekit-analysis-'));
  run = path.join(dir, 'run');
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function needData(t: { skip: (m: string) => void }): boolean {
  if (existsSync(SYSTEM_DIR)) return true;
  if (process.env.AEKIT_SKIP_REAL_DATA === '1') {
    t.skip('AEKIT_SKIP_REAL_DATA=1 and no real data');
    return false;
  }
  assert.fail(`real Fashion-MNIST missing at ${SYSTEM_DIR}: apt-get install -y dataset-fashion-mnist (or set AEKIT_SKIP_REAL_DATA=1)`);
}

/** Width and height of a PNG file, which must be one. */
async function readPng(file: string): Promise<{ width: number; height: number }> {
  const meta = await sharp(file).metadata();
  assert.equal(meta.format, 'png', file);
  return { width: meta.width, height: meta.height };
}

test('train --exclude-class 7 writes curves.png and records the class', async (t) => {
  if (!needData(t)) return;
  const r = await aekit(['train', 'conv', '--epochs', '1', '--limit', '300', '--exclude-class', '7', '--backend', 'wasm', '--out', run]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /excluding|curves\.png/);
  const metrics = JSON.parse(await readFile(path.join(run, 'metrics.json'), 'utf8'));
  assert.equal(metrics.options.excludeClass, 7);
  assert.equal(metrics.data.valid, 5000 - 450, 'the validation split loses its 450 sneakers');
  const curves = await readPng(path.join(run, 'curves.png'));
  assert.ok(curves.width > 100);
  trained = true;
});

test('encode writes CSV and .npy codings with the label first', async (t) => {
  if (!trained) {
    t.skip('no run');
    return;
  }
  const csv = path.join(dir, 'c.csv');
  const r = await aekit(['encode', run, '--split', 'test', '--limit', '40', '--batch-size', '16', '--backend', 'wasm', '--out', csv]);
  assert.equal(r.code, 0, r.stderr);
  const lines = (await readFile(csv, 'utf8')).trim().split('\n');
  assert.equal(lines.length, 41);
  assert.equal(lines[0].split(',').length, 1 + 576);
  assert.match(lines[1], /^9,/, 'the first test image is an ankle boot');
  const npy = path.join(dir, 'c.npy');
  assert.equal((await aekit(['encode', run, '--limit', '10', '--backend', 'wasm', '--out', npy])).code, 0);
  assert.equal((await readFile(npy)).length, 128 + 10 * 577 * 4);
  const bad = await aekit(['encode', run, '--out', path.join(dir, 'c.txt'), '--backend', 'wasm']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--out .*c\.txt': expected a file name ending in \.csv or \.npy/);
  assert.ok(!hasStackTrace(bad.stderr));
});

test('map: PCA with thumbnails, then t-SNE with progress, k-NN accuracies, CSV and JSON', async (t) => {
  if (!trained) {
    t.skip('no run');
    return;
  }
  const r = await aekit(['map', run, '--method', 'pca', '--count', '300', '--thumbnails', '--backend', 'wasm']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /5-NN accuracy \(leave-one-out\): codings 0\.\d+, 2-D map 0\.\d+, raw pixels 0\.\d+/);
  for (const f of ['map-pca.png', 'map-pca-thumbnails.png']) assert.ok((await readPng(path.join(run, f))).width > 600, f);
  const csv = (await readFile(path.join(run, 'map-pca.csv'), 'utf8')).trim().split('\n');
  assert.equal(csv.length, 301);
  assert.equal(csv[0], 'index,label,x,y');
  const out = path.join(run, 'map-tsne.png');
  const s = await aekit([
    'map',
    run,
    '--method',
    'tsne',
    '--count',
    '200',
    '--iterations',
    '250',
    '--no-raw',
    '--out',
    out,
    '--backend',
    'wasm',
  ]);
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stderr, /t-SNE on 200 codings: 250\/250 \(100%/, 'progress lines on stderr');
  const info = JSON.parse(await readFile(path.join(run, 'map-tsne.json'), 'utf8'));
  assert.equal(info.method, 'tsne');
  assert.ok(info.knnAccuracy.map > 0.2 && info.knnAccuracy.codings > 0.2);
  assert.equal(info.knnAccuracy.rawPixels, null);
  const bad = await aekit(['map', run, '--method', 'isomap']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /expected one of tsne, umap, pca, got 'isomap'/);
});

test('anomalies: threshold from validation errors, pictures, ROC AUC for the held-out class', async (t) => {
  if (!trained) {
    t.skip('no run');
    return;
  }
  const r = await aekit(['anomalies', run, '--split', 'valid', '--worst', '12', '--backend', 'wasm']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /threshold \S+ \(latent-knn\+latent-mahalanobis\): the 99th percentile of 4550 validation scores \(the classes the run was trained on\)/,
  );
  assert.match(
    r.stdout,
    /ROC AUC for detecting class 7 Sneaker \(the class this run was trained without\) among 5000 valid samples: [01]\.\d{4}/,
  );
  const summary = JSON.parse(await readFile(path.join(run, 'anomalies', 'summary.json'), 'utf8'));
  assert.equal(summary.count, 5000);
  assert.equal(summary.worst.length, 12);
  assert.ok(summary.rocAuc >= 0 && summary.rocAuc <= 1);
  for (const f of ['worst.png', 'histogram.png']) assert.ok((await readPng(path.join(run, 'anomalies', f))).width > 100, f);
  assert.equal((await readFile(path.join(run, 'anomalies', 'scores.csv'), 'utf8')).trim().split('\n').length, 5001);
  const inputDir = path.join(dir, 'pngs');
  await mkdir(inputDir, { recursive: true });
  for (const [name, level] of [
    ['dark.png', 0],
    ['bright.jpg', 255],
  ] as const) {
    const image = sharp({ create: { width: 28, height: 28, channels: 3, background: { r: level, g: level, b: level } } });
    await writeFile(path.join(inputDir, name), await (name.endsWith('.png') ? image.png() : image.jpeg()).toBuffer());
  }
  const fixed = await aekit([
    'anomalies',
    run,
    '--input',
    inputDir,
    '--score',
    'mse',
    '--threshold',
    '0.2',
    '--out-dir',
    path.join(dir, 'fixed'),
    '--backend',
    'wasm',
  ]);
  assert.equal(fixed.code, 0, fixed.stderr);
  assert.match(fixed.stdout, /threshold 0\.2000 \(mse\): given with --threshold/);
  assert.match(fixed.stdout, /1 of 2 images above the threshold \(50\.0%\); the worst:\n {2}bright\.jpg: /);
  const bad = await aekit(['anomalies', run, '--input', path.join(dir, 'nowhere')]);
  assert.equal(bad.code, 1);
  assert.match(
    bad.stderr,
    /--input '.*nowhere': expected a directory of 28×28 images \(PNG, JPEG, WebP\) or an IDX image file, but it does not exist/,
  );
  assert.ok(!hasStackTrace(bad.stderr));
  const badThreshold = await aekit(['anomalies', run, '--threshold', 'high']);
  assert.match(badThreshold.stderr, /expected 'auto' or a number ≥ 0, got 'high'/);
});

test('report: one self-contained HTML page that renders in headless Chromium', async (t) => {
  if (!trained) {
    t.skip('no run');
    return;
  }
  const r = await aekit(['report', run]);
  assert.equal(r.code, 0, r.stderr);
  const file = path.join(run, 'report.html');
  const html = await readFile(file, 'utf8');
  assert.doesNotMatch(html, /<script|<link|src="http/, 'nothing to fetch');
  if (!existsSync(CHROMIUM)) {
    if (process.env.AEKIT_SKIP_BROWSER === '1') {
      t.skip(`AEKIT_SKIP_BROWSER=1 and no ${CHROMIUM}`);
      return;
    }
    assert.fail(`${CHROMIUM} missing: apt-get install -y chromium (or set AEKIT_SKIP_BROWSER=1)`);
  }
  const { chromium } = await import('playwright-core');
  // A fresh profile directory (Chromium's --user-data-dir, which playwright takes as this argument).
  const profile = await mkdtemp(path.join(tmpdir(), 'aekit-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (req) => {
      if (!req.url().startsWith('data:') && !req.url().startsWith('file:')) requests.push(req.url());
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const state = await page.evaluate(() => ({
      svgs: Array.from(document.querySelectorAll('svg.chart')).map((s) => {
        const box = s.getBoundingClientRect();
        const series = s.querySelectorAll('polyline.series').length;
        // Lines need two epochs; every epoch also draws a marker, so count visible marks.
        const marks = Array.from(s.querySelectorAll('polyline.series, circle')).map((p) => (p as SVGGraphicsElement).getBBox());
        return { width: box.width, height: box.height, series, drawn: marks.filter((b) => b.width > 0 && b.height > 0).length };
      }),
      images: Array.from(document.images).map((i) => ({
        alt: i.alt,
        complete: i.complete,
        width: i.naturalWidth,
        height: i.naturalHeight,
      })),
      text: document.body.innerText,
    }));
    assert.ok(state.svgs.length >= 2, `charts: ${JSON.stringify(state.svgs)}`);
    for (const s of state.svgs) {
      assert.ok(s.width > 100 && s.height > 100, `chart size ${s.width}×${s.height}`);
      assert.ok(s.series >= 1 && s.drawn >= s.series, `chart series drawn: ${JSON.stringify(s)}`);
    }
    const alts = state.images.map((i) => i.alt).join(' | ');
    for (const want of [/reconstructions/, /curves\.png/, /2-D map: pca/, /2-D map: tsne/, /thumbnails/, /histogram/])
      assert.match(alts, want);
    for (const i of state.images) assert.ok(i.complete && i.width > 0 && i.height > 0, `image not rendered: ${JSON.stringify(i)}`);
    assert.match(state.text, /val_loss/);
    assert.match(state.text, /excludeClass/);
    assert.match(state.text, /conv2/, 'model summary');
    assert.deepEqual(requests, [], 'the page fetched nothing from the network');
    await mkdir(ARTIFACTS, { recursive: true });
    const shot = await page.screenshot({ path: path.join(ARTIFACTS, 'report.png'), fullPage: true });
    assert.ok((await sharp(shot).metadata()).height > 900, 'the screenshot covers the whole page');
  } finally {
    await browser.close();
    await rm(profile, { recursive: true, force: true });
  }
});
