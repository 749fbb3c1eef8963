#!/usr/bin/env node
/**
 * Builds aekit's browser bundles from src/browser/index.ts (run by `npm run build`, after tsc):
 *
 *   dist/browser/aekit-layers.min.js   a classic script for pages that load TensorFlow.js first
 *                                      (tf.min.js, or tf-core + a backend + tf-layers); it reads
 *                                      the page's global `tf` and defines the global `aekit`
 *   dist/browser/aekit-layers.mjs      the same as an ES module for bundlers; it imports
 *                                      @tensorflow/tfjs-core and @tensorflow/tfjs-layers
 *
 * It also copies the page of `aekit serve` (src/serve/page: index.html, app.js, style.css, plain
 * browser files) to dist/serve/page, where dist/serve/site.js reads it.
 *
 * Neither bundle contains TensorFlow.js: a second copy would have its own layer registry and engine, so
 * the page's `tf.loadLayersModel` would not know aekit's layers. The tfjs imports of src/ are
 * mapped to the page's `tf` (or left as imports); the CPU backend that src/core/tf.ts imports for
 * Node is dropped (the page chooses its backends). The build fails if anything from node_modules
 * ends up in a bundle, or if src/ imports another tfjs package.
 *
 *   node scripts/build-browser.mjs     (prints each bundle's size)
 */
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

/** Repository root (this file is scripts/build-browser.mjs). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where the bundles are written. */
export const OUT_DIR = path.join(ROOT, 'dist', 'browser');
/** The entry point both bundles are built from. */
const ENTRY = path.join(ROOT, 'src', 'browser', 'index.ts');
/** The page of `aekit serve`, and where the build puts it. */
const PAGE_SRC = path.join(ROOT, 'src', 'serve', 'page');
const PAGE_OUT = path.join(ROOT, 'dist', 'serve', 'page');
/** The tfjs packages aekit's browser code may use: the page's (or the app's) copy. */
const SHARED = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers'];
/** Imported by src/core/tf.ts so that Node has a backend; a page brings its own. */
const NODE_BACKEND = '@tensorflow/tfjs-backend-cpu';

/**
 * The page's `tf` as a CommonJS module, so that `import * as tf` sees every name tfjs defines.
 * Fails with a clear message when the page has not loaded tfjs (with its layers) first.
 */
const GLOBAL_TF = `
const tf = globalThis.tf;
if (tf === undefined || tf === null || typeof tf.loadLayersModel !== 'function' || tf.serialization === undefined) {
  const { AekitError } = require('./core/errors.ts');
  throw new AekitError(
    'aekit-layers.min.js needs TensorFlow.js with its Layers API loaded before it: put <script src="tf.min.js"> (or tf-core, tf-backend-cpu and tf-layers .min.js, in that order) above it',
    { code: 'E_NO_TFJS' },
  );
}
module.exports = tf;
`;

/** Resolves src/'s tfjs imports: `shared` says what to do with tfjs-core and tfjs-layers. */
function tfjsImports(shared) {
  return {
    name: 'aekit-tfjs-imports',
    setup(build) {
      build.onResolve({ filter: /^@tensorflow\// }, (args) => {
        if (SHARED.includes(args.path)) return shared === 'global' ? { path: 'tf', namespace: 'aekit-global-tf' } : { external: true };
        if (args.path === NODE_BACKEND) return { path: NODE_BACKEND, namespace: 'aekit-empty' };
        return {
          errors: [
            { text: `'${args.path}' (imported by ${path.relative(ROOT, args.importer)}) would put TensorFlow.js into the browser bundle` },
          ],
        };
      });
      build.onLoad({ filter: /.*/, namespace: 'aekit-global-tf' }, () => ({
        contents: GLOBAL_TF,
        loader: 'js',
        resolveDir: path.join(ROOT, 'src'),
      }));
      build.onLoad({ filter: /.*/, namespace: 'aekit-empty' }, () => ({ contents: '', loader: 'js' }));
    },
  };
}

/** Throws when a bundle took in a file from node_modules (tfjs or anything else). */
function checkInputs(metafile, file) {
  const outside = Object.keys(metafile.inputs).filter((f) => f.includes('node_modules'));
  if (outside.length > 0) throw new Error(`${file} would contain ${outside.join(', ')}: the browser bundles hold aekit's own code only`);
}

/** Builds both bundles, copies the serve page, and returns the files' paths and sizes in bytes. */
export async function buildBrowser() {
  const { version } = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
  const common = {
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'browser',
    target: 'es2020',
    metafile: true,
    logLevel: 'warning',
    tsconfig: path.join(ROOT, 'tsconfig.json'),
  };
  const builds = [
    {
      file: path.join(OUT_DIR, 'aekit-layers.min.js'),
      options: {
        format: 'iife',
        globalName: 'aekit',
        minify: true,
        // error classes name themselves after their constructor (AekitError's `name`)
        keepNames: true,
        banner: { js: `/* aekit ${version} browser layers (MIT): load after TensorFlow.js; defines the global aekit */` },
        plugins: [tfjsImports('global')],
      },
    },
    {
      file: path.join(OUT_DIR, 'aekit-layers.mjs'),
      options: {
        format: 'esm',
        banner: { js: `/* aekit ${version} browser layers (MIT): imports @tensorflow/tfjs-core and @tensorflow/tfjs-layers */` },
        plugins: [tfjsImports('external')],
      },
    },
  ];
  const out = [];
  for (const { file, options } of builds) {
    const result = await esbuild.build({ ...common, ...options, outfile: file });
    checkInputs(result.metafile, path.relative(ROOT, file));
    const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
    out.push({ file, bytes });
  }
  await mkdir(PAGE_OUT, { recursive: true });
  for (const name of (await readdir(PAGE_SRC)).sort()) {
    await copyFile(path.join(PAGE_SRC, name), path.join(PAGE_OUT, name));
    out.push({ file: path.join(PAGE_OUT, name), bytes: (await readFile(path.join(PAGE_OUT, name))).length });
  }
  return out;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    for (const { file, bytes } of await buildBrowser()) console.log(`${path.relative(ROOT, file)}  ${(bytes / 1024).toFixed(1)} KiB`);
  } catch (err) {
    // esbuild has printed its errors already; ours are one line
    if (!(err instanceof Error && 'errors' in err)) console.error(`build-browser: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  }
}
