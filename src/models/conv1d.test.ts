import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import { useBackend } from '../engine/backend.js';
import { checkModel } from '../testing/check-model.js';
import { conv1dAutoencoder } from './conv1d.js';

before(async () => {
  await useBackend('wasm');
});

test("conv1d autoencoder: the Keras example's shapes and its 9,505 parameters", () => {
  const { encoder, decoder, autoencoder } = conv1dAutoencoder({ seed: 1 });
  // Keras: Conv1D(32) 256, Conv1D(16) 3,600, Conv1DTranspose(16) 1,808, Conv1DTranspose(32) 3,616, Conv1DTranspose(1) 225
  assert.equal(autoencoder.countParams(), 9505);
  assert.equal(encoder.countParams(), 256 + 3600);
  assert.equal(decoder.countParams(), 1808 + 3616 + 225);
  assert.deepEqual(encoder.outputs[0].shape, [null, 1, 72, 16]);
  assert.deepEqual(autoencoder.outputs[0].shape, [null, 288, 1]);
  assert.deepEqual(
    decoder.layers.map((l) => l.getClassName()),
    ['InputLayer', 'Conv2DTranspose', 'Dropout', 'Conv2DTranspose', 'Conv2DTranspose', 'Reshape'],
  );
});

test('conv1d autoencoder on [n, window, features] survives save → load', async () => {
  const { autoencoder } = conv1dAutoencoder({ window: 16, features: 2, filters: [4, 3], seed: 2 });
  const x = tf.randomNormal([3, 16, 2], 0, 1, 'float32', 3);
  // per [k, 1] kernel: 7 · in · out + out
  const params = 7 * 2 * 4 + 4 + (7 * 4 * 3 + 3) + (7 * 3 * 3 + 3) + (7 * 3 * 4 + 4) + (7 * 4 * 2 + 2);
  const loaded = await checkModel(autoencoder, { input: x, outputShape: [3, 16, 2], trainableParams: params, tolerance: 1e-5 });
  loaded.dispose();
  x.dispose();
});

test('conv1d autoencoder refuses a window that is not a multiple of 4', () => {
  assert.throws(
    () => conv1dAutoencoder({ window: 30 }),
    (err: unknown) => err instanceof ArgumentError && /multiple of 4, got 30 \(try 32\)/.test(err.message),
  );
});
