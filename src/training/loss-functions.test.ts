/**
 * lossFunction: the conv autoencoder compiled with the fused binary cross-entropy trains as with
 * tfjs's string loss on the native engine (losses within 1e-5 relative at every SGD step), runs
 * the fused kernels, leaks no tensors per step, logs the same names, and saves and loads; the
 * `dense` recipe's model compiled with the fused mean squared error trains (Adam, trainOnBatch) as
 * with tfjs's string 'meanSquaredError'.
 * Needs the addon (`npm run build:native`); AEKIT_SKIP_NATIVE=1 skips these tests visibly.
 */

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import { useBackend } from '../engine/backend.js';
import { BCE_GRAD_KERNEL, BCE_KERNEL, binaryCrossentropy, MSE_GRAD_KERNEL, MSE_KERNEL, meanSquaredError } from '../engine/fused-loss.js';
import { convAutoencoder } from '../models/conv.js';
import { stackedAutoencoder } from '../models/stacked.js';
import { loadModel, saveModel } from './io.js';
import { lossFunction } from './loss-functions.js';
import { roundedAccuracy } from './metrics.js';
import type { LossName } from './optimizers.js';

const skip = process.env.AEKIT_SKIP_NATIVE === '1' ? 'AEKIT_SKIP_NATIVE=1: native engine tests skipped' : false;

/** A batch of 4 images 28×28 in [0, 1] (a fixed hash, some pixels exactly 0 and 1). */
function batch(step: number): tf.Tensor {
  const n = 4 * 28 * 28;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = (Math.imul(i + step * n, 2654435761) >>> 0) / 4294967296;
    x[i] = u < 0.3 ? 0 : u > 0.9 ? 1 : u;
  }
  return tf.tensor(x, [4, 28, 28]);
}

function compiled(loss: ReturnType<typeof lossFunction> | string): tf.LayersModel {
  const model = convAutoencoder({ seed: 42 }).autoencoder;
  model.compile({ optimizer: tf.train.sgd(1.0), loss, metrics: [roundedAccuracy] });
  return model;
}

test(
  'lossFunction: the conv autoencoder trains with the fused BCE as with tfjs’s string loss (native, SGD, batch 4)',
  { skip },
  async () => {
    await useBackend('native');
    const fused = compiled(lossFunction('binaryCrossentropy'));
    const plain = compiled('binaryCrossentropy');
    for (let step = 0; step < 6; step++) {
      const x = batch(step);
      const [a, accA] = (await fused.trainOnBatch(x, x)) as number[];
      const [b, accB] = (await plain.trainOnBatch(x, x)) as number[];
      x.dispose();
      assert.ok(Number.isFinite(a) && a > 0, `step ${step}: loss ${a}`);
      assert.ok(Math.abs(a - b) <= 1e-5 * Math.abs(b), `step ${step}: fused loss ${a}, tfjs's ${b}`);
      assert.ok(Math.abs(accA - accB) <= 1e-3, `step ${step}: rounded_accuracy ${accA} vs ${accB}`);
    }
    const x = batch(9);
    const ea = fused.evaluate(x, x) as tf.Scalar[];
    const eb = plain.evaluate(x, x) as tf.Scalar[];
    const [va, vb] = [ea[0].dataSync()[0], eb[0].dataSync()[0]];
    assert.ok(Math.abs(va - vb) <= 1e-5 * vb, `evaluate: ${va} vs ${vb}`);
    assert.deepEqual(fused.metricsNames, plain.metricsNames);
    assert.deepEqual(fused.metricsNames, ['loss', 'rounded_accuracy']);
    // the step runs the two fused kernels and none of tfjs's BCE chain, and leaks nothing
    const before = tf.memory().numTensors;
    const profile = await tf.profile(async () => {
      await fused.trainOnBatch(x, x);
    });
    assert.equal(tf.memory().numTensors, before, 'tensors leaked by a training step');
    assert.ok(profile.kernelNames.includes(BCE_KERNEL) && profile.kernelNames.includes(BCE_GRAD_KERNEL), profile.kernelNames.join(', '));
    for (const k of ['Log1p', 'ClipByValue', 'LogicalAnd']) assert.ok(!profile.kernelNames.includes(k), `${k} ran`);
    tf.dispose([x, ...ea, ...eb]);
    // a model compiled with the function loss saves and loads (aekit writes no training config)
    const dir = await mkdtemp(join(tmpdir(), 'aekit-loss-'));
    try {
      await saveModel(fused, join(dir, 'model'), { loss: 'binaryCrossentropy' });
      const loaded = await loadModel(join(dir, 'model'));
      const y = batch(3);
      const [p, q] = [fused.predict(y) as tf.Tensor, loaded.predict(y) as tf.Tensor];
      assert.deepEqual(await p.data(), await q.data());
      tf.dispose([y, p, q]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);

test('lossFunction: both losses are aekit’s fused ops; an unknown name is refused', () => {
  assert.equal(lossFunction('meanSquaredError'), meanSquaredError);
  assert.equal(lossFunction('binaryCrossentropy'), binaryCrossentropy);
  assert.throws(
    () => lossFunction('hinge' as LossName),
    (err: unknown) =>
      err instanceof ArgumentError &&
      /unknown loss 'hinge': expected one of binaryCrossentropy, meanSquaredError/.test((err as Error).message),
  );
});

test('lossFunction: the dense table model trains with the fused MSE as with tfjs’s string loss (native, Adam)', { skip }, async () => {
  await useBackend('native');
  const build = (loss: ReturnType<typeof lossFunction> | string): tf.LayersModel => {
    const model = stackedAutoencoder({ seed: 7, inputShape: [20], units: [10, 5], outputActivation: 'linear' }).autoencoder;
    model.compile({ optimizer: tf.train.adam(1e-2), loss });
    return model;
  };
  const fused = build(lossFunction('meanSquaredError'));
  const plain = build('meanSquaredError');
  for (let step = 0; step < 6; step++) {
    const x = tf.tidy(() => tf.sub(tf.mul(batch(step).reshape([-1, 16]).slice([0, 0], [20, 16]).transpose(), 4), 2));
    let kernels: string[] = [];
    let a = 0;
    if (step === 0)
      kernels = (
        await tf.profile(async () => {
          a = (await fused.trainOnBatch(x, x)) as number;
        })
      ).kernelNames;
    else a = (await fused.trainOnBatch(x, x)) as number;
    const b = (await plain.trainOnBatch(x, x)) as number;
    x.dispose();
    if (step === 0) assert.ok(kernels.includes(MSE_KERNEL) && kernels.includes(MSE_GRAD_KERNEL), `kernels: ${kernels.join(', ')}`);
    assert.ok(Number.isFinite(a) && a > 0, `step ${step}: loss ${a}`);
    assert.ok(Math.abs(a - b) <= 1e-5 * Math.abs(b), `step ${step}: fused loss ${a}, tfjs's ${b}`);
  }
  fused.dispose();
  plain.dispose();
});
