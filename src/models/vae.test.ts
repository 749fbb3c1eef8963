import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '../core/tf.js';
import { useBackend } from '../engine/backend.js';
import { checkModel } from '../testing/check-model.js';
import { lossStep } from '../training/custom-step.js';
import { fit } from '../training/fit.js';
import { latentLoss } from '../training/losses.js';
import { generateImages, interpolationGrid } from '../viz/vae-grids.js';
import { variationalAutoencoder } from './vae.js';

before(async () => {
  await useBackend('wasm');
});

test("VAE has the book's layers and parameter counts", () => {
  const vae = variationalAutoencoder({ seed: 1 });
  assert.deepEqual(
    vae.training.outputs.map((o) => o.shape),
    [
      [null, 28, 28],
      [null, 10],
      [null, 10],
    ],
  );
  // encoder to the means: 784·150+150 + 150·100+100 + 100·10+10; decoder 10·100+100 + 100·150+150 + 150·784+784
  assert.equal(vae.encoder.countParams(), 117750 + 15100 + 1010);
  assert.equal(vae.decoder.countParams(), 1100 + 15150 + 118384);
  assert.equal(vae.autoencoder.countParams(), 117750 + 15100 + 1010 * 2 + 1100 + 15150 + 118384);
  const conv = variationalAutoencoder({ seed: 1, conv: true, codings: 4 });
  assert.deepEqual(conv.autoencoder.outputs[0].shape, [null, 28, 28]);
  assert.deepEqual(conv.encoder.outputs[0].shape, [null, 4]);
});

test('VAE (dense and conv) survives save → load with identical predictions', async () => {
  const x = tf.randomUniform([3, 28, 28], 0, 1, 'float32', 2);
  for (const conv of [false, true]) {
    const vae = variationalAutoencoder({ seed: 5, conv });
    const loaded = await checkModel(vae.autoencoder, {
      input: x,
      outputShape: [3, 28, 28],
      trainableParams: vae.autoencoder.countParams(),
    });
    assert.equal(loaded.getLayer('sampling').getClassName(), 'Sampling');
  }
  x.dispose();
});

test("latent loss is the book's formula", () => {
  const zero = latentLoss(tf.zeros([2, 10]), tf.zeros([2, 10]));
  assert.equal(zero.dataSync()[0], 0);
  // one sample, mean 1, logvar 0 in 10 dims: −0.5·Σ(1 + 0 − 1 − 1) = 5, / 784
  const one = latentLoss(tf.ones([1, 10]), tf.zeros([1, 10]));
  assert.ok(Math.abs(one.dataSync()[0] - 5 / 784) < 1e-7);
  tf.dispose([zero, one]);
});

test('the VAE training step lowers its loss, reports the latent term, and leaks nothing', async () => {
  const vae = variationalAutoencoder({ seed: 3 });
  const count = 64;
  const x = new Float32Array(count * 784).map((_, i) => (i % 784 < 392 ? 0.9 : 0.1));
  const step = lossStep({
    model: vae.training,
    optimizer: tf.train.rmsprop(0.001, 0.9, 0, 1e-7),
    loss: 'binaryCrossentropy',
    terms: [{ name: 'latent_loss', term: ([m, lv]) => latentLoss(m, lv) }],
  });
  const samples = { x, shape: [28, 28], count };
  const first = await fit(vae.autoencoder, samples, { epochs: 1, batchSize: 16, step, validation: samples });
  const before = tf.memory().numTensors; // optimizer slots exist from here on
  const history = await fit(vae.autoencoder, samples, { epochs: 2, batchSize: 16, step, validation: samples });
  assert.equal(tf.memory().numTensors, before, 'tensors leaked by training');
  assert.ok(history[1].loss < first[0].loss, `loss ${first[0].loss} → ${history[1].loss}`);
  assert.ok(history[1].latent_loss > 0 && 'val_latent_loss' in history[1] && 'val_rounded_accuracy' in history[1]);
});

test('generate and interpolate draw from a decoder', async () => {
  const vae = variationalAutoencoder({ seed: 4, codings: 3 });
  const images = generateImages(vae.decoder, 5, 1);
  assert.equal(images.length, 5 * 784);
  assert.deepEqual(Array.from(generateImages(vae.decoder, 2, 9)), Array.from(generateImages(vae.decoder, 2, 9)));
  const png = await interpolationGrid(vae.encoder, vae.decoder, new Float32Array(4 * 784).fill(0.5), 2, 4);
  assert.equal(png.readUInt32BE(16), 6 * 84 + 7 * 4); // width: 1 + 4 + 1 images of 28·3 px and 7 gaps
  assert.throws(() => generateImages(vae.decoder, 0), /count must be a positive integer, got 0/);
});
