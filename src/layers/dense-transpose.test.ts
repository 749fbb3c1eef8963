import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { before, test } from 'node:test';
import * as tf from '../core/tf.js';
import { useBackend } from '../engine/backend.js';
import { checkModel } from '../testing/check-model.js';
import { loadModel, saveModel } from '../training/io.js';
import { DenseTranspose, linkTiedLayers } from './dense-transpose.js';

before(async () => {
  await useBackend('cpu');
});

/** input [6] → Dense(3, named with underscores) → DenseTranspose → [6]. */
function tiedPair(): { model: tf.LayersModel; dense: tf.layers.Layer; tied: DenseTranspose } {
  const dense = tf.layers.dense({
    units: 3,
    activation: 'selu',
    name: 'encoder_dense_1',
    kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
  });
  const input = tf.input({ shape: [6] });
  const h = dense.apply(input) as tf.SymbolicTensor;
  const tied = new DenseTranspose({ partner: dense, activation: 'sigmoid', name: 'decoder_output' });
  const model = tf.model({ inputs: input, outputs: tied.apply(h) as tf.SymbolicTensor });
  return { model, dense, tied };
}

test('DenseTranspose computes activation(x · Wᵀ + b) with the partner kernel and owns only its bias', () => {
  const { dense, tied } = tiedPair();
  assert.equal(tied.units, 6);
  assert.deepEqual(
    tied.trainableWeights.map((w) => w.shape),
    [[6]],
  );
  const bias = tf.tensor1d([0.1, -0.2, 0.3, 0, 0.5, -1]);
  tied.setWeights([bias]);
  const x = tf.randomUniform([4, 3], -1, 1, 'float32', 9);
  const got = tied.apply(x) as tf.Tensor;
  const kernel = dense.getWeights()[0];
  const want = tf.sigmoid(tf.add(tf.matMul(x, kernel, false, true), bias));
  assert.deepEqual(got.shape, [4, 6]);
  assert.ok(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0] < 1e-6);
  tf.dispose([x, got, want, bias]);
});

test('tied model: weight count, save → load re-links the partner by name, same predictions, no leaks', async () => {
  const { model } = tiedPair();
  const input = tf.randomUniform([5, 6], 0, 1, 'float32', 3);
  // 6·3 kernel + 3 bias (Dense) + 6 bias (DenseTranspose): the kernel is counted once.
  const loaded = await checkModel(model, { input, outputShape: [5, 6], trainableParams: 27 });
  const layer = loaded.layers.find((l) => l instanceof DenseTranspose) as DenseTranspose;
  assert.ok(layer.linked);
  assert.equal(layer.partnerName, 'encoder_dense_1', 'the name keeps its underscores through the config');
  assert.equal(layer.getConfig().units, 6);
  input.dispose();
});

test('training a tied model updates the shared kernel and the bias', async () => {
  const { model, dense, tied } = tiedPair();
  model.compile({ optimizer: tf.train.sgd(0.5), loss: 'binaryCrossentropy' });
  const k0 = dense.getWeights()[0].dataSync().slice();
  const b0 = tied.getWeights()[0].dataSync().slice();
  const x = tf.randomUniform([8, 6], 0, 1, 'float32', 4);
  await model.trainOnBatch(x, x);
  assert.notDeepEqual(Array.from(dense.getWeights()[0].dataSync()), Array.from(k0));
  assert.notDeepEqual(Array.from(tied.getWeights()[0].dataSync()), Array.from(b0));
  x.dispose();
});

test('a tied layer loaded without its partner says what to load instead', async () => {
  const decoder = tf.sequential({
    layers: [new DenseTranspose({ partnerName: 'encoder_dense_1', units: 6, inputShape: [3], name: 'decoder_output' })],
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'aekit-dt-'));
  try {
    await saveModel(decoder, path.join(dir, 'd'));
    const loaded = await loadModel(path.join(dir, 'd'));
    assert.equal(linkTiedLayers(loaded), 0);
    assert.throws(
      () => loaded.predict(tf.zeros([1, 3])),
      /tied to layer 'encoder_dense_1', which is not linked: load the whole autoencoder/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  assert.throws(() => new DenseTranspose({}), /give `partner`/);
  assert.throws(() => new DenseTranspose({ partnerName: 'a', units: 0 }), /units must be a positive integer/);
});
