#!/usr/bin/env node
/**
 * The conv1d model's speed (docs/time-series.md, "conv1d speed"): windows per second of training
 * and prediction of aekit's conv1d autoencoder (the Keras example's, 288 × 1, as [1, 7] conv2d and
 * conv2dTranspose) against a plain-tfjs peer in the same process (tfjs conv1d encoder, sub-pixel
 * conv1d decoder: tfjs has no Conv1DTranspose). Warms up, then the median of 3 passes.
 * Usage: npm run build && node bench/conv1d.mjs [backend]   (default auto)
 */
import * as tf from '../dist/core/tf.js';
import { useBackend } from '../dist/engine/backend.js';
import { conv1dAutoencoder } from '../dist/models/conv1d.js';

const backend = process.argv[2] ?? 'auto';
console.log((await useBackend(backend)).description);
function plainConv1d() {
  // tfjs has neither Conv1DTranspose nor UpSampling1D: a stride-2 transposed conv1d is a conv1d to
  // 2·F filters whose output is reshaped [L, 2F] → [2L, F] (sub-pixel upsampling), same cost class
  const m = tf.sequential();
  m.add(tf.layers.conv1d({ filters: 32, kernelSize: 7, strides: 2, padding: 'same', activation: 'relu', inputShape: [288, 1] }));
  m.add(tf.layers.dropout({ rate: 0.2 }));
  m.add(tf.layers.conv1d({ filters: 16, kernelSize: 7, strides: 2, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.conv1d({ filters: 32, kernelSize: 7, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.reshape({ targetShape: [144, 16] }));
  m.add(tf.layers.dropout({ rate: 0.2 }));
  m.add(tf.layers.conv1d({ filters: 64, kernelSize: 7, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.reshape({ targetShape: [288, 32] }));
  m.add(tf.layers.conv1d({ filters: 1, kernelSize: 7, padding: 'same' }));
  return m;
}
const n = 1024;
const x = tf.randomNormal([n, 288, 1], 0, 1, 'float32', 1);
async function time(name, model) {
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError' });
  await model.fit(x, x, { epochs: 1, batchSize: 128, verbose: 0 }); // warm-up
  const fits = [];
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    await model.fit(x, x, { epochs: 1, batchSize: 128, verbose: 0 });
    fits.push((performance.now() - t) / 1000);
  }
  const preds = [];
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    const y = model.predict(x, { batchSize: 512 });
    await y.data();
    y.dispose();
    preds.push((performance.now() - t) / 1000);
  }
  const med = (a) => a.sort((p, q) => p - q)[1];
  console.log(
    `${name}: train ${(n / med(fits)).toFixed(0)} windows/s, predict ${(n / med(preds)).toFixed(0)} windows/s (${model.countParams()} params)`,
  );
  return n / med(fits);
}
const a = await time('aekit conv1d ([1,7] conv2d + conv2dTranspose)', conv1dAutoencoder({ seed: 1 }).autoencoder);
const b = await time('tfjs conv1d + sub-pixel peer', plainConv1d());
console.log(`ratio (train): ${(a / b).toFixed(2)}`);
