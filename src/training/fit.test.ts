import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { seededRandom } from '../core/random.js';
import * as tf from '../core/tf.js';
import type { Samples } from '../data/samples.js';
import { useBackend } from '../engine/backend.js';
import { evaluate, fit } from './fit.js';
import { roundedAccuracy } from './metrics.js';

before(async () => {
  await useBackend('wasm');
});

function samples(count: number, seed: number): Samples {
  const random = seededRandom(seed);
  const x = new Float32Array(count * 8);
  for (let i = 0; i < count; i++) {
    const on = i % 2;
    for (let j = 0; j < 8; j++) x[i * 8 + j] = j < 4 === (on === 1) ? 0.9 : 0.1 * random();
  }
  return { x, shape: [8], count };
}

function model(seed: number): tf.LayersModel {
  const m = tf.sequential({
    layers: [
      tf.layers.dense({ units: 3, inputShape: [8], activation: 'selu', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.dense({ units: 8, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
  m.compile({ optimizer: tf.train.sgd(1.0), loss: 'binaryCrossentropy', metrics: [roundedAccuracy] });
  return m;
}

test('fit lowers the loss, records every metric and leaks no tensors', async () => {
  const m = model(1);
  const train = samples(200, 1);
  await fit(m, train, { epochs: 1, batchSize: 16 });
  const before = tf.memory().numTensors;
  const history = await fit(m, train, { epochs: 6, batchSize: 16, validation: samples(50, 2) });
  assert.equal(tf.memory().numTensors, before, 'tensors leaked by training');
  assert.equal(history.length, 6);
  const keys = Object.keys(history[0]).sort();
  assert.deepEqual(keys, ['epoch', 'images_per_second', 'loss', 'rounded_accuracy', 'seconds', 'val_loss', 'val_rounded_accuracy']);
  assert.ok(history[5].loss < history[0].loss, `loss fell: ${history[0].loss} → ${history[5].loss}`);
  assert.ok(history[5].val_rounded_accuracy > 0.9);
});

test('the same seed gives the same training, another seed another one', async () => {
  const run = async (seed: number): Promise<number> =>
    (await fit(model(3), samples(64, 1), { epochs: 2, batchSize: 8, seed })).at(-1)!.loss;
  const a = await run(5);
  assert.equal(await run(5), a);
  assert.notEqual(await run(6), a);
});

test('evaluate averages over all samples and fit rejects inconsistent inputs', async () => {
  const m = model(4);
  const all = samples(40, 9);
  const whole = await evaluate(m, all, 40);
  const chunked = await evaluate(m, all, 7);
  assert.ok(Math.abs(whole.loss - chunked.loss) < 1e-5);
  await assert.rejects(fit(m, { x: new Float32Array(10), shape: [8], count: 2 }, { epochs: 1 }), /expected 2 × 8 = 16/);
  await assert.rejects(fit(m, all, { epochs: 0 }), /epochs must be a positive integer/);
});
