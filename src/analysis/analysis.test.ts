import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { seededRandom } from '../core/random.js';
import * as tf from '../core/tf.js';
import { withoutClass } from '../data/subsets.js';
import { encodeAll, encodeBatches, writeCodings } from './codings.js';
import { knnAccuracy, nearestNeighbours, type Points } from './knn.js';
import { pca } from './pca.js';
import { reduceTo2d } from './reduce.js';
import { percentile, reconstructionErrors, rocAuc } from './scores.js';
import { tsne } from './tsne.js';
import { umap } from './umap.js';

/** `perClass` points around each of `classes` well-separated centres in `dim` dimensions. */
function blobs(classes: number, perClass: number, dim: number, spread = 0.3, seed = 1): { points: Points; labels: Uint8Array } {
  const r = seededRandom(seed);
  const g = (): number => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  const centres = Array.from({ length: classes }, () => Array.from({ length: dim }, () => g() * 4));
  const count = classes * perClass;
  const data = new Float32Array(count * dim);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % classes;
    for (let d = 0; d < dim; d++) data[i * dim + d] = centres[labels[i]][d] + g() * spread;
  }
  return { points: { x: data, shape: [dim], count }, labels };
}

test('nearestNeighbours matches a naive search and excludes the point itself', () => {
  const { points } = blobs(3, 10, 5);
  const nb = nearestNeighbours(points, 4);
  for (let i = 0; i < points.count; i++) {
    const d = Array.from({ length: points.count }, (_, j) => {
      let s = 0;
      for (let q = 0; q < points.shape[0]; q++) s += (points.x[i * 5 + q] - points.x[j * 5 + q]) ** 2;
      return [Math.sqrt(s), j] as const;
    })
      .filter(([, j]) => j !== i)
      .sort((a, b) => a[0] - b[0]);
    assert.deepEqual(
      Array.from(nb.indices.subarray(i * 4, i * 4 + 4)),
      d.slice(0, 4).map(([, j]) => j),
    );
    nb.distances.subarray(i * 4, i * 4 + 4).forEach((v, q) => assert.ok(Math.abs(v - d[q][0]) < 1e-4));
  }
  assert.throws(() => nearestNeighbours(points, 30), /nearestNeighbours: k must be an integer in 1…29/);
});

test('knnAccuracy: 1 on separated blobs, about chance on random labels, checks lengths', () => {
  const { points, labels } = blobs(4, 25, 8);
  assert.equal(knnAccuracy(points, labels, 5), 1);
  const r = seededRandom(3);
  const noise = Uint8Array.from(labels, () => Math.floor(r() * 4));
  assert.ok(knnAccuracy(points, noise, 5) < 0.5);
  assert.throws(() => knnAccuracy(points, labels.subarray(1), 5), /100 points but 99 labels/);
});

test('pca finds the dominant direction and the explained variance', () => {
  const r = seededRandom(2);
  const count = 200;
  const data = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) {
    const t = (r() - 0.5) * 10;
    data[i * 3] = t;
    data[i * 3 + 1] = 2 * t + (r() - 0.5) * 0.1;
    data[i * 3 + 2] = (r() - 0.5) * 0.1;
  }
  const { projected, explained } = pca({ x: data, shape: [3], count }, 2);
  assert.deepEqual(projected.shape, [2]);
  assert.ok(explained[0] > 0.99, `first component explains ${explained[0]}`);
  // The first coordinate is ±√5·t up to centring: its correlation with t is ±1.
  const xs = Array.from({ length: count }, (_, i) => projected.x[2 * i]);
  const ts = Array.from({ length: count }, (_, i) => data[i * 3]);
  const mx = xs.reduce((a, b) => a + b) / count;
  const mt = ts.reduce((a, b) => a + b) / count;
  const cov = xs.reduce((a, x, i) => a + (x - mx) * (ts[i] - mt), 0);
  const corr = cov / Math.sqrt(xs.reduce((a, x) => a + (x - mx) ** 2, 0) * ts.reduce((a, t) => a + (t - mt) ** 2, 0));
  assert.ok(Math.abs(Math.abs(corr) - 1) < 1e-3, `correlation ${corr}`);
});

test('Barnes-Hut t-SNE keeps separated classes apart and is deterministic', async () => {
  const { points, labels } = blobs(5, 40, 10);
  let calls = 0;
  const a = await tsne(points, {
    perplexity: 10,
    iterations: 300,
    onIteration: () => {
      calls++;
    },
  });
  assert.equal(calls, 300);
  assert.equal(a.count, 200);
  assert.deepEqual(a.shape, [2]);
  assert.ok(a.x.every(Number.isFinite));
  assert.ok(knnAccuracy(a, labels, 5) > 0.95);
  const b = await tsne(points, { perplexity: 10, iterations: 300 });
  assert.deepEqual(Array.from(a.x), Array.from(b.x));
  // theta = 0 is exact t-SNE: the same layout quality.
  assert.ok(knnAccuracy(await tsne(points, { perplexity: 10, iterations: 200, theta: 0 }), labels, 5) > 0.95);
  await assert.rejects(tsne({ x: new Float32Array(6), shape: [2], count: 3 }), /at least 4 points/);
});

test('umap (umap-js with exact neighbours) separates blobs; reduceTo2d dispatches every method', async () => {
  const { points, labels } = blobs(4, 30, 6);
  const y = await umap(points, { epochs: 100, seed: 1 });
  assert.ok(knnAccuracy(y, labels, 5) > 0.95);
  for (const m of ['tsne', 'umap', 'pca'] as const) {
    const xy = await reduceTo2d(m, points, { iterations: 100, perplexity: 10 });
    assert.equal(xy.x.length, 240, m);
  }
  await assert.rejects(reduceTo2d('nope' as 'pca', points), /unknown reduction method 'nope'/);
});

test('rocAuc and percentile against hand-computed values', () => {
  assert.equal(rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true]), 0.75);
  assert.equal(rocAuc([1, 1, 1, 1], [true, false, true, false]), 0.5);
  assert.equal(rocAuc([3, 4], [false, true]), 1);
  assert.throws(() => rocAuc([1, 2], [true, true]), /both positives and negatives/);
  assert.equal(percentile([1, 2, 3, 4, 5], 50), 3);
  assert.equal(percentile([1, 2, 3, 4], 25), 1.75);
  assert.equal(percentile([0, 10], 99), 9.9);
});

test('withoutClass drops one class and keeps the order', () => {
  const split = {
    x: Float32Array.from({ length: 4 * 784 }, (_, i) => Math.floor(i / 784)),
    labels: Uint8Array.from([7, 1, 7, 2]),
    count: 4,
    shape: [28, 28],
  };
  const kept = withoutClass(split, 7);
  assert.equal(kept.count, 2);
  assert.deepEqual(Array.from(kept.labels), [1, 2]);
  assert.equal(kept.x[0], 1);
  assert.equal(kept.x[784], 3);
  assert.throws(() => withoutClass(split, 10), /class index 0–9/);
});

test('codings stream in batches and write as CSV and .npy; reconstruction errors per image', async () => {
  await tf.setBackend('cpu');
  const input = tf.input({ shape: [28, 28] });
  const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
  const enc = tf.model({
    inputs: input,
    outputs: tf.layers.dense({ units: 3, kernelInitializer: 'ones', useBias: false }).apply(flat) as tf.SymbolicTensor,
  });
  const images = Float32Array.from({ length: 5 * 784 }, (_, i) => (Math.floor(i / 784) + 1) / 784);
  const labels = Uint8Array.from([0, 1, 2, 3, 4]);
  const before = tf.memory().numTensors;
  const batches = [];
  for await (const b of encodeBatches(enc, images, 5, 2)) batches.push([b.from, b.count, b.dim]);
  assert.deepEqual(batches, [
    [0, 2, 3],
    [2, 2, 3],
    [4, 1, 3],
  ]);
  const all = await encodeAll(enc, images, 5, 2);
  assert.ok(Math.abs(all.x[3 * 4] - 5) < 1e-4);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
  const dir = await mkdtemp(path.join(tmpdir(), 'aekit-codings-'));
  try {
    await writeCodings(path.join(dir, 'c.csv'), encodeBatches(enc, images, 5, 2), labels, 5);
    const csv = (await readFile(path.join(dir, 'c.csv'), 'utf8')).trim().split('\n');
    assert.equal(csv[0], 'label,c0,c1,c2');
    assert.equal(csv.length, 6);
    assert.match(csv[3], /^2,3,3,3$/);
    await writeCodings(path.join(dir, 'c.npy'), encodeBatches(enc, images, 5, 2), labels, 5);
    const npy = await readFile(path.join(dir, 'c.npy'));
    const headerLen = npy.readUInt16LE(8);
    assert.match(npy.subarray(10, 10 + headerLen).toString('latin1'), /'shape': \(5, 4\)/);
    assert.equal((10 + headerLen) % 64, 0);
    const body = new Float32Array(npy.buffer.slice(npy.byteOffset + 10 + headerLen, npy.byteOffset + npy.length));
    assert.deepEqual(
      Array.from(body.subarray(4, 8)).map((v) => Math.round(v * 1000) / 1000),
      [1, 2, 2, 2],
    );
    await assert.rejects(writeCodings(path.join(dir, 'c.txt'), encodeBatches(enc, images, 5), labels, 5), /ending in \.csv or \.npy/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const identity = tf.model({ inputs: input, outputs: tf.layers.reshape({ targetShape: [28, 28] }).apply(flat) as tf.SymbolicTensor });
  const errors = await reconstructionErrors(identity, images, 5, 'mse', 2);
  assert.deepEqual(Array.from(errors), [0, 0, 0, 0, 0]);
});
