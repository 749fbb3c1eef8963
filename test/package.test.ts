/**
 * The published package: a Keras-like namespaced API through subpath exports (aekit/browser
 * included), and a tarball that holds the library only (no tests, fixtures, bench or scripts).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

test('the package exports namespaces and subpaths that hold what a user needs', async () => {
  const aekit = await import('aekit');
  for (const ns of ['analysis', 'data', 'layers', 'models', 'runs', 'training', 'viz'])
    assert.equal(typeof aekit[ns as keyof typeof aekit], 'object', ns);
  assert.equal(typeof aekit.trainRun, 'function');
  assert.equal(typeof aekit.useBackend, 'function');
  const models = await import('aekit/models');
  assert.equal(models.convAutoencoder, aekit.models.convAutoencoder);
  const layers = await import('aekit/layers');
  assert.equal(typeof layers.DenseTranspose, 'function');
  assert.equal(typeof (await import('aekit/training')).fit, 'function');
  assert.equal(typeof (await import('aekit/data')).loadFashionMnist, 'function');
  assert.equal(typeof (await import('aekit/analysis')).rocAuc, 'function');
  assert.equal(typeof (await import('aekit/runs')).openRun, 'function');
  // internals stay private
  await assert.rejects(import('aekit/dist/core/errors.js' as string), /ERR_PACKAGE_PATH_NOT_EXPORTED|not exported/);
  assert.ok(!('npyHeader' in aekit.analysis) && !('registerAfterLoad' in aekit.layers));
  // the browser build: an ES module for bundlers and the page script (test/browser.test.ts loads both in Chromium)
  assert.equal(import.meta.resolve('aekit/browser'), pathToFileURL(path.join(ROOT, 'dist/browser/aekit-layers.mjs')).href);
  assert.equal(
    import.meta.resolve('aekit/browser/aekit-layers.min.js'),
    pathToFileURL(path.join(ROOT, 'dist/browser/aekit-layers.min.js')).href,
  );
});

test('npm pack holds no tests, fixtures, bench or scripts', async () => {
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
    maxBuffer: 16 << 20,
  });
  const files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path);
  assert.ok(files.includes('dist/index.js') && files.includes('dist/cli/main.js') && files.includes('native/build.mjs'), files.join(' '));
  for (const f of [
    'dist/browser/aekit-layers.min.js',
    'dist/browser/aekit-layers.mjs',
    'dist/browser/index.d.ts',
    'docs/browser.md',
    // the page of aekit serve and aekit export (src/serve/page, copied by the build)
    'dist/serve/site.js',
    'dist/serve/page/index.html',
    'dist/serve/page/app.js',
    'dist/serve/page/style.css',
    'docs/serve.md',
  ])
    assert.ok(files.includes(f), `${f} is published`);
  const unwanted = files.filter((f) => /\.test\.|(^|\/)testing\/|test-helper|^bench\/|^scripts\/|^test\/|\.map$|^native\/build\//.test(f));
  assert.deepEqual(unwanted, []);
});
