/**
 * Fashion-MNIST, prepared the way the book prepares it: pixels scaled to [0, 1] as float32,
 * train = the first 55,000 official training images, validation = the last 5,000,
 * test = the official 10,000.
 *
 * The four official files are looked for, in order, in: an explicit directory (`dataDir`,
 * the CLI's `--data-dir`), `$AEKIT_DATA_DIR`, the user cache directory, the Debian/Ubuntu
 * package's directory (`apt-get install dataset-fashion-mnist`); failing those they are
 * downloaded into the cache. Every file is checked against the pinned SHA-256 of its
 * decompressed content (mirrors recompress the `.gz` files, so those hashes differ).
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureDirectory } from '../core/fs.js';
import type { IdxImages, IdxLabels } from './idx.js';
import { DataError, gunzip, isGzip, parseIdxImages, parseIdxLabels } from './idx.js';
import type { LabelledSamples } from './samples.js';

/** The ten class names, indexed by label (0 = T-shirt/top … 9 = Ankle boot). */
export const CLASS_NAMES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

/** Names of the four official files, without `.gz`. */
export type FashionMnistFile = 'train-images-idx3-ubyte' | 'train-labels-idx1-ubyte' | 't10k-images-idx3-ubyte' | 't10k-labels-idx1-ubyte';

/**
 * The four official files, with the size and SHA-256 of their decompressed content
 * (from the reference notes; `.gz` bytes differ between mirrors, the content does not).
 */
export const FASHION_MNIST_FILES: Readonly<Record<FashionMnistFile, { readonly bytes: number; readonly sha256: string }>> = Object.freeze({
  'train-images-idx3-ubyte': {
    bytes: 47_040_016,
    sha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
  },
  'train-labels-idx1-ubyte': {
    bytes: 60_008,
    sha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
  },
  't10k-images-idx3-ubyte': {
    bytes: 7_840_016,
    sha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
  },
  't10k-labels-idx1-ubyte': {
    bytes: 10_008,
    sha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
  },
});

const FILE_NAMES = Object.keys(FASHION_MNIST_FILES) as FashionMnistFile[];

/**
 * One part of the data set: `count` images of shape `[28, 28]`, pixels in [0, 1] (uint8 / 255) in
 * `x`, and their class indices 0–9 in `labels` (see {@link CLASS_NAMES}).
 */
export type Split = LabelledSamples;

/** Fashion-MNIST split the book's way. */
export interface FashionMnist {
  /** The first `trainCount − validCount` official training images (55,000). */
  train: Split;
  /** The last `validCount` official training images (5,000). */
  valid: Split;
  /** The official test images (10,000). */
  test: Split;
  /** Where the files were read from, for logs, e.g. `system directory /usr/share/datasets/fashion-mnist`. */
  source: string;
}

/** Reported while a file downloads. */
export interface DownloadProgress {
  /** The file being fetched, e.g. `train-images-idx3-ubyte.gz`. */
  file: string;
  /** Bytes received so far. */
  receivedBytes: number;
  /** Size announced by the server, when it announced one. */
  totalBytes: number | undefined;
}

/** Options of {@link loadFashionMnist}; every field is optional. */
export interface LoadOptions {
  /**
   * Directory holding the four files (the CLI's `--data-dir`). When given it is the only place
   * looked at: missing or bad files there are an error, with no fallback.
   */
  dataDir?: string;
  /** Environment to read `AEKIT_DATA_DIR`, `XDG_CACHE_HOME` and `HOME` from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /**
   * Cache directory, searched after `AEKIT_DATA_DIR` and the target of downloads.
   * Default `$XDG_CACHE_HOME/aekit/fashion-mnist`, or `~/.cache/aekit/fashion-mnist`.
   */
  cacheDir?: string;
  /** Directory of the Debian/Ubuntu package `dataset-fashion-mnist`. Default `/usr/share/datasets/fashion-mnist`. */
  systemDir?: string;
  /** Download into the cache directory when no other place has the files. Default `true`. */
  download?: boolean;
  /**
   * URL the `.gz` files are fetched from (`baseUrl + 'train-images-idx3-ubyte.gz'`, …); `http:` or
   * `https:`. Default {@link DEFAULT_BASE_URL}, the upstream project's mirror.
   */
  baseUrl?: string;
  /** Give up on a download after this many milliseconds without data. Default `30000`. */
  timeoutMs?: number;
  /** Called as download data arrives (not called when nothing is downloaded). */
  onProgress?: (progress: DownloadProgress) => void;
  /**
   * Check the SHA-256 of every file's decompressed content (sizes are checked regardless).
   * Default `true`. Only applies with `expected: 'official'`.
   */
  verify?: boolean;
  /**
   * `'official'` (default): the files must be the official release (size and SHA-256).
   * `'any'`: any well-formed IDX files of 28×28 images with labels 0–9, e.g. small test fixtures;
   * format checks still apply.
   */
  expected?: 'official' | 'any';
  /** Number of training images, taken from the end, that form the validation split. Default `5000`. */
  validCount?: number;
}

/**
 * Upstream Fashion-MNIST mirror (the URL the project's README gives). S3 website endpoints
 * serve plain HTTP only; integrity comes from the pinned SHA-256 of every file.
 */
export const DEFAULT_BASE_URL = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';

const DEFAULT_SYSTEM_DIR = '/usr/share/datasets/fashion-mnist';
const MAX_REDIRECTS = 5;
const HEIGHT = 28;
const WIDTH = 28;
const NUM_CLASSES = CLASS_NAMES.length;

interface Settings {
  expected: 'official' | 'any';
  verify: boolean;
  baseUrl: URL;
  timeoutMs: number;
  onProgress: ((progress: DownloadProgress) => void) | undefined;
}

/** The four parsed files, still as uint8 views. */
interface RawData {
  trainImages: IdxImages;
  trainLabels: IdxLabels;
  testImages: IdxImages;
  testLabels: IdxLabels;
}

type Parsed = IdxImages | IdxLabels;

/**
 * Loads Fashion-MNIST, splits it 55,000 / 5,000 / 10,000 and scales pixels to [0, 1].
 *
 * Looks in `dataDir`, then `$AEKIT_DATA_DIR` (each, when set, used alone), then the cache
 * directory, then the Debian package's directory, then downloads into the cache. Each file may
 * be `NAME.gz` or uncompressed `NAME`.
 *
 * @throws {DataError} `E_NOT_FOUND` (the message lists every place looked at and how to get the
 *   data), `E_CHECKSUM`, `E_IDX_*` for malformed files, `E_SPLIT`, `E_OPTION`.
 * @example
 * const { train, valid, test } = await loadFashionMnist({ dataDir: 'data/fashion-mnist' });
 * const x = tf.tensor3d(train.x, [train.count, ...train.shape]);
 */
export async function loadFashionMnist(options: LoadOptions = {}): Promise<FashionMnist> {
  const {
    dataDir,
    env = process.env,
    systemDir = DEFAULT_SYSTEM_DIR,
    download = true,
    baseUrl = DEFAULT_BASE_URL,
    timeoutMs = 30_000,
    onProgress,
    verify = true,
    expected = 'official',
    validCount = 5000,
  } = options;
  const cacheDir = options.cacheDir ?? defaultCacheDir(env);
  const settings: Settings = {
    expected: checkExpected(expected),
    verify,
    baseUrl: checkBaseUrl(baseUrl),
    timeoutMs: checkPositive('timeoutMs', timeoutMs),
    onProgress,
  };
  checkPositive('validCount', validCount);

  const { raw, source } = await findData({ dataDir, envDir: env.AEKIT_DATA_DIR, cacheDir, systemDir, download }, settings);
  return split(raw, validCount, source);
}

interface Places {
  dataDir: string | undefined;
  envDir: string | undefined;
  cacheDir: string;
  systemDir: string;
  download: boolean;
}

async function findData(places: Places, settings: Settings): Promise<{ raw: RawData; source: string }> {
  // An explicit directory is used alone: falling through would hide a typo in --data-dir.
  if (places.dataDir) {
    const dir = resolve(places.dataDir);
    return {
      raw: await loadExplicitDir(dir, 'the data directory given with dataDir (--data-dir)', settings),
      source: `data directory ${dir}`,
    };
  }
  if (places.envDir) {
    const dir = resolve(places.envDir);
    return { raw: await loadExplicitDir(dir, 'the data directory in AEKIT_DATA_DIR', settings), source: `AEKIT_DATA_DIR ${dir}` };
  }

  const looked: string[] = ['dataDir (--data-dir): not given', 'AEKIT_DATA_DIR: not set'];
  const searched: Array<[string, string]> = [
    ['cache directory', resolve(places.cacheDir)],
    ['system directory', resolve(places.systemDir)],
  ];
  for (const [label, dir] of searched) {
    try {
      const missing = await missingFiles(dir);
      if (missing) {
        looked.push(`${label} ${dir}: ${missing}`);
        continue;
      }
      return { raw: await loadDir(dir, settings), source: `${label} ${dir}` };
    } catch (err) {
      looked.push(`${label} ${dir}: ${reason(err)}`);
    }
  }

  const cacheDir = resolve(places.cacheDir);
  if (places.download) {
    try {
      const raw = await downloadInto(cacheDir, settings);
      return { raw, source: `download from ${settings.baseUrl.href} into ${cacheDir}` };
    } catch (err) {
      looked.push(`download from ${settings.baseUrl.href} into ${cacheDir}: ${reason(err)}`);
    }
  } else {
    looked.push('download: disabled (download: false)');
  }
  throw new DataError(
    'Fashion-MNIST data not found. Looked at:\n' +
      looked.map((line) => `  - ${line}\n`).join('') +
      'To get the data, either:\n' +
      `  - install the Debian/Ubuntu package: apt-get install dataset-fashion-mnist (it fills ${DEFAULT_SYSTEM_DIR}), or\n` +
      `  - pass --data-dir DIR or set AEKIT_DATA_DIR=DIR, where DIR holds the four files ${listFiles()}.`,
    'E_NOT_FOUND',
  );
}

async function loadExplicitDir(dir: string, label: string, settings: Settings): Promise<RawData> {
  const missing = await missingFiles(dir);
  if (missing) {
    throw new DataError(
      `Fashion-MNIST: ${label}, ${dir}, ${missing}. Expected the four files ${listFiles()}. ` +
        'A directory given explicitly is the only place looked at: put the files there ' +
        `(e.g. copy them from ${DEFAULT_SYSTEM_DIR} after apt-get install dataset-fashion-mnist), ` +
        'or leave it unset to search the cache and system directories.',
      'E_NOT_FOUND',
    );
  }
  return loadDir(dir, settings);
}

/** Why `dir` cannot hold the data set, or `undefined` when all four files are present. */
async function missingFiles(dir: string): Promise<string | undefined> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) return 'does not exist';
  if (!info.isDirectory()) return 'is not a directory';
  const missing: string[] = [];
  for (const name of FILE_NAMES) {
    if (!(await findFile(dir, name))) missing.push(`${name}.gz`);
  }
  if (missing.length === 0) return undefined;
  return `lacks ${missing.join(', ')} (gzipped or not)`;
}

/** Path of `NAME.gz` or else `NAME` in `dir`, if either is a file. */
async function findFile(dir: string, name: FashionMnistFile): Promise<string | undefined> {
  for (const candidate of [`${name}.gz`, name]) {
    const path = join(dir, candidate);
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile()) return path;
  }
  return undefined;
}

async function loadDir(dir: string, settings: Settings): Promise<RawData> {
  const parsed = {} as Record<FashionMnistFile, Parsed>;
  for (const name of FILE_NAMES) {
    const path = (await findFile(dir, name))!;
    parsed[name] = parseFile(name, await readChecked(path, name, settings), path);
  }
  return assemble(parsed);
}

/** Reads a file, decompresses it when gzipped and checks it against the pinned table. */
async function readChecked(path: string, name: FashionMnistFile, settings: Settings): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new DataError(`${path}: cannot be read (${(err as Error).message}). Check its permissions.`, 'E_NOT_FOUND', { cause: err });
  }
  const content = isGzip(bytes) ? gunzip(bytes, path) : bytes;
  checkContent(content, name, path, settings);
  return content;
}

function checkContent(content: Uint8Array, name: FashionMnistFile, path: string, settings: Settings): void {
  if (settings.expected !== 'official') return;
  const pinned = FASHION_MNIST_FILES[name];
  const sizeOk = content.length === pinned.bytes;
  if (sizeOk && !settings.verify) return;
  const found = sha256(content);
  if (sizeOk && found === pinned.sha256) return;
  throw new DataError(
    `${path}: its decompressed content is not the official ${name}: expected ` +
      `${pinned.bytes.toLocaleString('en-US')} bytes with SHA-256 ${pinned.sha256}, found ` +
      `${content.length.toLocaleString('en-US')} bytes with SHA-256 ${found}. The file is damaged or ` +
      'from another data set (some mirrors have served MNIST digits under these names). Delete it and ' +
      'fetch it again (apt-get install --reinstall dataset-fashion-mnist, or let aekit download it); ' +
      "to load other data on purpose, pass expected: 'any'.",
    'E_CHECKSUM',
  );
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function parseFile(name: FashionMnistFile, content: Uint8Array, source: string): Parsed {
  return name.includes('images') ? parseIdxImages(content, source, { height: HEIGHT, width: WIDTH }) : parseIdxLabels(content, source);
}

/** Cross-checks the four files: matching counts, labels in range. */
function assemble(parsed: Record<FashionMnistFile, Parsed>): RawData {
  const raw: RawData = {
    trainImages: parsed['train-images-idx3-ubyte'] as IdxImages,
    trainLabels: parsed['train-labels-idx1-ubyte'] as IdxLabels,
    testImages: parsed['t10k-images-idx3-ubyte'] as IdxImages,
    testLabels: parsed['t10k-labels-idx1-ubyte'] as IdxLabels,
  };
  for (const [images, labels, part] of [
    [raw.trainImages, raw.trainLabels, 'train'],
    [raw.testImages, raw.testLabels, 't10k'],
  ] as const) {
    if (images.count !== labels.count) {
      throw new DataError(
        `Fashion-MNIST: ${part}-images-idx3-ubyte holds ${images.count} images but ${part}-labels-idx1-ubyte ` +
          `holds ${labels.count} labels; expected the same count. The two files come from different sets: fetch both again.`,
        'E_IDX_DIMS',
      );
    }
    const bad = labels.data.findIndex((label) => label >= NUM_CLASSES);
    if (bad >= 0) {
      throw new DataError(
        `Fashion-MNIST: ${part}-labels-idx1-ubyte, label ${bad} is ${labels.data[bad]}; expected 0–${NUM_CLASSES - 1}. ` +
          'The file is damaged or from another data set: fetch it again.',
        'E_IDX_LABEL',
      );
    }
  }
  return raw;
}

/** Downloads into `cacheDir` whatever it lacks (or holds damaged), then returns all four files. */
async function downloadInto(cacheDir: string, settings: Settings): Promise<RawData> {
  try {
    await ensureDirectory(cacheDir);
  } catch (err) {
    throw new DataError(
      `cannot create the cache directory ${cacheDir} (${(err as Error).message}); pass cacheDir, or set XDG_CACHE_HOME, to a writable place.`,
      'E_DOWNLOAD',
      { cause: err },
    );
  }
  const parsed = {} as Record<FashionMnistFile, Parsed>;
  for (const name of FILE_NAMES) {
    const existing = await findFile(cacheDir, name);
    if (existing) {
      try {
        parsed[name] = parseFile(name, await readChecked(existing, name, settings), existing);
        continue;
      } catch {
        // Damaged copy: fetch it again; the download replaces `NAME.gz`, which is preferred over `NAME`.
      }
    }
    parsed[name] = await downloadFile(name, cacheDir, settings);
  }
  return assemble(parsed);
}

/** Fetches `NAME.gz` into a `.part` file, checks it, then renames it into place; no partial file survives. */
async function downloadFile(name: FashionMnistFile, cacheDir: string, settings: Settings): Promise<Parsed> {
  const file = `${name}.gz`;
  const url = new URL(file, settings.baseUrl);
  const part = join(cacheDir, `${file}.part-${process.pid}`);
  const target = join(cacheDir, file);
  try {
    const { decoded } = await fetchToFile(url, part, file, settings);
    const bytes = await readFile(part);
    let content: Uint8Array;
    if (isGzip(bytes)) {
      content = gunzip(bytes, url.href);
    } else if (decoded) {
      // A server that labels the .gz file itself Content-Encoding: gzip; fetch has undone that gzip.
      content = bytes;
    } else {
      throw new DataError(
        `${url.href}: expected a gzip file, found ${bytes.length} bytes starting ${JSON.stringify(bytes.subarray(0, 40).toString('latin1'))}. ` +
          'The server sent something else (an error page?): check baseUrl.',
        'E_DOWNLOAD',
      );
    }
    checkContent(content, name, url.href, settings);
    const parsed = parseFile(name, content, url.href);
    if (content === bytes) await writeFile(part, gzipSync(content)); // the cache holds NAME.gz as gzip
    await rename(part, target);
    return parsed;
  } catch (err) {
    await unlink(part).catch(() => undefined);
    throw err;
  }
}

/**
 * GETs `url` into `dest` with `fetch`, reporting progress as the body arrives. Resolves with
 * `decoded: true` when fetch undid a Content-Encoding, so that what was written is the decoded body.
 */
async function fetchToFile(url: URL, dest: string, file: string, settings: Settings): Promise<{ decoded: boolean }> {
  const idle = idleTimeout(settings.timeoutMs);
  try {
    const { response, current } = await get(url, idle, settings.timeoutMs);
    const encoding = response.headers.get('content-encoding');
    const decoded = encoding !== null && encoding.toLowerCase() !== 'identity';
    // Content-Length counts the bytes on the wire, which a decoded body does not match.
    const length = response.headers.get('content-length');
    const totalBytes = !decoded && length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
    let receivedBytes = 0;
    let out: FileHandle | undefined;
    try {
      out = await open(dest, 'w');
      for await (const chunk of response.body ?? []) {
        idle.touch();
        receivedBytes += chunk.length;
        settings.onProgress?.({ file, receivedBytes, totalBytes });
        await out.write(chunk);
      }
    } catch (err) {
      await response.body?.cancel().catch(() => undefined); // frees the connection if the body was not read
      const why = idle.signal.aborted ? `no data for ${settings.timeoutMs} ms` : describe(err);
      throw new DataError(
        `${current.href}: the download broke off after ${receivedBytes} of ${totalBytes ?? 'unknown'} bytes (${why}); try again later.`,
        'E_DOWNLOAD',
        { cause: err },
      );
    } finally {
      await out?.close();
    }
    if (totalBytes !== undefined && receivedBytes !== totalBytes) {
      throw new DataError(`${current.href}: expected ${totalBytes} bytes, received ${receivedBytes}; try again later.`, 'E_DOWNLOAD');
    }
    return { decoded };
  } finally {
    idle.clear();
  }
}

/**
 * Starts a GET of `url`, following up to {@link MAX_REDIRECTS} redirects (fetch's own limit is 20,
 * so it is told not to follow them), and resolves with the final 200 response once its headers arrive.
 */
async function get(url: URL, idle: IdleTimeout, timeoutMs: number): Promise<{ response: Response; current: URL }> {
  let current = url;
  for (let redirects = 0; ; redirects++) {
    let response: Response;
    try {
      // identity: the files as stored, not compressed again on the way.
      response = await fetch(current, { redirect: 'manual', signal: idle.signal, headers: { 'accept-encoding': 'identity' } });
    } catch (err) {
      throw new DataError(
        `${current.href}: request failed (${idle.signal.aborted ? `no data for ${timeoutMs} ms` : describe(err)}); ` +
          'check the network connection and proxy, or get the files another way.',
        'E_DOWNLOAD',
        { cause: err },
      );
    }
    idle.touch();
    const status = response.status;
    const location = response.headers.get('location');
    if (status === 200) return { response, current };
    await response.body?.cancel().catch(() => undefined);
    if (status >= 300 && status < 400 && location) {
      if (redirects === MAX_REDIRECTS) {
        throw new DataError(`${url.href}: more than ${MAX_REDIRECTS} redirects (last to ${location}); check baseUrl.`, 'E_DOWNLOAD');
      }
      const next = URL.canParse(location, current) ? new URL(location, current) : undefined;
      if (next?.protocol !== 'http:' && next?.protocol !== 'https:') {
        throw new DataError(
          `${url.href}: redirected to ${next?.href ?? location}, expected an http: or https: URL; check baseUrl.`,
          'E_DOWNLOAD',
        );
      }
      current = next;
      continue;
    }
    throw new DataError(
      `${current.href}: expected HTTP 200, found HTTP ${status} ${response.statusText}`.trimEnd() +
        '; check baseUrl, or get the files another way.',
      'E_DOWNLOAD',
    );
  }
}

/** An AbortSignal that fires after `ms` without a `touch()`: a limit on silence, not on the whole download. */
function idleTimeout(ms: number) {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const touch = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(`no data for ${ms} ms`)), ms);
  };
  touch();
  return { signal: controller.signal, touch, clear: () => clearTimeout(timer) };
}

type IdleTimeout = ReturnType<typeof idleTimeout>;

/** fetch's own errors are generic ("fetch failed", "terminated"); the cause says what happened. */
function describe(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : ((err as Error).message ?? String(err));
}

function split(raw: RawData, validCount: number, source: string): FashionMnist {
  const n = raw.trainImages.count;
  if (n < validCount * 2) {
    throw new DataError(
      `Fashion-MNIST from ${source}: expected at least ${validCount * 2} training images for a validation ` +
        `split of ${validCount}, found ${n}. Pass a smaller validCount.`,
      'E_SPLIT',
    );
  }
  const result: FashionMnist = {
    train: toSplit(raw.trainImages, raw.trainLabels, 0, n - validCount),
    valid: toSplit(raw.trainImages, raw.trainLabels, n - validCount, n),
    test: toSplit(raw.testImages, raw.testLabels, 0, raw.testImages.count),
    source,
  };
  return result;
}

/** Scales images `[start, end)` to float32 in [0, 1]; the only conversion, straight from the uint8 file. */
function toSplit(images: IdxImages, labels: IdxLabels, start: number, end: number): Split {
  const pixels = HEIGHT * WIDTH;
  const from = images.data.subarray(start * pixels, end * pixels);
  const out = new Float32Array(from.length);
  for (let i = 0; i < from.length; i++) out[i] = from[i]! / 255;
  return { x: out, shape: [HEIGHT, WIDTH], labels: labels.data.slice(start, end), count: end - start };
}

function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  // XDG: a relative XDG_CACHE_HOME is invalid and must be ignored.
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.cache');
  return join(base, 'aekit', 'fashion-mnist');
}

function checkExpected(expected: string): 'official' | 'any' {
  if (expected === 'official' || expected === 'any') return expected;
  throw new DataError(`loadFashionMnist: option expected must be 'official' or 'any', found ${JSON.stringify(expected)}.`, 'E_OPTION');
}

function checkBaseUrl(baseUrl: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === 'http:' || url.protocol === 'https:')) return url;
  throw new DataError(`loadFashionMnist: option baseUrl must be an http:// or https:// URL, found ${JSON.stringify(baseUrl)}.`, 'E_OPTION');
}

function checkPositive(option: string, value: number): number {
  if (Number.isInteger(value) && value > 0) return value;
  throw new DataError(`loadFashionMnist: option ${option} must be a positive integer, found ${value}.`, 'E_OPTION');
}

function listFiles(): string {
  const names = FILE_NAMES.map((name) => `${name}.gz`);
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)} (each gzipped or not)`;
}

function reason(err: unknown): string {
  return err instanceof DataError ? err.message : `unexpected error: ${(err as Error).message ?? String(err)}`;
}
