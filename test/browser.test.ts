/**
 * aekit's models in a web page. Small untrained models of every kind are built, run and saved in
 * Node (cpu backend), then served from a local HTTP server to headless Chromium (playwright-core
 * with Debian's /usr/bin/chromium), which loads each with `aekit.loadModel(url)` and must predict
 * what Node predicted:
 *
 * - a classic page: tfjs's UMD scripts (tf-core, tf-backend-cpu, tf-layers: together one global
 *   `tf`, what tfjs's `tf.min.js` gives), then dist/browser/aekit-layers.min.js;
 * - an app that imports `aekit/browser` (dist/browser/aekit-layers.mjs) and tfjs's packages,
 *   bundled by esbuild as a bundler user would.
 *
 * Also: the bundles hold no tfjs, plain tfjs cannot load the models with custom layers (what the
 * bundle is for) but loads the conv models (aekit's Conv2D and Conv2DTranspose are saved as tfjs's
 * own classes) and predicts as Node does, and the bundle without tfjs fails with a clear error. Needs `npm run build`.
 * Without Chromium the page tests fail saying what to install, unless AEKIT_SKIP_BROWSER=1 makes
 * them skip visibly (as test/analysis-cli.test.ts does).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { loadModel, saveModel, useBackend } from 'aekit';
import {
  type Autoencoder,
  convAutoencoder,
  linearAutoencoder,
  recurrentAutoencoder,
  sparseAutoencoder,
  stackedAutoencoder,
  variationalAutoencoder,
  withInputNoise,
} from 'aekit/models';
import type { BrowserContext, Page } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = '/usr/bin/chromium';
/** Why the page tests skip: only when told to (the rule of docs/development.md), and visibly. */
const SKIP_PAGES = !existsSync(CHROMIUM) && process.env.AEKIT_SKIP_BROWSER === '1' ? `AEKIT_SKIP_BROWSER=1 and no ${CHROMIUM}` : false;
const BUNDLE = path.join(ROOT, 'dist', 'browser', 'aekit-layers.min.js');
const MODULE = path.join(ROOT, 'dist', 'browser', 'aekit-layers.mjs');
const TFJS = path.join(ROOT, 'node_modules', '@tensorflow');
/** tfjs's UMD bundles, in the order a page loads them; each adds to the one global `tf`. */
const TFJS_SCRIPTS = ['tfjs-core/dist/tf-core.min.js', 'tfjs-backend-cpu/dist/tf-backend-cpu.min.js', 'tfjs-layers/dist/tf-layers.min.js'];
/** Largest difference allowed between Node's and the page's predictions. */
const TOLERANCE = 1e-4;

/** One model kind: how to build it small, and the shape of one sample. */
interface Kind {
  name: string;
  build: () => Autoencoder;
  /** The full model samples unseeded noise (only its output shape can be compared). */
  random?: boolean;
}

const KINDS: Kind[] = [
  { name: 'conv', build: () => convAutoencoder({ inputShape: [8, 8], filters: [2, 3], seed: 1 }) },
  { name: 'conv-upsample-rgb', build: () => convAutoencoder({ inputShape: [6, 6, 3], filters: [2], decoder: 'upsample', seed: 2 }) },
  { name: 'stacked', build: () => stackedAutoencoder({ units: [6, 3], inputShape: [4, 4], seed: 3 }) },
  { name: 'stacked-tied', build: () => stackedAutoencoder({ units: [6, 3], inputShape: [4, 4], tied: true, seed: 4 }) },
  { name: 'sparse-kl', build: () => sparseAutoencoder({ codingUnits: 5, inputShape: [4, 4], seed: 5 }) },
  { name: 'sparse-l1', build: () => sparseAutoencoder({ codingUnits: 5, inputShape: [4, 4], sparsity: 'l1:0.001', seed: 6 }) },
  { name: 'denoising-gaussian', build: () => stackedAutoencoder({ units: [6, 3], inputShape: [4, 4], noise: 'gaussian:0.2', seed: 7 }) },
  {
    name: 'denoising-dropout-conv',
    build: () => withInputNoise(convAutoencoder({ inputShape: [8, 8], filters: [2], seed: 8 }), 'dropout:0.3'),
  },
  // Seeded, the Sampling layer's first call draws the same ε everywhere: the full model matches too.
  { name: 'vae', build: () => variationalAutoencoder({ codings: 2, inputShape: [4, 4], seed: 9 }) },
  // Unseeded, it samples anew: only its encoder (the means) and decoder can match.
  { name: 'vae-unseeded', build: () => variationalAutoencoder({ codings: 2, inputShape: [4, 4] }), random: true },
  { name: 'vae-conv', build: () => variationalAutoencoder({ codings: 2, inputShape: [8, 8], conv: true, seed: 10 }) },
  { name: 'recurrent', build: () => recurrentAutoencoder({ steps: 3, features: 2, units: [4, 2], seed: 11 }) },
  { name: 'linear', build: () => linearAutoencoder({ inputs: 3, codings: 2, seed: 12 }) },
];
const PARTS = ['model', 'encoder', 'decoder'] as const;
type Part = (typeof PARTS)[number];

/** What a page is asked to do with one saved model, and what Node found. */
interface Case {
  kind: string;
  part: Part;
  url: string;
  input: { values: number[]; shape: number[] };
  /** Node's and the page's outputs are random draws: compare shapes only. */
  random: boolean;
  /** Node's prediction, or the message Node's predict threw (a tied decoder saved alone). */
  node: { values: number[]; shape: number[] } | { error: string };
}
/** What the page found. */
type PageResult = { values: number[]; shape: number[] } | { error: string; name: string; code?: string };

let dir: string;
let server: Server;
let origin: string;
const cases: Case[] = [];
/** The app bundle for the ES-module page, built in `before`. */
let appScript: string;

/** `n` fixed values in [0, 1). */
function fixedValues(n: number, salt: number): number[] {
  return Array.from({ length: n }, (_, i) => (Math.sin(i * 12.9898 + salt * 78.233) * 43758.5453) % 1).map((v) => Math.abs(v));
}

function predictNode(model: LayersModel, values: number[], shape: number[]): Case['node'] {
  try {
    return tf.tidy(() => {
      const y = model.predict(tf.tensor(values, shape)) as tf.Tensor;
      return { values: Array.from(y.dataSync()), shape: y.shape };
    });
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Files the server hands out: URL path → file on disk. */
const files = new Map<string, string>();
const pages = new Map<string, string>();

function page(title: string, scripts: string[]): string {
  // the data: icon keeps Chromium from asking for /favicon.ico (a 404 would be a console error)
  const tags = scripts.map((s) => `<script src="${s}"></script>`).join('\n');
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,">\n${tags}\n</head><body></body></html>\n`;
}

before(async () => {
  for (const f of [BUNDLE, MODULE])
    assert.ok(existsSync(f), `${path.relative(ROOT, f)} missing: run npm run build (it runs scripts/build-browser.mjs)`);
  await useBackend('cpu');
  dir = await mkdtemp(path.join(tmpdir(), 'aekit-browser-'));
  for (const [k, kind] of KINDS.entries()) {
    const built = kind.build();
    const models: Record<Part, LayersModel> = { model: built.autoencoder, encoder: built.encoder, decoder: built.decoder };
    const sample = built.encoder.inputs[0].shape.slice(1) as number[];
    const x = { values: fixedValues(2 * sample.reduce((a, b) => a * b, 1), k), shape: [2, ...sample] };
    const codings = predictNode(built.encoder, x.values, x.shape);
    assert.ok('values' in codings, `${kind.name}: the encoder predicts in Node`);
    for (const part of PARTS) {
      const saved = path.join(dir, kind.name, part);
      await saveModel(models[part], saved);
      const input = part === 'decoder' ? { values: codings.values, shape: codings.shape } : x;
      // a saved tied decoder lacks its partners' kernels: Node's own loadModel gives the same failure the page must give
      const node =
        kind.name === 'stacked-tied' && part === 'decoder'
          ? predictNode(await loadModel(saved), input.values, input.shape)
          : predictNode(models[part], input.values, input.shape);
      const url = `/models/${kind.name}/${part}/model.json`;
      files.set(url, path.join(saved, 'model.json'));
      files.set(`/models/${kind.name}/${part}/weights.bin`, path.join(saved, 'weights.bin'));
      cases.push({ kind: kind.name, part, url, input, random: part === 'model' && kind.random === true, node });
    }
  }
  for (const s of TFJS_SCRIPTS) files.set(`/tfjs/${path.basename(s)}`, path.join(TFJS, s));
  files.set('/aekit-layers.min.js', BUNDLE);
  const tfjsTags = TFJS_SCRIPTS.map((s) => `/tfjs/${path.basename(s)}`);
  pages.set('/classic.html', page('tfjs + aekit-layers.min.js', [...tfjsTags, '/aekit-layers.min.js']));
  pages.set('/tfjs-only.html', page('tfjs alone', tfjsTags));
  pages.set('/aekit-only.html', page('aekit-layers.min.js without tfjs', ['/aekit-layers.min.js']));
  pages.set('/module.html', page('an app bundled with aekit/browser', ['/app.js']));
  // A bundler user's app: tfjs's packages and aekit/browser, resolved through package.json's exports.
  const esbuild = await import('esbuild');
  const app = await esbuild.build({
    stdin: {
      contents: [
        "import * as tf from '@tensorflow/tfjs-core';",
        "import '@tensorflow/tfjs-backend-cpu';",
        "import * as aekit from 'aekit/browser';",
        'globalThis.tf = tf;',
        'globalThis.aekit = aekit;',
      ].join('\n'),
      resolveDir: ROOT,
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'error',
  });
  const inputs = Object.keys(app.metafile.inputs);
  assert.ok(
    inputs.includes('dist/browser/aekit-layers.mjs'),
    `aekit/browser resolves to dist/browser/aekit-layers.mjs: ${inputs.filter((f) => !f.includes('node_modules'))}`,
  );
  appScript = app.outputFiles[0].text;
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const send = (type: string, body: string | Buffer) => {
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    };
    if (pages.has(url)) return send('text/html; charset=utf-8', pages.get(url)!);
    if (url === '/app.js') return send('text/javascript', appScript);
    const file = files.get(url);
    if (file === undefined) {
      res.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) =>
        send(url.endsWith('.json') ? 'application/json' : url.endsWith('.js') ? 'text/javascript' : 'application/octet-stream', body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** Runs `use` with a fresh headless Chromium. */
async function withBrowser(use: (context: BrowserContext) => Promise<void>): Promise<void> {
  if (!existsSync(CHROMIUM))
    assert.fail(`${CHROMIUM} missing: apt-get install -y chromium (or set AEKIT_SKIP_BROWSER=1 to skip the page tests)`);
  const { chromium } = await import('playwright-core');
  // A fresh profile directory (Chromium's --user-data-dir, which playwright takes as this argument).
  const profile = await mkdtemp(path.join(tmpdir(), 'aekit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
  try {
    await use(context);
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

/** Opens `url` in a new page and collects what it logs as errors and its uncaught errors. */
async function open(context: BrowserContext, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  const response = await page.goto(`${origin}${url}`, { waitUntil: 'load' });
  assert.equal(response?.status(), 200, url);
  return { page, errors };
}

/** In the page: loads every case's model with `aekit.loadModel` and predicts its input. */
function predictInPage(page: Page, list: Omit<Case, 'node'>[]): Promise<PageResult[]> {
  return page.evaluate(async (list) => {
    const g = globalThis as unknown as {
      tf: typeof import('@tensorflow/tfjs-core');
      aekit: typeof import('aekit/browser');
    };
    await g.tf.setBackend('cpu');
    const out: PageResult[] = [];
    for (const c of list) {
      try {
        const model = await g.aekit.loadModel(c.url);
        const x = g.tf.tensor(c.input.values, c.input.shape);
        const y = model.predict(x) as import('@tensorflow/tfjs-core').Tensor;
        out.push({ values: Array.from(y.dataSync()), shape: y.shape });
        g.tf.dispose([x, y]);
        model.dispose();
      } catch (err) {
        const e = err as Error & { code?: string };
        out.push({ error: e.message, name: e.name, ...(e.code === undefined ? {} : { code: e.code }) });
      }
    }
    return out;
  }, list);
}

/** Largest |a - b| over two equally long lists. */
function maxDiff(a: number[], b: number[]): number {
  assert.equal(a.length, b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

/** Checks the page's results against Node's and reports the largest difference of each model as a diagnostic. */
function compare(results: PageResult[], t: { diagnostic: (m: string) => void }, label: string): void {
  assert.equal(results.length, cases.length);
  const worst: string[] = [];
  for (const [i, c] of cases.entries()) {
    const r = results[i];
    const what = `${label}: ${c.kind}/${c.part}`;
    if ('error' in c.node) {
      assert.ok('error' in r, `${what}: Node's predict threw "${c.node.error}", the page's did not`);
      assert.equal(r.error, c.node.error, what);
      worst.push(`${c.kind}/${c.part} fails as in Node`);
      continue;
    }
    assert.ok(!('error' in r), `${what}: ${'error' in r ? `${r.name}: ${r.error}` : ''}`);
    assert.deepEqual(r.shape, c.node.shape, `${what}: output shape`);
    if (c.random) {
      assert.ok(r.values.every(Number.isFinite), `${what}: finite outputs`);
      worst.push(`${c.kind}/${c.part} (random) shape [${r.shape}]`);
      continue;
    }
    const d = maxDiff(r.values, c.node.values);
    assert.ok(d <= TOLERANCE, `${what}: max |page − Node| = ${d} > ${TOLERANCE}`);
    worst.push(`${c.kind}/${c.part} ${d.toExponential(1)}`);
  }
  t.diagnostic(`${label}: max |page − Node| per model: ${worst.join(', ')}`);
}

test("the bundles hold aekit's layers only, not TensorFlow.js", async () => {
  const markers: Array<[string, string]> = [
    ['tfjs-core/dist/tf-core.min.js', 'tfjsflags'],
    ['tfjs-core/dist/tf-core.min.js', 'No backend found in registry'],
    ['tfjs-layers/dist/tf-layers.min.js', 'tfjsflags'],
    ['tfjs-backend-cpu/dist/tf-backend-cpu.min.js', 'in the CPU backend'],
  ];
  const bundles = { [BUNDLE]: await readFile(BUNDLE, 'utf8'), [MODULE]: await readFile(MODULE, 'utf8') };
  for (const [file, marker] of markers) {
    assert.ok((await readFile(path.join(TFJS, file), 'utf8')).includes(marker), `${file} contains '${marker}' (the marker is real)`);
    for (const [name, text] of Object.entries(bundles))
      assert.ok(!text.includes(marker), `${path.basename(name)} contains tfjs's '${marker}'`);
  }
  const core = (await stat(path.join(TFJS, 'tfjs-core/dist/tf-core.min.js'))).size;
  const size = (await stat(BUNDLE)).size;
  assert.ok(size < 64 * 1024 && size < core / 4, `aekit-layers.min.js is ${size} bytes (tf-core.min.js alone is ${core})`);
  assert.ok((await stat(MODULE)).size < 128 * 1024, 'aekit-layers.mjs is small');
  assert.match(bundles[MODULE], /from "@tensorflow\/tfjs-core"/);
  assert.match(bundles[MODULE], /from "@tensorflow\/tfjs-layers"/);
  assert.doesNotMatch(bundles[MODULE], /tfjs-backend-cpu/, 'the page chooses its backends');
});

test('every model kind loads in Chromium with aekit-layers.min.js and predicts as in Node', { skip: SKIP_PAGES }, async (t) => {
  await withBrowser(async (context) => {
    const { page, errors } = await open(context, '/classic.html');
    const results = await predictInPage(page, cases);
    assert.deepEqual(errors, [], 'the page logged no errors');
    compare(results, t, 'aekit-layers.min.js');
  });
});

test('an app that imports aekit/browser (the ES module) loads the same models and predicts as in Node', { skip: SKIP_PAGES }, async (t) => {
  await withBrowser(async (context) => {
    const { page, errors } = await open(context, '/module.html');
    const results = await predictInPage(page, cases);
    assert.deepEqual(errors, [], 'the page logged no errors');
    compare(results, t, 'aekit-layers.mjs');
  });
});

test(
  "plain tfjs, without aekit's bundle, loads the conv models (aekit's Conv2D / Conv2DTranspose) and predicts as in Node",
  { skip: SKIP_PAGES },
  async () => {
    // aekit's conv layers are saved as tfjs's own Conv2D and Conv2DTranspose: nothing of aekit is needed
    const conv = cases.filter((c) => c.kind === 'conv' || c.kind === 'conv-upsample-rgb');
    assert.equal(conv.length, 6, 'two conv kinds × model, encoder, decoder');
    for (const c of conv) {
      const json = JSON.parse(await readFile(files.get(c.url) as string, 'utf8')) as { modelTopology: unknown };
      const text = JSON.stringify(json.modelTopology);
      assert.ok(text.includes('"class_name":"Conv2D"') || text.includes('"class_name":"Conv2DTranspose"'), `${c.url}: tfjs's class names`);
    }
    await withBrowser(async (context) => {
      const { page, errors } = await open(context, '/tfjs-only.html');
      const results = await page.evaluate(async (list) => {
        const g = globalThis as unknown as { tf: typeof import('@tensorflow/tfjs-core') & typeof import('@tensorflow/tfjs-layers') };
        await g.tf.setBackend('cpu');
        const out: PageResult[] = [];
        for (const c of list) {
          try {
            const model = await g.tf.loadLayersModel(c.url);
            const x = g.tf.tensor(c.input.values, c.input.shape);
            const y = model.predict(x) as import('@tensorflow/tfjs-core').Tensor;
            out.push({ values: Array.from(y.dataSync()), shape: y.shape });
            g.tf.dispose([x, y]);
            model.dispose();
          } catch (err) {
            out.push({ error: (err as Error).message, name: (err as Error).name });
          }
        }
        return out;
      }, conv);
      assert.deepEqual(errors, [], 'the page logged no errors');
      for (const [i, c] of conv.entries()) {
        const r = results[i];
        assert.ok(!('error' in r), `${c.url}: ${'error' in r ? r.error : ''}`);
        assert.ok('values' in c.node);
        assert.deepEqual(r.shape, c.node.shape, `${c.url}: output shape`);
        const d = maxDiff(r.values, c.node.values);
        assert.ok(d <= TOLERANCE, `${c.url}: max |page − Node| = ${d} > ${TOLERANCE}`);
      }
    });
  },
);

test(
  'without the bundle tfjs cannot load the custom layers; the bundle without tfjs says what is missing',
  { skip: SKIP_PAGES },
  async () => {
    await withBrowser(async (context) => {
      const plain = await open(context, '/tfjs-only.html');
      const messages = await plain.page.evaluate(
        async (urls) => {
          const g = globalThis as unknown as { tf: typeof import('@tensorflow/tfjs-layers') };
          const out: string[] = [];
          for (const url of urls)
            out.push(
              await g.tf.loadLayersModel(url).then(
                () => 'loaded',
                (e: Error) => e.message,
              ),
            );
          return out;
        },
        ['/models/stacked-tied/model/model.json', '/models/vae/model/model.json', '/models/sparse-kl/model/model.json'],
      );
      assert.match(messages[0], /Unknown layer: DenseTranspose/);
      assert.match(messages[1], /Unknown layer: Sampling/);
      assert.match(messages[2], /Unknown layer: ActivityRegularization/);
      const bare = await open(context, '/aekit-only.html');
      assert.equal(bare.errors.length, 1, bare.errors.join('\n'));
      assert.match(bare.errors[0], /needs TensorFlow\.js with its Layers API loaded before it/);
      const classic = await open(context, '/classic.html');
      const missing = await classic.page.evaluate(async () => {
        const g = globalThis as unknown as { aekit: typeof import('aekit/browser') };
        return g.aekit.loadModel('/models/no-such/model.json').then(
          () => null,
          (e: Error & { code?: string; url?: string }) => ({
            name: e.name,
            code: e.code,
            url: e.url,
            message: e.message,
            isAekit: e instanceof g.aekit.AekitError,
          }),
        );
      });
      assert.ok(missing !== null, 'a missing model is refused');
      assert.deepEqual(
        { ...missing, message: undefined },
        { name: 'ModelLoadError', code: 'E_MODEL_MISSING', url: '/models/no-such/model.json', message: undefined, isAekit: true },
      );
      assert.match(missing.message, /'\/models\/no-such\/model\.json'.*404.*check the URL/);
    });
  },
);
