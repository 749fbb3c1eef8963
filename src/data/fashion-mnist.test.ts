import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { fixtureFiles, fixtureLabels, fixturePixels, idxBytes, writeFixtureDir } from '../testing/idx-fixtures.js';
import type { DownloadProgress, LoadOptions } from './fashion-mnist.js';
import { CLASS_NAMES, FASHION_MNIST_FILES, loadFashionMnist } from './fashion-mnist.js';
import type { DataErrorCode } from './idx.js';
import { DataError, isGzip } from './idx.js';

const root = await mkdtemp(join(tmpdir(), 'aekit-fmnist-test-'));
after(() => rm(root, { recursive: true, force: true }));

let dirCount = 0;
/** A fresh path under the test's temp root (not created). */
function freshDir(name: string): string {
  dirCount += 1;
  return join(root, `${dirCount}-${name}`);
}

/** Options that never touch the machine's own directories or the network. */
function isolated(extra: LoadOptions = {}): LoadOptions {
  return {
    env: {},
    cacheDir: freshDir('cache'),
    systemDir: freshDir('system'),
    download: false,
    expected: 'any',
    validCount: 5,
    ...extra,
  };
}

/** Asserts that `promise` rejects with a DataError with `code` whose message contains every string in `parts`. */
async function assertRejects(promise: Promise<unknown>, code: DataErrorCode, parts: string[]): Promise<DataError> {
  let caught: unknown;
  await assert.rejects(promise, (err: unknown) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof DataError, `expected a DataError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  for (const part of parts) assert.ok(caught.message.includes(part), `message lacks ${JSON.stringify(part)}:\n${caught.message}`);
  return caught;
}

/** The marker pixel written by writeFixtureDir, read back from the first training image. */
function marker(images: Float32Array): number {
  return Math.round(images[0]! * 255);
}

test('CLASS_NAMES and the pinned table', () => {
  assert.equal(CLASS_NAMES.length, 10);
  assert.equal(CLASS_NAMES[0], 'T-shirt/top');
  assert.equal(CLASS_NAMES[9], 'Ankle boot');
  assert.deepEqual(Object.keys(FASHION_MNIST_FILES).sort(), [
    't10k-images-idx3-ubyte',
    't10k-labels-idx1-ubyte',
    'train-images-idx3-ubyte',
    'train-labels-idx1-ubyte',
  ]);
  assert.equal(FASHION_MNIST_FILES['train-images-idx3-ubyte'].bytes, 16 + 60_000 * 28 * 28);
  assert.equal(FASHION_MNIST_FILES['t10k-labels-idx1-ubyte'].bytes, 8 + 10_000);
});

test('loads fixture data: split, scaled to [0, 1], labels kept', async () => {
  const dir = freshDir('data');
  await writeFixtureDir(dir);
  const data = await loadFashionMnist(isolated({ dataDir: dir }));
  assert.equal(data.train.count, 25);
  assert.equal(data.valid.count, 5);
  assert.equal(data.test.count, 10);
  for (const split of [data.train, data.valid, data.test]) {
    assert.equal(split.shape[0], 28);
    assert.equal(split.shape[1], 28);
    assert.equal(split.x.length, split.count * 28 * 28);
    assert.equal(split.labels.length, split.count);
    assert.ok(split.x.every((v) => v >= 0 && v <= 1));
  }
  const pixels = fixturePixels(30);
  assert.equal(data.train.x[1], 1); // 255
  assert.equal(data.train.x[2], Math.fround(pixels[2]! / 255));
  // Validation is the tail of the official training set.
  assert.equal(data.valid.x[3], Math.fround(pixels[25 * 784 + 3]! / 255));
  assert.deepEqual(data.train.labels, fixtureLabels(30).slice(0, 25));
  assert.deepEqual(data.valid.labels, fixtureLabels(30).slice(25));
  assert.deepEqual(data.test.labels, fixtureLabels(10));
  // Plain arrays of their own, not views into the file's buffer.
  assert.equal(Object.getPrototypeOf(data.train.labels), Uint8Array.prototype);
  assert.equal(data.valid.labels.buffer.byteLength, 5);
  assert.equal(data.valid.x.buffer.byteLength, 5 * 784 * 4);
  assert.ok(data.source.includes(dir), data.source);
});

test('accepts uncompressed files and a mix of gzipped and uncompressed', async () => {
  const gz = await loadFashionMnist(isolated({ dataDir: await written('gz') }));
  for (const form of ['raw', 'mixed'] as const) {
    const other = await loadFashionMnist(isolated({ dataDir: await written(form) }));
    assert.deepEqual(other.train.x, gz.train.x, form);
    assert.deepEqual(other.test.labels, gz.test.labels, form);
  }
  async function written(form: 'gz' | 'raw' | 'mixed'): Promise<string> {
    const dir = freshDir(form);
    await writeFixtureDir(dir, { form });
    return dir;
  }
});

test('source order: explicit dir, then AEKIT_DATA_DIR, then cache, then system dir', async () => {
  const explicit = freshDir('explicit');
  const fromEnv = freshDir('env');
  const cache = freshDir('cache');
  const system = freshDir('system');
  await writeFixtureDir(explicit, { marker: 1 });
  await writeFixtureDir(fromEnv, { marker: 2 });
  await writeFixtureDir(cache, { marker: 3, form: 'raw' });
  await writeFixtureDir(system, { marker: 4 });
  const base = isolated({ cacheDir: cache, systemDir: system, env: { AEKIT_DATA_DIR: fromEnv } });

  const a = await loadFashionMnist({ ...base, dataDir: explicit });
  assert.equal(marker(a.train.x), 1);
  assert.ok(a.source.includes(explicit), a.source);

  const b = await loadFashionMnist(base);
  assert.equal(marker(b.train.x), 2);
  assert.ok(b.source.includes('AEKIT_DATA_DIR') && b.source.includes(fromEnv), b.source);

  const c = await loadFashionMnist({ ...base, env: { AEKIT_DATA_DIR: '' } });
  assert.equal(marker(c.train.x), 3);
  assert.ok(c.source.includes(cache), c.source);

  const d = await loadFashionMnist({ ...base, env: {}, cacheDir: freshDir('empty-cache') });
  assert.equal(marker(d.train.x), 4);
  assert.ok(d.source.includes(system), d.source);
});

test('a cache with a damaged file falls through to the system dir', async () => {
  const cache = freshDir('cache');
  const system = freshDir('system');
  await writeFixtureDir(cache, { marker: 3 });
  await writeFile(join(cache, 'train-labels-idx1-ubyte.gz'), 'not gzip, not IDX');
  await writeFixtureDir(system, { marker: 4 });
  const data = await loadFashionMnist(isolated({ cacheDir: cache, systemDir: system }));
  assert.equal(marker(data.train.x), 4);
});

test('default cache dir: $XDG_CACHE_HOME/aekit/fashion-mnist, else ~/.cache/aekit/fashion-mnist', async () => {
  const xdg = freshDir('xdg');
  await writeFixtureDir(join(xdg, 'aekit', 'fashion-mnist'), { marker: 5 });
  const opts = isolated();
  delete opts.cacheDir;
  const a = await loadFashionMnist({ ...opts, env: { XDG_CACHE_HOME: xdg } });
  assert.equal(marker(a.train.x), 5);
  assert.ok(a.source.includes(join(xdg, 'aekit', 'fashion-mnist')), a.source);

  const home = freshDir('home');
  await writeFixtureDir(join(home, '.cache', 'aekit', 'fashion-mnist'), { marker: 6 });
  const b = await loadFashionMnist({ ...opts, env: { HOME: home, XDG_CACHE_HOME: 'relative/is/ignored' } });
  assert.equal(marker(b.train.x), 6);
});

test('an explicit dir without the files is an error naming it, with no fallback', async () => {
  const explicit = freshDir('explicit');
  const system = freshDir('system');
  await writeFixtureDir(explicit);
  await unlink(join(explicit, 'train-labels-idx1-ubyte.gz'));
  await writeFixtureDir(system);
  await assertRejects(loadFashionMnist(isolated({ dataDir: explicit, systemDir: system })), 'E_NOT_FOUND', [
    explicit,
    '--data-dir',
    'lacks train-labels-idx1-ubyte.gz',
    'only place looked at',
  ]);
  const missing = freshDir('missing');
  await assertRejects(loadFashionMnist(isolated({ dataDir: missing, systemDir: system })), 'E_NOT_FOUND', [missing, 'does not exist']);
});

test('AEKIT_DATA_DIR without the files is an error naming it, with no fallback', async () => {
  const fromEnv = freshDir('env');
  const cache = freshDir('cache');
  await writeFixtureDir(cache);
  await assertRejects(loadFashionMnist(isolated({ env: { AEKIT_DATA_DIR: fromEnv }, cacheDir: cache })), 'E_NOT_FOUND', [
    'AEKIT_DATA_DIR',
    fromEnv,
  ]);
});

test("expected 'official' rejects fixture data with E_CHECKSUM naming the file and both hashes", async () => {
  const dir = freshDir('data');
  await writeFixtureDir(dir);
  const found = createHash('sha256').update(fixtureFiles()['train-images-idx3-ubyte']!).digest('hex');
  await assertRejects(loadFashionMnist(isolated({ dataDir: dir, expected: 'official' })), 'E_CHECKSUM', [
    join(dir, 'train-images-idx3-ubyte.gz'),
    FASHION_MNIST_FILES['train-images-idx3-ubyte'].sha256,
    found,
    '47,040,016 bytes',
    'fetch it again',
  ]);
  // Without hashing, the size check still catches it.
  await assertRejects(loadFashionMnist(isolated({ dataDir: dir, expected: 'official', verify: false })), 'E_CHECKSUM', [
    'train-images-idx3-ubyte',
  ]);
});

test('a train set smaller than twice validCount is E_SPLIT', async () => {
  const dir = freshDir('data');
  await writeFixtureDir(dir);
  await assertRejects(loadFashionMnist(isolated({ dataDir: dir, validCount: undefined })), 'E_SPLIT', [
    'at least 10000 training images',
    'found 30',
    'validCount',
  ]);
  const data = await loadFashionMnist(isolated({ dataDir: dir, validCount: 15 }));
  assert.equal(data.train.count, 15);
  assert.equal(data.valid.count, 15);
});

test('inconsistent files: count mismatch is E_IDX_DIMS, label out of range E_IDX_LABEL', async () => {
  const dir = freshDir('data');
  await writeFixtureDir(dir);
  await writeFile(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(idxBytes([29], fixtureLabels(29))));
  await assertRejects(loadFashionMnist(isolated({ dataDir: dir })), 'E_IDX_DIMS', ['30 images', '29 labels']);
  const labels = fixtureLabels(10);
  labels[7] = 10;
  await writeFile(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(idxBytes([30], fixtureLabels(30))));
  await writeFile(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(idxBytes([10], labels)));
  await assertRejects(loadFashionMnist(isolated({ dataDir: dir })), 'E_IDX_LABEL', ['t10k-labels', 'label 7 is 10']);
});

test('bad options are E_OPTION', async () => {
  await assertRejects(loadFashionMnist(isolated({ baseUrl: 'ftp://example.org/' })), 'E_OPTION', ['baseUrl', 'ftp://']);
  await assertRejects(loadFashionMnist(isolated({ validCount: 0 })), 'E_OPTION', ['validCount']);
  await assertRejects(loadFashionMnist(isolated({ timeoutMs: -1 })), 'E_OPTION', ['timeoutMs']);
});

test('all sources failing lists every place and how to get the data', async () => {
  const opts = isolated();
  await assertRejects(loadFashionMnist(opts), 'E_NOT_FOUND', [
    `cache directory ${opts.cacheDir}: does not exist`,
    `system directory ${opts.systemDir}: does not exist`,
    'AEKIT_DATA_DIR: not set',
    'download: disabled',
    'apt-get install dataset-fashion-mnist',
    '--data-dir DIR',
    'AEKIT_DATA_DIR=DIR',
    'train-images-idx3-ubyte.gz',
    't10k-labels-idx1-ubyte.gz',
  ]);
});

// ---------------------------------------------------------------------------------------------
// Downloads, against a local server.

interface Server {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

async function serve(handler: http.RequestListener): Promise<Server> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/data/`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** gzipped fixture files, by URL path. */
function gzFiles(): Map<string, Buffer> {
  return new Map(Object.entries(fixtureFiles()).map(([name, bytes]) => [`/data/${name}.gz`, gzipSync(bytes)]));
}

/** A handler serving `files`, with `override` taking some paths. */
function fileServer(
  files: Map<string, Buffer>,
  override?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean,
): http.RequestListener {
  return (req, res) => {
    if (override?.(req, res)) return;
    const body = files.get(req.url ?? '');
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html>404 Not Found</html>');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': body.length }).end(body);
  };
}

async function assertNoPartFiles(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => []);
  assert.deepEqual(
    names.filter((name) => name.includes('.part')),
    [],
    `partial files left in ${dir}`,
  );
}

test('downloads into the cache dir, following a redirect; no .part file remains', async (t) => {
  const files = gzFiles();
  const server = await serve(
    fileServer(files, (req, res) => {
      if (req.url !== '/data/t10k-labels-idx1-ubyte.gz') return false;
      res.writeHead(302, { location: '/moved/t10k-labels-idx1-ubyte.gz' }).end();
      files.set('/moved/t10k-labels-idx1-ubyte.gz', files.get('/data/t10k-labels-idx1-ubyte.gz')!);
      return true;
    }),
  );
  t.after(() => server.close());
  const cache = join(freshDir('cache'), 'nested'); // does not exist yet
  const progress: DownloadProgress[] = [];
  const data = await loadFashionMnist(
    isolated({ cacheDir: cache, download: true, baseUrl: server.url.slice(0, -1), onProgress: (p) => progress.push(p) }),
  );
  assert.equal(data.train.count, 25);
  assert.ok(data.source.includes('download') && data.source.includes(cache), data.source);
  assert.deepEqual((await readdir(cache)).sort(), [
    't10k-images-idx3-ubyte.gz',
    't10k-labels-idx1-ubyte.gz',
    'train-images-idx3-ubyte.gz',
    'train-labels-idx1-ubyte.gz',
  ]);
  assert.ok(server.requests.includes('/moved/t10k-labels-idx1-ubyte.gz'));
  const last = progress.filter((p) => p.file === 'train-images-idx3-ubyte.gz').at(-1)!;
  assert.equal(last.receivedBytes, files.get('/data/train-images-idx3-ubyte.gz')!.length);
  assert.equal(last.totalBytes, last.receivedBytes);

  // The next load finds them in the cache, without the network.
  const again = await loadFashionMnist(isolated({ cacheDir: cache }));
  assert.ok(again.source.startsWith('cache directory'), again.source);
  assert.deepEqual(again.train.x, data.train.x);
});

test('downloads only what the cache lacks', async (t) => {
  const server = await serve(fileServer(gzFiles()));
  t.after(() => server.close());
  const cache = freshDir('cache');
  await writeFixtureDir(cache);
  await unlink(join(cache, 'train-images-idx3-ubyte.gz'));
  await writeFile(join(cache, 't10k-labels-idx1-ubyte.gz'), 'damaged');
  await loadFashionMnist(isolated({ cacheDir: cache, download: true, baseUrl: server.url }));
  assert.deepEqual(server.requests.sort(), ['/data/t10k-labels-idx1-ubyte.gz', '/data/train-images-idx3-ubyte.gz']);
  await assertNoPartFiles(cache);
});

test('HTTP 404: error lists the download, no partial file is left', async (t) => {
  const files = gzFiles();
  files.delete('/data/t10k-images-idx3-ubyte.gz');
  const server = await serve(fileServer(files));
  t.after(() => server.close());
  const opts = isolated({ download: true, baseUrl: server.url });
  await assertRejects(loadFashionMnist(opts), 'E_NOT_FOUND', [
    `cache directory ${opts.cacheDir}: does not exist`,
    `system directory ${opts.systemDir}: does not exist`,
    `download from ${server.url}`,
    `${server.url}t10k-images-idx3-ubyte.gz: expected HTTP 200, found HTTP 404`,
    'apt-get install dataset-fashion-mnist',
  ]);
  const left = await readdir(opts.cacheDir!);
  assert.ok(!left.some((name) => name.startsWith('t10k-images')), left.join(', '));
  await assertNoPartFiles(opts.cacheDir!);
});

test('a connection cut mid-body is E_DOWNLOAD; no partial file is left', async (t) => {
  const files = gzFiles();
  const server = await serve(
    fileServer(files, (req, res) => {
      const body = files.get(req.url ?? '')!;
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, body.length >> 1), () => res.destroy());
      return true;
    }),
  );
  t.after(() => server.close());
  const opts = isolated({ download: true, baseUrl: server.url });
  const total = files.get('/data/train-images-idx3-ubyte.gz')!.length;
  await assertRejects(loadFashionMnist(opts), 'E_NOT_FOUND', [
    `${server.url}train-images-idx3-ubyte.gz: the download broke off after `,
    ` of ${total} bytes`,
    'try again later',
  ]);
  assert.deepEqual(await readdir(opts.cacheDir!), []);
});

test('a chunked response (no Content-Length) cut mid-body is E_DOWNLOAD; no partial file is left', async (t) => {
  const files = gzFiles();
  const server = await serve((req, res) => {
    const body = files.get(req.url ?? '')!;
    res.writeHead(200); // no content-length: Node sends it chunked
    res.write(body.subarray(0, body.length >> 1), () => res.destroy());
  });
  t.after(() => server.close());
  const opts = isolated({ download: true, baseUrl: server.url });
  await assertRejects(loadFashionMnist(opts), 'E_NOT_FOUND', [
    'train-images-idx3-ubyte.gz: the download broke off after ',
    ' of unknown bytes',
  ]);
  assert.deepEqual(await readdir(opts.cacheDir!), []);
});

test('a complete response holding a truncated gzip is rejected; no partial file is left', async (t) => {
  const files = gzFiles();
  for (const [path, body] of files) files.set(path, body.subarray(0, body.length - 30));
  const server = await serve(fileServer(files));
  t.after(() => server.close());
  const opts = isolated({ download: true, baseUrl: server.url });
  await assertRejects(loadFashionMnist(opts), 'E_NOT_FOUND', ['train-images-idx3-ubyte.gz: expected a complete gzip stream']);
  assert.deepEqual(await readdir(opts.cacheDir!), []);
});

test('an HTML page instead of gzip is rejected', async (t) => {
  const server = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Captive portal</html>');
  });
  t.after(() => server.close());
  const opts = isolated({ download: true, baseUrl: server.url });
  await assertRejects(loadFashionMnist(opts), 'E_NOT_FOUND', ['expected a gzip file', 'Captive portal']);
  assert.deepEqual(await readdir(opts.cacheDir!), []);
});

test('a stalled download times out; no partial file is left', async (t) => {
  const files = gzFiles();
  const server = await serve((req, res) => {
    const body = files.get(req.url ?? '')!;
    res.writeHead(200, { 'content-length': body.length });
    res.write(body.subarray(0, 100)); // then nothing
  });
  t.after(() => server.close());
  const opts = isolated({ download: true, baseUrl: server.url, timeoutMs: 200 });
  await assertRejects(loadFashionMnist(opts), 'E_NOT_FOUND', ['no data for 200 ms']);
  assert.deepEqual(await readdir(opts.cacheDir!), []);
});

test('timeoutMs limits silence, not the whole download: a slow steady body completes', async (t) => {
  const files = gzFiles();
  const slow = '/data/train-images-idx3-ubyte.gz';
  const server = await serve(
    fileServer(files, (req, res) => {
      if (req.url !== slow) return false;
      const body = files.get(slow)!;
      res.writeHead(200, { 'content-length': body.length });
      const pieces = 6;
      const size = Math.ceil(body.length / pieces);
      let sent = 0;
      const next = (): void => {
        res.write(body.subarray(sent * size, (sent + 1) * size));
        sent += 1;
        if (sent === pieces) res.end();
        else setTimeout(next, 100);
      };
      next();
      return true;
    }),
  );
  t.after(() => server.close());
  const started = Date.now();
  const progress: DownloadProgress[] = [];
  const data = await loadFashionMnist(
    isolated({ download: true, baseUrl: server.url, timeoutMs: 300, onProgress: (p) => progress.push(p) }),
  );
  assert.ok(Date.now() - started >= 500, 'the slow file took longer than timeoutMs in all');
  assert.equal(data.train.count, 25);
  assert.ok(progress.filter((p) => p.file === 'train-images-idx3-ubyte.gz').length >= 6);
});

test('a redirect to another server by absolute URL is followed; one to a non-http URL is an error', async (t) => {
  const target = await serve(fileServer(gzFiles()));
  t.after(() => target.close());
  const mover = await serve((req, res) => {
    res.writeHead(307, { location: `${target.url}${(req.url ?? '').slice('/data/'.length)}` }).end('moved');
  });
  t.after(() => mover.close());
  const cache = freshDir('cache');
  const data = await loadFashionMnist(isolated({ cacheDir: cache, download: true, baseUrl: mover.url }));
  assert.equal(data.test.count, 10);
  assert.equal(mover.requests.length, 4);
  assert.deepEqual(target.requests.sort(), [...gzFiles().keys()].sort());
  await assertNoPartFiles(cache);

  const ftp = await serve((_req, res) => {
    res.writeHead(302, { location: 'ftp://127.0.0.1/train-images-idx3-ubyte.gz' }).end();
  });
  t.after(() => ftp.close());
  const opts = isolated({ download: true, baseUrl: ftp.url });
  await assertRejects(loadFashionMnist(opts), 'E_NOT_FOUND', [
    `${ftp.url}train-images-idx3-ubyte.gz: redirected to ftp://127.0.0.1/train-images-idx3-ubyte.gz, expected an http: or https: URL`,
  ]);
  assert.deepEqual(await readdir(opts.cacheDir!), []);
});

test('a server labelling the .gz files Content-Encoding: gzip: the content is checked and cached gzipped', async (t) => {
  const files = gzFiles();
  const server = await serve(
    fileServer(files, (req, res) => {
      const body = files.get(req.url ?? '')!;
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': body.length }).end(body);
      return true;
    }),
  );
  t.after(() => server.close());
  const cache = freshDir('cache');
  const progress: DownloadProgress[] = [];
  const data = await loadFashionMnist(
    isolated({ cacheDir: cache, download: true, baseUrl: server.url, onProgress: (p) => progress.push(p) }),
  );
  assert.deepEqual(data.test.labels, fixtureLabels(10));
  // What arrives is the decoded body, whose size the server did not announce.
  const last = progress.filter((p) => p.file === 'train-images-idx3-ubyte.gz').at(-1)!;
  assert.equal(last.receivedBytes, fixtureFiles()['train-images-idx3-ubyte']!.length);
  assert.equal(last.totalBytes, undefined);
  const cached = await readFile(join(cache, 'train-images-idx3-ubyte.gz'));
  assert.ok(isGzip(cached), 'the cached NAME.gz is gzip');
  const again = await loadFashionMnist(isolated({ cacheDir: cache }));
  assert.deepEqual(again.train.x, data.train.x);
});

test('a refused connection is E_DOWNLOAD naming the URL and the reason', async () => {
  const closed = await serve(() => undefined);
  await closed.close(); // nothing listens on its port any more
  const opts = isolated({ download: true, baseUrl: closed.url });
  await assertRejects(loadFashionMnist(opts), 'E_NOT_FOUND', [
    `download from ${closed.url}`,
    `${closed.url}train-images-idx3-ubyte.gz: request failed (`,
    'ECONNREFUSED',
    'check the network connection',
  ]);
  assert.deepEqual(await readdir(opts.cacheDir!), []);
});

test('more than 5 redirects is an error', async (t) => {
  const server = await serve((req, res) => {
    res.writeHead(301, { location: `${req.url}x` }).end();
  });
  t.after(() => server.close());
  await assertRejects(loadFashionMnist(isolated({ download: true, baseUrl: server.url })), 'E_NOT_FOUND', ['more than 5 redirects']);
  assert.equal(server.requests.length, 6);
});
