/**
 * `aekit serve` and `aekit export` end to end: tiny conv, VAE and table runs are trained through
 * the CLI in child processes, served (`aekit serve --port 0`, or exported and handed out by a
 * small static server) and opened in headless Chromium (playwright-core with Debian's
 * /usr/bin/chromium). The page must load the model, show a dropped PNG's reconstruction with the
 * MSE Node computes (≤ 1e-4), page through validation images, show thumbnails on the map, change
 * a VAE's generated image when a slider moves, show a table row's per-feature errors, and log no
 * errors. Screenshots are kept in test-artifacts/serve/. Without Chromium the page tests fail
 * saying what to install, unless AEKIT_SKIP_BROWSER=1 makes them skip visibly; without the real
 * Fashion-MNIST (Debian's dataset-fashion-mnist) they fail unless AEKIT_SKIP_REAL_DATA=1.
 * Needs `npm run build`.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { loadModel, useBackend } from 'aekit';
import { decodeImage } from 'aekit/data';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { aekit, CLI, hasStackTrace } from './cli-helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'serve');
const SYSTEM_DIR = '/usr/share/datasets/fashion-mnist';
const CHROMIUM = '/usr/bin/chromium';
const SKIP_PAGES = !existsSync(CHROMIUM) && process.env.AEKIT_SKIP_BROWSER === '1' ? `AEKIT_SKIP_BROWSER=1 and no ${CHROMIUM}` : false;
const SKIP_DATA =
  !existsSync(SYSTEM_DIR) && process.env.AEKIT_SKIP_REAL_DATA === '1' ? `AEKIT_SKIP_REAL_DATA=1 and no ${SYSTEM_DIR}` : false;
const SKIP = SKIP_PAGES || SKIP_DATA;
const TOLERANCE = 1e-4;

let dir: string;
const runs = { conv: '', vae: '', table: '' };
let trained: Promise<void>;
let browser: Browser | undefined;

/** Trains the three runs at once (children of this process). */
async function trainAll(): Promise<void> {
  const csv = path.join(dir, 'rows.csv');
  const lines = ['a,b,c,d,label'];
  for (let i = 0; i < 90; i++) {
    const t = (i * 0.6180339) % 1;
    lines.push(
      `${t.toFixed(4)},${(2 * t + 0.1 * Math.sin(i)).toFixed(4)},${Math.sin(3 * t).toFixed(4)},${((i * 0.37) % 1).toFixed(4)},${i % 3 ? 'x' : 'y'}`,
    );
  }
  await writeFile(csv, `${lines.join('\n')}\n`);
  const common = ['--epochs', '1', '--backend', 'wasm'];
  const results = await Promise.all([
    aekit(['train', 'conv', '--limit', '200', ...common, '--out', runs.conv]),
    aekit(['train', 'vae', '--limit', '200', ...common, '--out', runs.vae]),
    aekit(['train', 'dense', '--table', csv, '--label-column', 'label', ...common, '--out', runs.table]),
  ]);
  for (const r of results) assert.equal(r.code, 0, r.stderr);
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'aekit-serve-'));
  for (const k of Object.keys(runs) as Array<keyof typeof runs>) runs[k] = path.join(dir, k);
  await mkdir(ARTIFACTS, { recursive: true });
  await useBackend('cpu');
  trained = SKIP ? Promise.resolve() : trainAll();
  trained.catch(() => {}); // awaited by each test
});

after(async () => {
  await browser?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

function needs(): void {
  if (!existsSync(SYSTEM_DIR))
    assert.fail(`real Fashion-MNIST missing at ${SYSTEM_DIR}: apt-get install -y dataset-fashion-mnist (or set AEKIT_SKIP_REAL_DATA=1)`);
  if (!existsSync(CHROMIUM))
    assert.fail(`${CHROMIUM} missing: apt-get install -y chromium (or set AEKIT_SKIP_BROWSER=1 to skip the page tests)`);
}

async function chromium(): Promise<Browser> {
  if (browser !== undefined) return browser;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
  });
  return browser;
}

/** `aekit serve RUN --port 0` running, with the URL it printed. */
interface Served {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
}

function serve(run: string, extra: string[] = []): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', run, '--port', '0', '--backend', 'wasm', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`aekit serve printed no URL in 180 s: ${stdout} ${stderr}`)), 180_000);
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
      if (m !== null) {
        clearTimeout(timer);
        resolve({ child, url: m[1], stdout: () => stdout, stderr: () => stderr });
      }
    });
    child.on('close', (code) => reject(new Error(`aekit serve exited ${code}: ${stderr}`)));
  });
}

/** Sends SIGINT and expects a clean exit (code 0, "stopped" printed). */
async function stop(s: Served): Promise<void> {
  const code = await new Promise<number | null>((resolve) => {
    s.child.removeAllListeners('close');
    s.child.on('close', resolve);
    s.child.kill('SIGINT');
  });
  assert.equal(code, 0, `aekit serve exits 0 on Ctrl-C: ${s.stderr()}`);
  assert.match(s.stdout(), /SIGINT: stopped serving/);
}

/** Opens the page, collecting console errors and page errors, and waits until it is ready. */
async function openPage(url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await (await chromium()).newPage({ viewport: { width: 1150, height: 900 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  const response = await page.goto(url, { waitUntil: 'load' });
  assert.equal(response?.status(), 200);
  await page.waitForFunction(() => document.body.dataset.state !== 'loading', null, { timeout: 120_000 });
  const state = await page.evaluate(() => [document.body.dataset.state, document.getElementById('status')?.textContent]);
  assert.equal(state[0], 'ready', `the page started: ${state[1]} ${errors.join('\n')}`);
  return { page, errors };
}

/** The pixels of a canvas of the page as grey levels (its red channel). */
function canvasGrey(page: Page, selector: string): Promise<number[]> {
  return page.$eval(selector, (c) => {
    const canvas = c as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    return Array.from({ length: data.length / 4 }, (_, i) => data[4 * i]);
  });
}

/** Node's reconstruction and MSE of flat samples (cpu backend, the run's saved model). */
function reconstructInNode(model: LayersModel, x: Float32Array, n: number): { y: Float32Array; mse: number[] } {
  const shape = model.inputs[0].shape.slice(1) as number[];
  const per = x.length / n;
  return tf.tidy(() => {
    const y = (model.predict(tf.tensor(x, [n, ...shape])) as tf.Tensor).dataSync() as Float32Array;
    const mse = Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let j = i * per; j < (i + 1) * per; j++) s += (y[j] - x[j]) ** 2;
      return s / per;
    });
    return { y: Float32Array.from(y), mse };
  });
}

/** What the tests read of run.json (src/serve/site.ts's SiteInfo). */
interface Info {
  data: { classes: string[] | null; features: string[] | null };
  samples: { count: number; dtype: 'uint8' | 'float32'; labels: number[] | null };
  map: { x: number[]; y: number[] };
}

/** The site's samples.bin and run.json as served. */
async function siteData(url: string): Promise<{ info: Info; samples: Float32Array }> {
  const info = (await (await fetch(`${url}run.json`)).json()) as Info;
  const bytes = new Uint8Array(await (await fetch(`${url}samples.bin`)).arrayBuffer());
  const samples = info.samples.dtype === 'uint8' ? Float32Array.from(bytes, (v) => v / 255) : new Float32Array(bytes.buffer);
  return { info, samples };
}

test(
  'aekit serve (conv run): a dropped PNG is reconstructed with the MSE Node computes; validation pages, the map and Ctrl-C work',
  { skip: SKIP },
  async (t) => {
    needs();
    await trained;
    const served = await serve(runs.conv);
    try {
      assert.match(served.stdout(), /built the page of conv \(conv\): 200 of 5000 validation samples, a PCA map, anomaly threshold/);
      const { page, errors } = await openPage(served.url);
      const model = await loadModel(path.join(runs.conv, 'model'));

      // A Fashion-MNIST test image (the 4th: a pair of trousers) as a 28×28 grey PNG, dropped through the file input.
      const idx = gunzipSync(await readFile(path.join(SYSTEM_DIR, 't10k-images-idx3-ubyte.gz')));
      const png = path.join(dir, 'trousers.png');
      await sharp(Buffer.from(idx.subarray(16 + 3 * 784, 16 + 4 * 784)), { raw: { width: 28, height: 28, channels: 1 } })
        .png()
        .toFile(png);
      await page.setInputFiles('#file-input', png);
      await page.waitForSelector('#try-mse[data-value]');
      const { data: pixels } = await decodeImage(await readFile(png), 'trousers.png', { colour: 'grey', size: { height: 28, width: 28 } });
      const node = reconstructInNode(model, pixels, 1);
      const shown = Number(await page.getAttribute('#try-mse', 'data-value'));
      t.diagnostic(`dropped PNG: page MSE ${shown}, Node MSE ${node.mse[0]}`);
      assert.ok(Math.abs(shown - node.mse[0]) <= TOLERANCE, `page MSE ${shown} vs Node ${node.mse[0]}`);
      assert.match((await page.textContent('#try-mse')) ?? '', /^MSE \d/);
      const recon = await canvasGrey(page, '#try-output');
      assert.equal(recon.length, 784);
      const worst = recon.reduce((m, v, i) => Math.max(m, Math.abs(v - Math.round(255 * Math.min(1, Math.max(0, node.y[i]))))), 0);
      assert.ok(worst <= 1, `the reconstruction drawn is Node's (largest difference ${worst} grey levels)`);
      assert.deepEqual(
        await canvasGrey(page, '#try-input'),
        Array.from(pixels, (v) => Math.round(255 * v)),
        'the input drawn is the PNG',
      );
      assert.match((await page.textContent('#try-verdict')) ?? '', /(above|below) the anomaly threshold/);

      // Validation pages: ten images a page, their MSEs as Node finds them.
      const { info, samples } = await siteData(served.url);
      assert.equal(info.samples.count, 200);
      assert.equal(info.map.x.length, 200);
      const valid = reconstructInNode(model, samples.subarray(0, 20 * 784), 20);
      const pageOf = async () =>
        page.$$eval('#valid-grid figure', (fs) =>
          fs.map((f) => [Number((f as HTMLElement).dataset.index), Number((f as HTMLElement).dataset.mse)]),
        );
      const first = await pageOf();
      assert.deepEqual(
        first.map(([i]) => i),
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      );
      assert.match((await page.textContent('#valid-range')) ?? '', /^1–10 of 200/);
      await page.click('#valid-next');
      const second = await pageOf();
      assert.deepEqual(
        second.map(([i]) => i),
        [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
      );
      assert.match((await page.textContent('#valid-range')) ?? '', /^11–20 of 200/);
      for (const [i, e] of [...first, ...second])
        assert.ok(Math.abs(e - valid.mse[i]) <= TOLERANCE, `validation #${i}: page ${e}, Node ${valid.mse[i]}`);
      assert.equal(await page.locator('#valid-grid canvas').count(), 20, 'each image and its reconstruction');

      // The map: hovering point 0 shows its thumbnail.
      const box = (await page.locator('#map').boundingBox())!;
      const px = (v: number[], k: number, flip: boolean) => {
        const lo = Math.min(...v);
        const f = (v[k] - lo) / (Math.max(...v) - lo);
        return 12 + (flip ? 1 - f : f) * (480 - 24);
      };
      await page.locator('#map').scrollIntoViewIfNeeded();
      const at = (await page.locator('#map').boundingBox())!;
      await page.mouse.move(at.x + (px(info.map.x, 0, false) * box.width) / 480, at.y + (px(info.map.y, 0, true) * box.height) / 480);
      await page.waitForSelector('#map-tip:not([hidden])');
      const tipped = Number(await page.getAttribute('#map-tip', 'data-index'));
      const d = Math.hypot(
        px(info.map.x, tipped, false) - px(info.map.x, 0, false),
        px(info.map.y, tipped, true) - px(info.map.y, 0, true),
      );
      assert.ok(d <= 12, `the tip shows a point under the mouse (#${tipped}, ${d.toFixed(1)} px away)`);
      assert.equal(await page.locator('#map-tip canvas').count(), 1, 'with its thumbnail');
      assert.match(
        (await page.textContent('#map-tip')) ?? '',
        new RegExp(`#${tipped} ${info.data.classes![info.samples.labels![tipped]].replace('/', '\\/')}`),
      );

      await page.screenshot({ path: path.join(ARTIFACTS, 'conv.png'), fullPage: true });
      assert.deepEqual(errors, [], 'the page logged no errors');
      await page.close();
    } finally {
      await stop(served);
    }
  },
);

test(
  'aekit serve (VAE run): moving a latent slider changes the generated image; interpolation draws 9 images',
  { skip: SKIP },
  async () => {
    needs();
    await trained;
    const served = await serve(runs.vae);
    try {
      const { page, errors } = await openPage(served.url);
      assert.equal(await page.locator('#latent').isVisible(), true);
      assert.equal(await page.locator('#sliders input[type=range]').count(), 10, 'one slider per coding (10)');
      const before = await canvasGrey(page, '#latent-output');
      assert.equal(before.length, 784);
      const old = Number(await page.inputValue('#z0'));
      await page.fill('#z0', old > 0 ? '-2.5' : '2.5');
      await page.waitForFunction(
        ([sel, was]) => {
          const c = document.querySelector(sel) as HTMLCanvasElement;
          const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          return Array.from({ length: d.length / 4 }, (_, i) => d[4 * i]).join(',') !== was;
        },
        ['#latent-output', before.join(',')] as const,
        { timeout: 10_000 },
      );
      const changed = await canvasGrey(page, '#latent-output');
      const differing = changed.filter((v, i) => v !== before[i]).length;
      assert.ok(differing > 10, `the slider changed ${differing} of 784 pixels`);
      assert.equal(await page.locator('#interp-strip canvas').count(), 9);
      await page.screenshot({ path: path.join(ARTIFACTS, 'vae.png'), fullPage: true });
      assert.deepEqual(errors, [], 'the page logged no errors');
      await page.close();
    } finally {
      await stop(served);
    }
  },
);

test('aekit serve (table run): a row shows its per-feature errors as Node computes them; rows page', { skip: SKIP }, async () => {
  needs();
  await trained;
  const served = await serve(runs.table);
  try {
    const { page, errors } = await openPage(served.url);
    assert.equal(await page.locator('#try').isVisible(), false, 'no image input for a table');
    const { info, samples } = await siteData(served.url);
    assert.deepEqual(info.data.features, ['a', 'b', 'c', 'd']);
    assert.equal(info.samples.dtype, 'float32');
    const model = await loadModel(path.join(runs.table, 'model'));
    const node = reconstructInNode(model, samples.subarray(0, 8), 2);
    for (const row of [0, 1]) {
      const cells = await page.$$eval('#row-table tbody tr', (trs) =>
        trs.map((tr) => [tr.children[0].textContent, Number((tr as HTMLElement).dataset.error)] as const),
      );
      assert.deepEqual(
        cells.map(([name]) => name),
        ['a', 'b', 'c', 'd'],
      );
      cells.forEach(([name, e], j) => {
        const want = (samples[row * 4 + j] - node.y[row * 4 + j]) ** 2;
        assert.ok(Math.abs(e - want) <= TOLERANCE, `row ${row} ${name}: page ${e}, Node ${want}`);
      });
      assert.ok(Math.abs(Number(await page.getAttribute('#row-mse', 'data-value')) - node.mse[row]) <= TOLERANCE);
      assert.equal(await page.locator('#row-chart svg rect').count(), 4, 'a bar per feature');
      assert.match((await page.textContent('#row-label')) ?? '', new RegExp(`^#${row} \\((x|y)\\)`));
      if (row === 0) {
        await page.screenshot({ path: path.join(ARTIFACTS, 'table.png'), fullPage: true });
        await page.click('#row-next');
      }
    }
    assert.deepEqual(errors, [], 'the page logged no errors');
    await page.close();
  } finally {
    await stop(served);
  }
});

test('aekit export writes the same site for a static host; a non-empty --out is refused without --overwrite', { skip: SKIP }, async () => {
  needs();
  await trained;
  const out = path.join(dir, 'site');
  const r = await aekit(['export', runs.conv, '--out', out, '--backend', 'wasm']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /wrote .*site: \d+ files/);
  const names = (await readdir(out, { recursive: true })).sort();
  for (const f of [
    'index.html',
    'app.js',
    'style.css',
    'aekit-layers.min.js',
    'run.json',
    'samples.bin',
    'model/model.json',
    'tfjs/tf-core.min.js',
  ])
    assert.ok(names.includes(f), `${f} exported (${names.join(' ')})`);
  assert.deepEqual(
    (await readdir(dir)).filter((n) => n.includes('staging') || n.includes('.old-')),
    [],
    'no staging directory is left',
  );
  const again = await aekit(['export', runs.conv, '--out', out, '--backend', 'wasm']);
  assert.equal(again.code, 1);
  assert.match(
    again.stderr,
    /^aekit: --out '.*site' is not empty \(it holds .*\): expected a new or empty directory; set --overwrite to replace it\n$/,
  );
  assert.ok(!hasStackTrace(again.stderr));

  // Any static server will do: this one maps URLs to files.
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };
  const server: Server = createServer((req, res) => {
    const name = new URL(req.url ?? '/', 'http://x').pathname.slice(1) || 'index.html';
    readFile(path.join(out, name)).then(
      (body) => res.writeHead(200, { 'content-type': types[path.extname(name)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { page, errors } = await openPage(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    assert.equal(await page.locator('#valid-grid figure').count(), 10);
    assert.equal(await page.title(), 'aekit: conv (conv)');
    assert.deepEqual(errors, [], 'the exported page logged no errors');
    await page.close();
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  const replaced = await aekit(['export', runs.conv, '--out', out, '--overwrite', '--samples', '30', '--backend', 'wasm']);
  assert.equal(replaced.code, 0, replaced.stderr);
  assert.equal(JSON.parse(await readFile(path.join(out, 'run.json'), 'utf8')).samples.count, 30, 'the new site replaced the old one');
});

test('bad input gets one line naming the argument: a missing run, a busy --port, --out inside the run', { skip: SKIP_DATA }, async () => {
  await trained;
  const missing = await aekit(['serve', path.join(dir, 'no-such-run')]);
  assert.equal(missing.code, 1);
  assert.match(
    missing.stderr,
    /^aekit: '.*no-such-run\/metrics\.json' does not exist: RUN_DIR must be a directory written by 'aekit train'\n$/,
  );
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const port = (busy.address() as AddressInfo).port;
  try {
    const r = await aekit(['serve', runs.table, '--port', String(port), '--backend', 'wasm']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `aekit: --port ${port}: another program listens on 127.0.0.1:${port} (EADDRINUSE): expected a free port; choose another --port (0 takes any free one)\n`,
    );
  } finally {
    await new Promise((resolve) => busy.close(resolve));
  }
  const inside = await aekit(['export', runs.table, '--out', runs.table]);
  assert.equal(inside.code, 1);
  assert.match(inside.stderr, /^aekit: --out '.*table' holds the run '.*table' itself: expected a directory outside the run\n$/);
  const port70k = await aekit(['serve', runs.table, '--port', '70000']);
  assert.equal(port70k.code, 1);
  assert.match(port70k.stderr, /--port.*expected a port number 0–65535, got '70000'/);
});
