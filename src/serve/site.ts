/**
 * A run's explorer page as data: {@link buildSite} reads a run directory once and returns every
 * file of a static site — the page (index.html, app.js, style.css from `page/`), TensorFlow.js's
 * UMD scripts and aekit's browser layers, the run's models, and what the page shows beside them
 * (run.json: the run's facts, a 2-D PCA map of validation codings, the anomaly threshold;
 * samples.bin: the first validation samples). `aekit serve` hands the set out from memory,
 * `aekit export` writes it to a directory. The page runs the models in the browser; nothing it
 * loads comes from the network.
 */
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeAll } from '../analysis/codings.js';
import { pca } from '../analysis/pca.js';
import { percentile, reconstructionErrors } from '../analysis/scores.js';
import { AekitError } from '../core/errors.js';
import { type ImageLayout, pixelNormalization } from '../data/dataset.js';
import { type PixelNormalization, sampleSize, toFloatSamples } from '../data/samples.js';
import { runDataset, runSpec, splitOf } from '../runs/run-data.js';
import { openRun } from '../runs/saved-run.js';
import { loadModel } from '../training/io.js';

/**
 * The site cannot be built, served or exported. `code`: `E_SITE_FILES` (a file of aekit's own is
 * missing: the package was not built), `E_PORT_IN_USE`, `E_PORT` and `E_HOST` (the server cannot
 * listen), `E_SITE_OUT` (the export target cannot take the site), `E_SITE_WRITE` (writing it failed).
 */
export class SiteError extends AekitError {
  constructor(message: string, code: string, options: { argument?: string; cause?: unknown } = {}) {
    super(message, { ...options, code });
  }
}

/** One file of the site: its bytes and its media type. */
export interface SiteFile {
  body: Uint8Array;
  type: string;
}

/** What run.json tells the page (and what {@link buildSite} found). */
export interface SiteInfo {
  /** The run directory's name. */
  run: string;
  /** The recipe the run trained (`conv`, `vae`, `dense`, …). */
  model: string;
  loss: string;
  /** True for a variational autoencoder: the page shows latent sliders and interpolation. */
  vae: boolean;
  /** Floats of one coding (the encoder's flattened output; a VAE's means). */
  codingSize: number;
  data: {
    source: string;
    kind: string;
    /** Shape of one sample. */
    shape: number[];
    /** Set for images: the page draws samples and takes dropped or drawn images resized to it. */
    image: ImageLayout | null;
    classes: readonly string[] | null;
    /** Names of the values of one sample (table columns), when the data has them. */
    features: readonly string[] | null;
    unitRange: boolean;
    /** How image pixels become inputs: the page applies it to dropped and drawn images. */
    normalize: PixelNormalization;
  };
  /** The first validation samples, in samples.bin: `count × prod(shape)` values as uint8 (value × 255) or float32. */
  samples: { split: 'valid'; count: number; of: number; file: string; dtype: 'uint8' | 'float32'; labels: number[] | null };
  /** PCA of the samples' codings: `x[i], y[i]` is sample i. */
  map: { method: 'pca'; x: number[]; y: number[]; explained: number[] } | null;
  /** Dropped images and samples above it (by MSE) are flagged as anomalies. */
  threshold: { value: number; metric: 'mse'; rule: string };
  /** The saved models the page loads: `<part>/model.json`. */
  parts: string[];
}

/** A built site: every file by its URL path (without the leading `/`), and the facts it shows. */
export interface Site {
  files: Map<string, SiteFile>;
  info: SiteInfo;
}

/** Options of {@link buildSite}. */
export interface SiteOptions {
  /** Validation samples put into the site (paging, the map, interpolation). Default 200. */
  samples?: number;
  /** Validation samples whose MSE gives the threshold (its 99th percentile). Default 5000. */
  thresholdSamples?: number;
  /** Largest size of samples.bin in bytes; fewer samples are taken above it. Default 48 MiB. */
  maxSampleBytes?: number;
}

/** Defaults of {@link buildSite}. */
export const SITE_DEFAULTS = { samples: 200, thresholdSamples: 5000, maxSampleBytes: 48 << 20, percentile: 99 } as const;

/** The page's own files, copied into dist/serve/page by `npm run build`. */
const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));
const PAGE_FILES = ['index.html', 'app.js', 'style.css'];
/** aekit's browser layers, built by scripts/build-browser.mjs. */
const LAYERS_BUNDLE = fileURLToPath(new URL('../browser/aekit-layers.min.js', import.meta.url));
/** tfjs's UMD scripts, in the order the page loads them; together they define one global `tf`. */
const TFJS_SCRIPTS = [
  '@tensorflow/tfjs-core/dist/tf-core.min.js',
  '@tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.min.js',
  '@tensorflow/tfjs-layers/dist/tf-layers.min.js',
];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
};

/** The media type of a site path. */
export function mediaType(file: string): string {
  return TYPES[path.extname(file)] ?? 'application/octet-stream';
}

async function readOwn(file: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (err) {
    throw new SiteError(
      `aekit's own file '${file}' cannot be read (${(err as NodeJS.ErrnoException).code}): the package is incomplete; in a checkout, run npm run build`,
      'E_SITE_FILES',
      { cause: err },
    );
  }
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** True when every value is some k/255 as float32 (pixels read from 8-bit images): stored as uint8 without loss. */
function bytesSuffice(x: Float32Array): boolean {
  for (let i = 0; i < x.length; i++) {
    const k = Math.round(x[i] * 255);
    if (k < 0 || k > 255 || Math.fround(k / 255) !== x[i]) return false;
  }
  return true;
}

/** The threshold: anomalies/summary.json's when it scored by MSE, else the 99th percentile of validation MSEs. */
async function thresholdOf(dir: string, errors: () => Promise<{ values: Float32Array; count: number }>): Promise<SiteInfo['threshold']> {
  const text = await fs.readFile(path.join(dir, 'anomalies', 'summary.json'), 'utf8').catch(() => null);
  if (text !== null) {
    const s = JSON.parse(text) as { metric?: string; threshold?: unknown; thresholdRule?: string };
    if (s.metric === 'mse' && typeof s.threshold === 'number' && Number.isFinite(s.threshold))
      return { value: s.threshold, metric: 'mse', rule: `anomalies/summary.json (${s.thresholdRule ?? 'aekit anomalies'})` };
  }
  const { values, count } = await errors();
  return {
    value: percentile(values, SITE_DEFAULTS.percentile),
    metric: 'mse',
    rule: `${SITE_DEFAULTS.percentile}th percentile of the MSE of ${count} validation samples`,
  };
}

/** The files of a saved model part (`model.json` and its weight files), keyed `<part>/<file>`. */
async function modelFiles(dir: string, part: string): Promise<Array<[string, SiteFile]>> {
  const names = await fs.readdir(path.join(dir, part)).catch(() => null);
  if (names === null || !names.includes('model.json')) return [];
  const out: Array<[string, SiteFile]> = [];
  for (const name of names.sort()) {
    const file = path.join(dir, part, name);
    if (!(await fs.stat(file)).isFile()) continue;
    out.push([`${part}/${name}`, { body: await fs.readFile(file), type: mediaType(name) }]);
  }
  return out;
}

/**
 * Builds the explorer site of the run in `dir` (see the module's comment): loads its autoencoder
 * and encoder (in Node, on the current backend) and its validation data, encodes the first
 * `samples` validation samples and maps them with PCA, and sets the anomaly threshold. Nothing
 * is written.
 *
 * @throws ModelIOError when `dir` is not a run directory (no metrics.json, no model/).
 * @throws SiteError `E_SITE_FILES` when aekit's page or browser bundle is missing.
 * @example
 * const site = await buildSite('runs/conv-1');
 * console.log([...site.files.keys()], site.info.threshold);
 */
export async function buildSite(dir: string, options: SiteOptions = {}): Promise<Site> {
  const { samples: wanted = SITE_DEFAULTS.samples, thresholdSamples = SITE_DEFAULTS.thresholdSamples } = options;
  const maxBytes = options.maxSampleBytes ?? SITE_DEFAULTS.maxSampleBytes;
  const files = new Map<string, SiteFile>();
  // aekit's own files first: a broken installation is named before any model is loaded.
  for (const name of PAGE_FILES) files.set(name, { body: await readOwn(path.join(PAGE_DIR, name)), type: mediaType(name) });
  files.set('aekit-layers.min.js', { body: await readOwn(LAYERS_BUNDLE), type: mediaType('script.js') });
  const require = createRequire(import.meta.url);
  for (const script of TFJS_SCRIPTS) {
    let file: string;
    try {
      file = require.resolve(script);
    } catch (err) {
      throw new SiteError(`'${script}' cannot be found: install aekit's dependencies (npm install)`, 'E_SITE_FILES', { cause: err });
    }
    files.set(`tfjs/${path.basename(script)}`, { body: await readOwn(file), type: mediaType('script.js') });
  }

  const run = await openRun(dir);
  const encoder = await loadModel(path.join(dir, 'encoder'));
  const metrics = run.metrics;
  const spec = runSpec(metrics);
  const data = await runDataset(metrics, { model: run.model, skipTrain: true });
  let info: SiteInfo;
  let sampleBytes: Uint8Array;
  try {
    const valid = splitOf(data, 'valid');
    const per = sampleSize(valid.shape);
    const count = Math.max(0, Math.min(wanted, valid.count, Math.floor(maxBytes / (4 * per))));
    const floats = toFloatSamples(valid, count);
    const asBytes = bytesSuffice(floats.x);
    sampleBytes = asBytes
      ? Uint8Array.from(floats.x, (v) => Math.round(v * 255))
      : new Uint8Array(floats.x.buffer, floats.x.byteOffset, floats.x.byteLength).slice();
    const codings = count > 0 ? await encodeAll(encoder, floats.x, count) : null;
    const codingSize = encoder.outputs[0].shape.slice(1).reduce((a: number, b) => a * (b ?? 1), 1);
    let map: SiteInfo['map'] = null;
    if (codings !== null && count >= 3) {
      const components = Math.min(2, codingSize);
      const { projected, explained } = pca(codings, components);
      const at = (i: number, c: number): number => (c < components ? projected.x[i * components + c] : 0);
      map = {
        method: 'pca',
        x: Array.from({ length: count }, (_, i) => at(i, 0)),
        y: Array.from({ length: count }, (_, i) => at(i, 1)),
        explained,
      };
    }
    const threshold = await thresholdOf(dir, async () => {
      const n = Math.min(thresholdSamples, valid.count);
      return { values: await reconstructionErrors(run.model, valid, n, 'mse'), count: n };
    });
    const image = metrics.data.image ?? (spec.kind === 'fashion-mnist' ? { height: 28, width: 28, channels: 1 as const } : null);
    info = {
      run: path.basename(path.resolve(dir)),
      model: metrics.model,
      loss: String((metrics.options as { loss?: unknown }).loss ?? 'binaryCrossentropy'),
      vae: metrics.model === 'vae',
      codingSize,
      data: {
        source: metrics.data.source,
        kind: spec.kind,
        shape: [...valid.shape],
        image,
        classes: data.classes ?? metrics.data.classes ?? null,
        features: data.features ?? metrics.data.features ?? null,
        unitRange: data.unitRange,
        normalize: pixelNormalization(spec),
      },
      samples: {
        split: 'valid',
        count,
        of: valid.count,
        file: 'samples.bin',
        dtype: asBytes ? 'uint8' : 'float32',
        labels: floats.labels === undefined ? null : Array.from(floats.labels),
      },
      map,
      threshold,
      parts: [],
    };
  } finally {
    await data.close?.();
    run.model.dispose();
    encoder.dispose();
  }
  for (const part of ['model', 'encoder', 'decoder']) {
    const parts = await modelFiles(dir, part);
    if (parts.length > 0) info.parts.push(part);
    for (const [name, file] of parts) files.set(name, file);
  }
  files.set('samples.bin', { body: sampleBytes, type: mediaType('samples.bin') });
  files.set('run.json', { body: Buffer.from(`${JSON.stringify(info)}\n`), type: mediaType('run.json') });
  const page = files.get('index.html')!;
  const title = `aekit: ${info.run} (${info.model})`;
  page.body = Buffer.from(
    Buffer.from(page.body)
      .toString('utf8')
      .replace('<title>aekit</title>', `<title>${escapeHtml(title)}</title>`),
  );
  return { files, info };
}

/** Total bytes of a site's files. */
export function siteBytes(site: Site): number {
  let n = 0;
  for (const f of site.files.values()) n += f.body.byteLength;
  return n;
}
