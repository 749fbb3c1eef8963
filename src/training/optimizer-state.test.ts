import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { seededRandom } from '../core/random.js';
import * as tf from '../core/tf.js';
import { useBackend } from '../engine/backend.js';
import { type FitCheckpoint, fit } from './fit.js';
import { captureOptimizerState, restoreOptimizerState } from './optimizer-state.js';
import { makeOptimizer, type OptimizerName } from './optimizers.js';

before(async () => {
  await useBackend('cpu');
});

/** A small dense autoencoder with seeded weights (the same every call). */
function model(optimizer: OptimizerName): tf.LayersModel {
  const m = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [6], units: 3, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 6, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  m.compile({ optimizer: makeOptimizer(optimizer, 0.05), loss: 'meanSquaredError' });
  return m;
}

const random = seededRandom(3);
const samples = { x: Float32Array.from({ length: 40 * 6 }, () => random()), shape: [6], count: 40 };

test('seededRandom(r.state) continues the sequence of r', () => {
  const r = seededRandom(11);
  for (let i = 0; i < 5; i++) r();
  const copy = seededRandom(r.state);
  assert.deepEqual(
    Array.from({ length: 4 }, () => copy()),
    Array.from({ length: 4 }, () => r()),
  );
});

for (const name of ['sgd', 'adam', 'nadam', 'rmsprop'] as const) {
  test(`${name}: a fit interrupted mid-epoch and resumed in a fresh model ends bit for bit as the uninterrupted one`, async () => {
    const whole = model(name);
    const reference = await fit(whole, samples, { epochs: 3, batchSize: 8, seed: 5 });
    const expected = await Promise.all(whole.getWeights().map((w) => w.data()));

    const first = model(name);
    let saved: FitCheckpoint | null = null;
    let batches = 0;
    const signal = { aborted: false };
    await assert.rejects(
      fit(first, samples, {
        epochs: 3,
        batchSize: 8,
        seed: 5,
        signal,
        callbacks: [{ onBatchEnd: () => void (++batches === 7 && (signal.aborted = true)) }],
        checkpoint: async (cp) => {
          // a copy, as a checkpoint on disk would be
          saved = { ...cp, weights: cp.weights.map((w) => w.clone()) };
        },
      }),
      (err: Error & { code?: string; epoch?: number; batch?: number }) =>
        err.code === 'E_INTERRUPTED' && err.epoch === 2 && err.batch === 2,
    );
    assert.ok(saved !== null);
    const second = model(name);
    // The same callbacks as the interrupted fit (a checkpoint holds one state per callback); this one no longer stops it.
    const history = await fit(second, samples, { epochs: 3, batchSize: 8, seed: 5, resume: saved, callbacks: [{}] });
    assert.deepEqual(
      history.map(({ loss }) => loss),
      reference.map(({ loss }) => loss),
    );
    const got = await Promise.all(second.getWeights().map((w) => w.data()));
    got.forEach((g, i) => assert.deepEqual(g, expected[i], `weight ${i}`));
  });
}

test('restoreOptimizerState refuses the state of another optimizer class, naming optimizer', async () => {
  const m = model('adam');
  await fit(m, samples, { epochs: 1, batchSize: 8 });
  const state = await captureOptimizerState(m.optimizer as tf.Optimizer);
  assert.equal(state.className, 'Adam');
  assert.ok(state.extra.accBeta1 !== undefined);
  await assert.rejects(
    restoreOptimizerState(makeOptimizer('nadam', 0.1), state),
    (err: Error & { argument?: string }) =>
      err.argument === 'optimizer' && /saved state is of a Adam optimizer, got a Nadam/.test(err.message),
  );
});

test('fit refuses a checkpoint of another training, naming resume', async () => {
  const m = model('sgd');
  const bad: FitCheckpoint = {
    position: { epoch: 9, batch: 0, random: 1, sums: [], seen: 0, seconds: 0 },
    history: [],
    weights: m.getWeights(),
    optimizer: null,
  };
  await assert.rejects(
    fit(m, samples, { epochs: 3, batchSize: 8, resume: bad }),
    (err: Error & { argument?: string }) => err.argument === 'resume' && /expected a checkpoint of this training/.test(err.message),
  );
});
