import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '../core/tf.js';
import { useBackend } from '../engine/backend.js';
import { Nadam } from './nadam.js';

before(async () => {
  await useBackend('cpu');
});

/** Keras 2's Nadam update, written out for one scalar parameter. */
function reference(theta: number, grads: number[], lr: number): number[] {
  const b1 = 0.9,
    b2 = 0.999,
    eps = 1e-7;
  let m = 0,
    v = 0,
    prod = 1;
  const out: number[] = [];
  grads.forEach((g, i) => {
    const t = i + 1;
    const mu = b1 * (1 - 0.5 * 0.96 ** (0.004 * t));
    const muNext = b1 * (1 - 0.5 * 0.96 ** (0.004 * (t + 1)));
    prod *= mu;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    const mHat = (muNext * m) / (1 - prod * muNext) + ((1 - mu) * g) / (1 - prod);
    const vHat = v / (1 - b2 ** t);
    theta -= (lr * mHat) / (Math.sqrt(vHat) + eps);
    out.push(theta);
  });
  return out;
}

test('Nadam follows the Keras update rule step by step', () => {
  const x = tf.variable(tf.scalar(2));
  const opt = new Nadam({ learningRate: 0.1 });
  const got: number[] = [];
  const grads: number[] = [];
  for (let i = 0; i < 5; i++) {
    grads.push(2 * x.dataSync()[0]); // d/dx x²
    opt.minimize(() => tf.square(x) as tf.Scalar, false, [x]);
    got.push(x.dataSync()[0]);
  }
  const want = reference(2, grads, 0.1);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) < 1e-5, `step ${i + 1}: ${g} vs ${want[i]}`));
  assert.ok(got[4] < 2, 'the parameter moved towards the minimum');
  opt.dispose();
});

test('Nadam rejects bad arguments and serializes its settings', () => {
  assert.throws(() => new Nadam({ learningRate: -1 }), /learningRate/);
  assert.deepEqual(new Nadam({ learningRate: 0.002 }).getConfig(), { learningRate: 0.002, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
});
