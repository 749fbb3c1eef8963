import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '../core/tf.js';
import { useBackend } from '../engine/backend.js';
import { DenseTranspose } from '../layers/dense-transpose.js';
import { checkModel } from '../testing/check-model.js';
import { stackedAutoencoder, stackedGreedyStages } from './stacked.js';
import { formatSummary } from './summary.js';

before(async () => {
  await useBackend('cpu');
});

test("stacked autoencoder has the book's layers and parameter counts; tied decoder owns 884", () => {
  const plain = stackedAutoencoder({ seed: 1 });
  assert.equal(plain.encoder.countParams(), 81530);
  assert.equal(plain.decoder.countParams(), 82284);
  assert.deepEqual(plain.encoder.outputs[0].shape, [null, 30]);
  assert.deepEqual(plain.autoencoder.outputs[0].shape, [null, 28, 28]);
  assert.deepEqual(
    plain.decoder.layers.map((l) => l.getConfig().activation ?? null),
    ['selu', 'sigmoid', null],
  );
  const tied = stackedAutoencoder({ seed: 1, tied: true });
  assert.equal(tied.decoder.countParams(), 884);
  assert.equal(tied.autoencoder.countParams(), 81530 + 884);
  assert.ok(tied.decoder.layers[0] instanceof DenseTranspose);
  const text = formatSummary(tied, 'stacked --tied');
  assert.ok(text.includes('Decoder parameters: 884'), text);
  assert.throws(() => stackedAutoencoder({ units: [100, 0] }), /units: expected a non-empty list/);
});

test('stacked (plain, tied, custom units) survive save → load with the same predictions', async () => {
  const input = tf.randomUniform([3, 28, 28], 0, 1, 'float32', 2);
  for (const [options, params] of [
    [{}, 163814],
    [{ tied: true }, 82414],
    [{ units: [64, 32, 8], tied: true, activation: 'elu' }, 50240 + 2080 + 264 + 32 + 64 + 784],
  ] as const) {
    const { autoencoder } = stackedAutoencoder({ seed: 3, ...options } as Parameters<typeof stackedAutoencoder>[0]);
    const loaded = await checkModel(autoencoder, { input, outputShape: [3, 28, 28], trainableParams: params });
    loaded.dispose();
  }
  input.dispose();
});

test("greedy stages share the stacked model's layers and chain their shapes", async () => {
  const built = stackedAutoencoder({ seed: 4, units: [16, 8] });
  const stages = stackedGreedyStages(built);
  assert.deepEqual(
    stages.map((s) => s.name),
    ['stage1', 'stage2'],
  );
  assert.deepEqual(stages[1].autoencoder.inputs[0].shape, [null, 16]);
  assert.deepEqual(stages[1].autoencoder.outputs[0].shape, [null, 16]);
  const before = built.autoencoder.getWeights().map((w) => w.dataSync().slice());
  stages[0].autoencoder.compile({ optimizer: tf.train.sgd(1), loss: 'binaryCrossentropy' });
  const x = tf.randomUniform([8, 28, 28], 0, 1, 'float32', 1);
  await stages[0].autoencoder.trainOnBatch(x, x);
  const after = built.autoencoder.getWeights().map((w) => w.dataSync());
  // encoder_dense_1 (kernel, bias) and decoder_output (kernel, bias) moved; encoder_dense_2 and decoder_dense_1 did not.
  const changed = after.map((w, i) => Array.from(w).some((v, j) => v !== before[i][j]));
  assert.deepEqual(changed, [true, true, false, false, false, false, true, true]);
  x.dispose();
});
