/**
 * Integration test on the real Fashion-MNIST files of the Debian package `dataset-fashion-mnist`.
 * A missing package fails the test; set AEKIT_SKIP_REAL_DATA=1 to skip it instead.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { test } from 'node:test';
import type { FashionMnist } from './fashion-mnist.js';
import { CLASS_NAMES, loadFashionMnist } from './fashion-mnist.js';

const SYSTEM_DIR = '/usr/share/datasets/fashion-mnist';

/** False (after skipping `t`) when the data is absent and skipping was asked for; fails when it is absent otherwise. */
function requireRealData(t: TestContext): boolean {
  if (existsSync(SYSTEM_DIR)) return true;
  if (process.env.AEKIT_SKIP_REAL_DATA === '1') {
    t.skip(`AEKIT_SKIP_REAL_DATA=1 and ${SYSTEM_DIR} is missing`);
    return false;
  }
  assert.fail(
    `${SYSTEM_DIR} is missing: the real Fashion-MNIST data is needed for this test. ` +
      'Install it with `apt-get install -y dataset-fashion-mnist`, or set AEKIT_SKIP_REAL_DATA=1 to skip this test.',
  );
}

function range(values: Float32Array): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

function checkBookSplit(data: FashionMnist): void {
  assert.equal(data.train.count, 55_000);
  assert.equal(data.valid.count, 5_000);
  assert.equal(data.test.count, 10_000);
  for (const split of [data.train, data.valid, data.test]) {
    assert.equal(split.x.length, split.count * 28 * 28);
    assert.equal(split.labels.length, split.count);
    assert.deepEqual(range(split.x), [0, 1]);
    assert.ok(split.labels.every((label) => label < 10));
  }
  assert.equal(data.train.labels[0], 9);
  assert.equal(CLASS_NAMES[data.train.labels[0]!], 'Ankle boot');
}

test('real data from the Debian package: book split, [0, 1] pixels, checksums pass', async (t) => {
  if (!requireRealData(t)) return;
  // The system dir on its own (no env, no cache), so that nothing else on the machine is picked up.
  const empty = await mkdtemp(join(tmpdir(), 'aekit-real-'));
  try {
    const data = await loadFashionMnist({
      env: {},
      cacheDir: join(empty, 'cache'),
      systemDir: SYSTEM_DIR,
      download: false,
      expected: 'official',
      verify: true,
    });
    assert.equal(data.source, `system directory ${SYSTEM_DIR}`);
    checkBookSplit(data);
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
});

test('real data downloaded from a local server passes the official checks', async (t) => {
  if (!requireRealData(t)) return;
  const names = (await readdir(SYSTEM_DIR)).filter((name) => name.endsWith('.gz'));
  const server = http.createServer((req, res) => {
    const name = (req.url ?? '').slice(1);
    if (!names.includes(name)) {
      res.writeHead(404).end();
      return;
    }
    readFile(join(SYSTEM_DIR, name)).then((body) => res.writeHead(200, { 'content-length': body.length }).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const cache = await mkdtemp(join(tmpdir(), 'aekit-real-dl-'));
  try {
    const data = await loadFashionMnist({
      env: {},
      cacheDir: cache,
      systemDir: join(cache, 'no-system-dir'),
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    });
    assert.ok(data.source.startsWith('download from'), data.source);
    checkBookSplit(data);
    assert.deepEqual((await readdir(cache)).sort(), [...names].sort());
  } finally {
    server.closeAllConnections();
    server.close();
    await rm(cache, { recursive: true, force: true });
  }
});
