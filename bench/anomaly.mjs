#!/usr/bin/env node
/**
 * The anomaly-detection benchmarks whose figures the README and docs/anomalies.md quote, each an
 * `aekit benchmark` command with the settings used (long runs: 20–60 minutes each on 2 cores):
 *
 *   dev       Fashion-MNIST one-class, dev protocol (10 % of the training split, test split unused),
 *             every score: how the default score was chosen
 *   fashion   Fashion-MNIST one-class, official test split, every score (GEOM's protocol)
 *   cifar     CIFAR-10 one-class, official test split, the default score and the raw-pixel baseline
 *   cifar-gcn-dev  CIFAR-10 one-class, --normalize gcn, dev protocol, every score: how the CIFAR
 *             score (latent-knn) was chosen
 *   cifar-gcn CIFAR-10 one-class, --normalize gcn, official test split, latent-knn and raw-knn
 *   holdout   Fashion-MNIST leave-one-class-out, official test split, every score; 1 epoch on the
 *             54,000 images of nine classes (≈ the gradient steps of 10 epochs on one class's 6,000)
 *
 * Each writes bench/results-anomaly/<part>/results.json, results.md and roc.png. CIFAR-10 comes
 * from ../shared/data/cifar10-jpeg.tar.gz (extracted once into $TMPDIR/aekit-cifar10) or
 * --cifar DIR; without either the part is skipped with a message naming what is missing.
 * Usage: node bench/anomaly.mjs [dev] [fashion] [cifar] [cifar-gcn-dev] [cifar-gcn] [holdout] [--cifar DIR]
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cifarDir } from './cifar-dir.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const OUT = path.join(ROOT, 'bench', 'results-anomaly');
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const parts = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
const want = (p) => parts.length === 0 || parts.includes(p);

function aekit(argv) {
  return new Promise((resolve, reject) => {
    console.log(`$ aekit ${argv.join(' ')}`);
    const child = spawn(process.execPath, [CLI, ...argv], { stdio: 'inherit' });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`aekit ${argv[0]} ${argv[1]} exited with ${code}`))));
  });
}

if (want('dev'))
  await aekit([
    'benchmark',
    'one-class',
    '--protocol',
    'dev',
    '--score',
    'all',
    '--epochs',
    '10',
    '--out',
    path.join(OUT, 'fashion-one-class-dev'),
  ]);
if (want('fashion'))
  await aekit(['benchmark', 'one-class', '--score', 'all', '--epochs', '10', '--out', path.join(OUT, 'fashion-one-class')]);
// The CIFAR-10 parts: the folder's flags for each (the default score unless --score is given).
const CIFAR_PARTS = [
  ['cifar', 'cifar10-one-class', []],
  ['cifar-gcn-dev', 'cifar10-one-class-gcn-dev', ['--normalize', 'gcn', '--protocol', 'dev', '--score', 'all']],
  ['cifar-gcn', 'cifar10-one-class-gcn', ['--normalize', 'gcn', '--score', 'latent-knn']],
];
for (const [part, out, extra] of CIFAR_PARTS) {
  if (!want(part)) continue;
  const dir = await cifarDir(flag('--cifar'), ROOT);
  if (dir === null) console.log(`${part}: skipped, ../shared/data/cifar10-jpeg.tar.gz is absent and no --cifar DIR was given`);
  else
    await aekit([
      'benchmark',
      'one-class',
      '--dataset',
      'images',
      '--images',
      dir,
      ...extra,
      '--epochs',
      '10',
      '--out',
      path.join(OUT, out),
    ]);
}
if (want('holdout')) await aekit(['benchmark', 'holdout', '--score', 'all', '--epochs', '1', '--out', path.join(OUT, 'fashion-holdout')]);
