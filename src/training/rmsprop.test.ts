import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '../core/tf.js';
import { useBackend } from '../engine/backend.js';
import { KerasRMSprop } from './rmsprop.js';

before(async () => {
  await useBackend('cpu');
});

test("KerasRMSprop follows Keras's rule θ −= lr·g/(√ms + ε), unlike tfjs's ε inside the root", () => {
  const x = tf.variable(tf.tensor1d([2, 1e-4]));
  const opt = new KerasRMSprop({ learningRate: 0.01 });
  let ms = [0, 0];
  let theta = [2, 1e-4];
  for (let step = 0; step < 4; step++) {
    const g = theta.map((t) => 2 * t); // d/dx Σx²
    opt.minimize(() => tf.sum(tf.square(x)) as tf.Scalar, false, [x]);
    ms = ms.map((m, i) => 0.9 * m + 0.1 * g[i] * g[i]);
    theta = theta.map((t, i) => t - (0.01 * g[i]) / (Math.sqrt(ms[i]) + 1e-7));
    const got = x.dataSync();
    theta.forEach((t, i) =>
      assert.ok(Math.abs(got[i] - t) <= 1e-6 * (1 + Math.abs(t)), `step ${step + 1}, weight ${i}: ${got[i]} vs ${t}`),
    );
  }
  opt.dispose();
  // One step on a small-gradient weight: Keras moves it by ≈ 0.0316, tfjs's formula by ≈ 0.0062.
  const ours = tf.variable(tf.tensor1d([1e-4]));
  const theirs = tf.variable(tf.tensor1d([1e-4]));
  const a = new KerasRMSprop({ learningRate: 0.01 });
  const b = tf.train.rmsprop(0.01, 0.9, 0, 1e-7);
  a.minimize(() => tf.sum(tf.square(ours)) as tf.Scalar, false, [ours]);
  b.minimize(() => tf.sum(tf.square(theirs)) as tf.Scalar, false, [theirs]);
  assert.ok(
    Math.abs(ours.dataSync()[0] - (1e-4 - (0.01 * 2e-4) / (Math.sqrt(0.1 * 4e-8) + 1e-7))) < 1e-6,
    `Keras step: ${ours.dataSync()[0]}`,
  );
  assert.ok(Math.abs(theirs.dataSync()[0] - ours.dataSync()[0]) > 0.02, "tfjs's rule differs, which is why aekit has its own");
  a.dispose();
  b.dispose();
});

test('KerasRMSprop rejects bad arguments and serializes its settings', () => {
  assert.throws(() => new KerasRMSprop({ rho: 0 }), /rho/);
  assert.deepEqual(new KerasRMSprop({ learningRate: 0.002 }).getConfig(), { learningRate: 0.002, rho: 0.9, epsilon: 1e-7 });
});
