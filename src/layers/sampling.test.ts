import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '../core/tf.js';
import { useBackend } from '../engine/backend.js';
import { checkModel } from '../testing/check-model.js';
import { Sampling } from './sampling.js';

before(async () => {
  await useBackend('wasm');
});

function samplingModel(seed: number | null): tf.LayersModel {
  const mean = tf.input({ shape: [4] });
  const logVar = tf.input({ shape: [4] });
  const z = new Sampling({ seed, name: 'sampling' }).apply([mean, logVar]) as tf.SymbolicTensor;
  return tf.model({ inputs: [mean, logVar], outputs: z });
}

test('Sampling draws from N(mean, exp(logvar)): sample mean and std match', () => {
  const layer = new Sampling({ seed: 1 });
  const n = 20000;
  const z = tf.tidy(() => layer.apply([tf.fill([n, 1], 2), tf.fill([n, 1], Math.log(0.25))]) as tf.Tensor);
  const { mean, variance } = tf.moments(z);
  assert.ok(Math.abs(mean.dataSync()[0] - 2) < 0.02, `mean ${mean.dataSync()[0]}`);
  assert.ok(Math.abs(Math.sqrt(variance.dataSync()[0]) - 0.5) < 0.02, `std ${Math.sqrt(variance.dataSync()[0])}`);
  tf.dispose([z, mean, variance]);
});

test('Sampling passes gradients to mean and log-variance', () => {
  const layer = new Sampling({ seed: 3 });
  const grads = tf.grads((m: tf.Tensor, lv: tf.Tensor) => tf.sum(layer.apply([m, lv]) as tf.Tensor))([tf.zeros([2, 3]), tf.zeros([2, 3])]);
  assert.deepEqual(Array.from(grads[0].dataSync()), [1, 1, 1, 1, 1, 1]);
  assert.ok(grads[1].dataSync().some((g) => g !== 0));
  tf.dispose(grads);
});

test('a seeded Sampling survives save → load with identical predictions; unseeded calls differ', async () => {
  const model = samplingModel(7);
  const input = [tf.randomNormal([3, 4], 0, 1, 'float32', 1), tf.randomNormal([3, 4], 0, 1, 'float32', 2)];
  const loaded = await checkModel(model, { input: input as unknown as tf.Tensor, outputShape: [3, 4], trainableParams: 0 });
  assert.equal(loaded.getLayer('sampling').getClassName(), 'Sampling');
  assert.equal(loaded.getLayer('sampling').getConfig().seed, 7);
  const free = samplingModel(null);
  const a = free.predict(input) as tf.Tensor;
  const b = free.predict(input) as tf.Tensor;
  assert.notDeepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  tf.dispose([...input, a, b]);
});

test('Sampling rejects a bad seed and a single input', () => {
  assert.throws(() => new Sampling({ seed: 1.5 }), /seed must be an integer/);
  assert.throws(() => new Sampling().computeOutputShape([2, 3]), /two inputs/);
});
