import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../core/random.js';
import * as tf from '../core/tf.js';
import { AnomalyDetector, comparableScores, parseScore, sumNormalised } from './detector.js';
import { knnScores, type Points } from './knn.js';
import { fitMahalanobis, mahalanobisScores } from './mahalanobis.js';
import { rocAuc, rocCurve } from './scores.js';
import { ssim } from './ssim.js';

await tf.setBackend('cpu');

function gaussian(seed: number): () => number {
  const r = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}

function randomPoints(count: number, dim: number, seed: number, scale: number[] = []): Points {
  const g = gaussian(seed);
  const x = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) for (let d = 0; d < dim; d++) x[i * dim + d] = g() * (scale[d] ?? 1);
  return { x, shape: [dim], count };
}

test('knnScores: the mean distance to the k nearest reference points, equal to brute force; excludeSelf leaves each point out', () => {
  const ref = randomPoints(57, 7, 1);
  const queries = randomPoints(23, 7, 2);
  const brute = (q: Float32Array, skip: number, k: number): number => {
    const d: number[] = [];
    for (let j = 0; j < ref.count; j++) {
      if (j === skip) continue;
      let s = 0;
      for (let t = 0; t < 7; t++) s += (q[t] - ref.x[j * 7 + t]) ** 2;
      d.push(Math.sqrt(s));
    }
    d.sort((a, b) => a - b);
    return d.slice(0, k).reduce((a, b) => a + b, 0) / k;
  };
  for (const k of [1, 3, 5]) {
    const s = knnScores(ref, queries, { k, batchSize: 10 });
    for (let i = 0; i < queries.count; i++)
      assert.ok(Math.abs(s[i] - brute(queries.x.subarray(i * 7, i * 7 + 7), -1, k)) < 1e-4, `k ${k} query ${i}`);
    const self = knnScores(ref, ref, { k, excludeSelf: true });
    for (let i = 0; i < ref.count; i++)
      assert.ok(Math.abs(self[i] - brute(ref.x.subarray(i * 7, i * 7 + 7), i, k)) < 1e-4, `self k ${k} ${i}`);
  }
  assert.throws(() => knnScores(ref, randomPoints(3, 6, 3)), /the reference points have 7 values each, the queries 6/);
  assert.throws(() => knnScores(ref, queries, { k: 58 }), /k must be an integer in 1…57 \(the reference points\), got 58/);
});

test('fitMahalanobis: whitening inverts the shrunk covariance; distances grow along the narrow axis; shrinkage in [0, 1]', () => {
  // Axis 0 wide (σ 3), axis 1 narrow (σ 0.3): the same offset is far more unusual along axis 1.
  const points = randomPoints(4000, 2, 5, [3, 0.3]);
  const model = fitMahalanobis(points);
  assert.ok(model.shrinkage >= 0 && model.shrinkage <= 1);
  const probe: Points = { x: Float32Array.from([1.5, 0, 0, 1.5]), shape: [2], count: 2 };
  const [wide, narrow] = mahalanobisScores(model, probe);
  assert.ok(Math.abs(wide - (1.5 / 3) ** 2) < 0.05, `along the wide axis ${wide}`);
  assert.ok(narrow > 10 * wide, `along the narrow axis ${narrow}`);
  // Many dimensions from few points: the sample covariance is singular, the shrunk one is not.
  const few = randomPoints(20, 50, 6);
  const shrunk = fitMahalanobis(few);
  assert.ok(shrunk.shrinkage > 0.1, `shrinkage ${shrunk.shrinkage}`);
  assert.ok(mahalanobisScores(shrunk, randomPoints(5, 50, 7)).every((v) => Number.isFinite(v) && v > 0));
  assert.throws(() => fitMahalanobis({ x: new Float32Array(3), shape: [3], count: 1 }), /needs at least 2 points/);
});

test('ssim: 1 for identical images, lower for noise than for a small brightness shift, on grey and RGB batches', () => {
  const g = gaussian(9);
  const a = tf.tensor4d(
    Float32Array.from({ length: 2 * 12 * 12 * 3 }, () => 0.5 + 0.2 * g()),
    [2, 12, 12, 3],
  );
  const same = ssim(a, a).arraySync();
  for (const v of same) assert.ok(Math.abs(v - 1) < 1e-5);
  const shifted = ssim(a, tf.add(a, 0.02)).arraySync();
  const noisy = ssim(a, tf.add(a, tf.randomNormal(a.shape, 0, 0.2, 'float32', 3))).arraySync();
  for (let i = 0; i < 2; i++) assert.ok(noisy[i] < shifted[i] && shifted[i] < 1, `${noisy[i]} < ${shifted[i]} < 1`);
  const grey = tf.tensor3d(
    Float32Array.from({ length: 5 * 5 }, (_, i) => i / 25),
    [1, 5, 5],
  );
  assert.ok(Math.abs(ssim(grey, grey).arraySync()[0] - 1) < 1e-5, 'an image smaller than the window uses its own side');
  assert.throws(() => ssim(a, grey), /the images are \[2, 12, 12, 3\], the reconstructions \[1, 5, 5\]/);
});

test('rocCurve: sampled at even false-positive rates, from (0, ·) to (1, 1), its area close to rocAuc', () => {
  const g = gaussian(11);
  const scores = Array.from({ length: 400 }, (_, i) => g() + (i % 4 === 0 ? 1.5 : 0));
  const positive = scores.map((_, i) => i % 4 === 0);
  const { fpr, tpr } = rocCurve(scores, positive, 201);
  assert.equal(fpr.length, 201);
  assert.equal(fpr[200], 1);
  assert.equal(tpr[200], 1);
  for (let i = 1; i < tpr.length; i++) assert.ok(tpr[i] >= tpr[i - 1]);
  let area = 0;
  for (let i = 1; i < fpr.length; i++) area += ((tpr[i] + tpr[i - 1]) / 2) * (fpr[i] - fpr[i - 1]);
  assert.ok(Math.abs(area - rocAuc(scores, positive)) < 0.01, `${area} vs ${rocAuc(scores, positive)}`);
  assert.throws(() => rocCurve([1, 2], [true, true]), /needs both positives and negatives/);
});

test('parseScore and comparableScores: single names, + sums, clear errors; elbo and kl only for a VAE, ssim only for images', () => {
  assert.deepEqual(parseScore('mse+latent-knn'), ['mse', 'latent-knn']);
  assert.throws(() => parseScore('mse+psnr'), /expected a score name or names joined by \+ .*got 'mse\+psnr'/);
  assert.throws(() => parseScore('mse+mse'), /names a score twice/);
  assert.ok(!comparableScores({ vae: false, images: true }).includes('elbo'));
  assert.ok(comparableScores({ vae: true, images: true }).includes('kl'));
  const table = comparableScores({ vae: false, images: false });
  assert.ok(!table.includes('ssim') && !table.includes('ssim+latent-knn') && table.includes('mse+latent-knn'));
});

test('sumNormalised: each score made (s − mean) / std, then averaged', () => {
  const out = sumNormalised(
    [Float32Array.from([1, 3]), Float32Array.from([10, 30])],
    [
      { score: 'mse', mean: 1, std: 2 },
      { score: 'latent-knn', mean: 10, std: 20 },
    ],
  );
  assert.deepEqual(Array.from(out), [0, 1]);
});

/** A tiny dense autoencoder on 6 features whose data lie near a 2-D plane, trained a little. */
async function planeModel(): Promise<{ autoencoder: tf.LayersModel; encoder: tf.LayersModel; normal: Points; odd: Points }> {
  const g = gaussian(21);
  const make = (count: number, off: boolean): Points => {
    const x = new Float32Array(count * 6);
    for (let i = 0; i < count; i++) {
      const a = g();
      const b = g();
      const row = [a, b, a + b, a - b, 2 * a, -b].map((v) => 0.5 + 0.1 * v + 0.01 * g());
      if (off) row[2] = 0.5 - 0.3 * (a + b); // breaks the plane
      x.set(row, i * 6);
    }
    return { x, shape: [6], count };
  };
  const input = tf.input({ shape: [6] });
  const encoderLayer = tf.layers.dense({ units: 2, activation: 'linear', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) });
  const code = encoderLayer.apply(input) as tf.SymbolicTensor;
  const encoder = tf.model({ inputs: input, outputs: code });
  const decoder = tf.sequential({
    layers: [tf.layers.dense({ units: 6, inputShape: [2], kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) })],
  });
  const autoencoder = tf.model({ inputs: input, outputs: decoder.apply(code) as tf.SymbolicTensor });
  autoencoder.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
  const normal = make(300, false);
  const t = tf.tensor2d(normal.x, [300, 6]);
  await autoencoder.fit(t, t, { epochs: 60, batchSize: 32, verbose: 0 });
  t.dispose();
  return { autoencoder, encoder, normal, odd: make(60, true) };
}

test('AnomalyDetector: fit → score ranks off-plane samples higher; contamination and percentile thresholds; predict; state round trip', async () => {
  const { autoencoder, encoder, normal, odd } = await planeModel();
  const train: Points = { ...normal, count: 240, x: normal.x.subarray(0, 240 * 6) };
  const test: Points = {
    x: Float32Array.from([...normal.x.subarray(240 * 6), ...odd.x]),
    shape: [6],
    count: 60 + odd.count,
  };
  const isOdd = Array.from({ length: test.count }, (_, i) => i >= 60);
  const numbers = new Map<string, number>();
  for (const score of ['mse', 'latent-knn', 'latent-mahalanobis', 'rapp', 'raw-knn', 'mse+latent-knn']) {
    const detector = await new AnomalyDetector({ autoencoder, encoder }, { score, k: 3, contamination: 0.05 }).fit(train);
    assert.match(detector.thresholdRule, /the 95% quantile of 240 training scores/);
    const scores = await detector.score(test);
    numbers.set(score, rocAuc(scores, isOdd));
    // predict: 1 exactly above the threshold
    const flags = detector.predict(scores);
    for (let i = 0; i < scores.length; i++) assert.equal(flags[i], scores[i] > detector.threshold ? 1 : 0);
    // the saved state scores the same, threshold included
    const again = AnomalyDetector.fromState({ autoencoder, encoder }, detector.state());
    assert.deepEqual(Array.from(await again.score(test)), Array.from(scores));
    assert.equal(again.threshold, detector.threshold);
    assert.equal(again.thresholdForContamination(0.05), detector.threshold);
    detector.calibrate(scores.subarray(0, 60), 90);
    assert.match(detector.thresholdRule, /the 90th percentile of 60 validation scores/);
  }
  // Off-plane samples are caught by the reconstruction error (the model learnt the plane).
  assert.ok((numbers.get('mse') as number) > 0.9, `mse ${numbers.get('mse')}`);
  assert.ok((numbers.get('rapp') as number) > 0.9, `rapp ${numbers.get('rapp')}`);
  assert.ok((numbers.get('mse+latent-knn') as number) > 0.8, `mse+latent-knn ${numbers.get('mse+latent-knn')}`);
});

test('AnomalyDetector.select: a score taken from a fitted multi-part detector equals the same score fitted alone', async () => {
  const { autoencoder, encoder, normal, odd } = await planeModel();
  const models = { autoencoder, encoder };
  const all = await new AnomalyDetector(models, { score: 'mse+latent-knn+latent-mahalanobis+rapp+raw-knn', k: 3 }).fit(normal);
  for (const score of ['latent-knn', 'rapp', 'raw-knn', 'mse+latent-knn', 'latent-knn+latent-mahalanobis']) {
    const alone = await new AnomalyDetector(models, { score, k: 3 }).fit(normal);
    const picked = all.select(score);
    assert.deepEqual(picked.parts, alone.parts);
    assert.deepEqual(picked.normalisation, alone.normalisation, `${score}: normalisers`);
    assert.equal(picked.threshold, alone.threshold, `${score}: contamination threshold`);
    assert.deepEqual(Array.from(await picked.score(odd)), Array.from(await alone.score(odd)), `${score}: scores`);
    assert.deepEqual(picked.state().json, alone.state().json, `${score}: saved state`);
  }
  assert.throws(() => all.select('ssim'), /select\('ssim'\): ssim not among this detector's scores/);
  assert.throws(() => new AnomalyDetector(models, { score: 'mse' }).select('mse'), /call fit\(train\) first/);
});

test('AnomalyDetector: clear errors for scores the models cannot give', () => {
  const input = tf.input({ shape: [4] });
  const out = tf.layers.dense({ units: 4 }).apply(input) as tf.SymbolicTensor;
  const autoencoder = tf.model({ inputs: input, outputs: out });
  assert.throws(() => new AnomalyDetector({ autoencoder }, { score: 'latent-knn' }), /the latent-knn score needs the model's encoder/);
  assert.throws(() => new AnomalyDetector({ autoencoder }, { score: 'ssim' }), /ssim needs images .*the model takes \[4\]/);
  assert.throws(() => new AnomalyDetector({ autoencoder }, { score: 'elbo' }), /elbo and kl need a VAE/);
  assert.throws(() => new AnomalyDetector({ autoencoder }, { contamination: 0.7 }), /expected a rate in \(0, 0.5\), got 0.7/);
  assert.rejects(
    () => new AnomalyDetector({ autoencoder }).score({ x: new Float32Array(4), shape: [4], count: 1 }),
    /call fit\(train\) first/,
  );
});
