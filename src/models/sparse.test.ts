import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { codingActivity } from '../analysis/activity.js';
import * as tf from '../core/tf.js';
import { useBackend } from '../engine/backend.js';
import type { ActivityRegularization } from '../layers/activity-regularization.js';
import { L1ActivityRegularizer } from '../layers/sparsity-regularizers.js';
import { checkModel } from '../testing/check-model.js';
import { lossStep } from '../training/custom-step.js';
import { fit } from '../training/fit.js';
import { sparseAutoencoder, sparsityTraining } from './sparse.js';

before(async () => {
  await useBackend('wasm');
});

test('sparse autoencoder: 300 sigmoid codings, penalty layer last, save → load keeps it', async () => {
  const model = sparseAutoencoder({ seed: 1 });
  assert.deepEqual(model.encoder.outputs[0].shape, [null, 300]);
  assert.equal(model.encoder.layers.at(-1)?.getClassName(), 'ActivityRegularization');
  const x = tf.randomUniform([2, 28, 28], 0, 1, 'float32', 1);
  // 784·100+100 + 100·300+300 ‖ 300·100+100 + 100·784+784
  const loaded = await checkModel(model.autoencoder, {
    input: x,
    outputShape: [2, 28, 28],
    trainableParams: 78500 + 30300 + 30100 + 79184,
  });
  const layer = (loaded.layers.find((l) => l.name === 'sparse_encoder') as tf.LayersModel).getLayer('sparsity') as ActivityRegularization;
  assert.deepEqual(layer.regularizer.getConfig(), { weight: 0.05, target: 0.1 });
  assert.equal(sparseAutoencoder({ sparsity: 'none' }).encoder.layers.at(-1)?.getClassName(), 'Dense');
  x.dispose();
});

test('the KL penalty drives the mean coding activation towards the target', async () => {
  const model = sparseAutoencoder({ seed: 2, codingUnits: 20, sparsity: 'kl:32,0.1' });
  const training = sparsityTraining(model);
  assert.ok(training !== null);
  const count = 64;
  const x = new Float32Array(count * 784).map((_, i) => ((i * 7919) % 13) / 13);
  const samples = { x, shape: [28, 28], count };
  const start = (await codingActivity(model.encoder, samples, 0.1)).stats.mean_activation;
  const step = lossStep({
    model: training.model,
    optimizer: tf.train.sgd(1),
    loss: 'binaryCrossentropy',
    terms: [{ name: 'sparsity_penalty', term: ([c]) => training.layer.penalty(c) }],
  });
  const history = await fit(model.autoencoder, samples, { epochs: 5, batchSize: 32, step });
  const { stats } = await codingActivity(model.encoder, samples, 0.1);
  assert.ok(Math.abs(stats.mean_activation - 0.1) < Math.abs(start - 0.1) / 2, `mean activation ${start} → ${stats.mean_activation}`);
  assert.ok(history[4].sparsity_penalty < history[0].sparsity_penalty);
  assert.equal(stats.unit_means.length, 20);
  assert.ok(stats.share_units_below_target !== null && stats.share_units_below_target >= 0 && stats.share_units_below_target <= 1);
});

test('an L1 sparse model builds from an object too', () => {
  const m = sparseAutoencoder({ sparsity: new L1ActivityRegularizer({ l1: 1e-3 }), codingUnits: 8 });
  assert.deepEqual(m.decoder.inputs[0].shape, [null, 8]);
  assert.throws(() => sparseAutoencoder({ sparsity: 'kl:x' }), /sparsity 'kl:x': kl takes a weight and a target/);
});
