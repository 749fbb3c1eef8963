import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '../core/tf.js';
import { useBackend } from '../engine/backend.js';
import { roundedAccuracy } from './metrics.js';

before(async () => {
  await useBackend('cpu');
});

test('rounded_accuracy counts pixels on the same side of 0.5, per sample', () => {
  const yTrue = tf.tensor2d([
    [0, 1, 0.6, 0.4],
    [1, 1, 1, 1],
  ]);
  const yPred = tf.tensor2d([
    [0.1, 0.9, 0.2, 0.45],
    [0.51, 0.49, 0.99, 0.7],
  ]);
  assert.deepEqual(Array.from(roundedAccuracy(yTrue, yPred).dataSync()), [0.75, 0.75]);
  assert.equal(roundedAccuracy.name, 'rounded_accuracy');
});

test('rounded_accuracy is reported under its book name by a compiled model', async () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2], activation: 'sigmoid' })] });
  model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: [roundedAccuracy] });
  assert.deepEqual(model.metricsNames, ['loss', 'rounded_accuracy']);
});
