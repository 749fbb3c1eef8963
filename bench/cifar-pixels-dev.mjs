#!/usr/bin/env node
/**
 * How `--normalize` was chosen for CIFAR-10, on the dev protocol (the training split alone, the
 * test split unread): the raw-pixel 5-NN one-class ROC AUC per class with each image's pixels as
 * they are (v / 255), mean removed, and globally contrast normalised with the L2 norm (aekit's
 * `gcn`) or the L1 norm (Deep SVDD's). The same split as `aekit benchmark one-class --protocol dev`
 * (a seeded 10 % of train/ is the evaluation set). No training: a few minutes on 2 cores.
 * Writes bench/results-anomaly/cifar10-pixels-dev.json.
 *
 *   npm run build && node bench/cifar-pixels-dev.mjs [--cifar DIR]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { knnScores } from '../dist/analysis/knn.js';
import { rocAuc } from '../dist/analysis/scores.js';
import { loadData } from '../dist/data/load.js';
import { globalContrastNormalize, pickSamples, toFloatSamples } from '../dist/data/samples.js';
import { seededSplit } from '../dist/data/split.js';
import { useBackend } from '../dist/engine/backend.js';
import { cifarDir } from './cifar-dir.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = process.argv.indexOf('--cifar');
const dir = await cifarDir(at > 0 ? process.argv[at + 1] : undefined, ROOT);
if (dir === null) {
  console.log('cifar-pixels-dev: skipped, ../shared/data/cifar10-jpeg.tar.gz is absent and no --cifar DIR was given');
  process.exit(0);
}
console.log((await useBackend('auto')).description);
const data = await loadData({ kind: 'images', dir }, { seed: 42 });
const { train, valid } = seededSplit(data.train.count, 0.1, 42);
const pool = toFloatSamples(pickSamples(data.train, train));
const evaluation = toFloatSamples(pickSamples(data.train, valid));
const per = pool.x.length / pool.count;

/** Each sample of `s` mapped by `f(row)` in place on a copy. */
const mapped = (s, f) => {
  const x = Float32Array.from(s.x);
  for (let i = 0; i < s.count; i++) f(x.subarray(i * per, (i + 1) * per));
  return { ...s, x };
};
const mean = (row) => row.reduce((a, v) => a + v, 0) / row.length;
const VARIANTS = {
  none: () => {},
  'mean removed': (row) => {
    const m = mean(row);
    for (let j = 0; j < row.length; j++) row[j] -= m;
  },
  'gcn (L2, aekit)': (row) => globalContrastNormalize(row, row.length),
  'gcn (L1, Deep SVDD)': (row) => {
    const m = mean(row);
    const l1 = row.reduce((a, v) => a + Math.abs(v - m), 0) / row.length;
    for (let j = 0; j < row.length; j++) row[j] = (row[j] - m) / Math.max(l1, 1 / 64);
  },
};
const results = {};
for (const [name, f] of Object.entries(VARIANTS)) {
  const ref = mapped(pool, f);
  const ev = mapped(evaluation, f);
  const aucs = data.classes.map((_, c) => {
    const normal = [];
    for (let i = 0; i < ref.count; i++) if (ref.labels[i] === c) normal.push(i);
    return rocAuc(
      knnScores(pickSamples(ref, normal), ev, { k: 5 }),
      Array.from(ev.labels, (l) => l !== c),
    );
  });
  results[name] = { mean_auc: aucs.reduce((a, b) => a + b, 0) / aucs.length, classes: aucs };
  console.log(`${name.padEnd(22)} mean ${results[name].mean_auc.toFixed(4)}  ${aucs.map((a) => a.toFixed(3)).join(' ')}`);
}
const out = path.join(ROOT, 'bench', 'results-anomaly', 'cifar10-pixels-dev.json');
writeFileSync(out, `${JSON.stringify({ protocol: 'dev', k: 5, classes: data.classes, results }, null, 2)}\n`);
console.log(`written: ${out}`);
