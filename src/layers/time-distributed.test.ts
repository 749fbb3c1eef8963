/**
 * aekit's TimeDistributed against tfjs's own (which steps through time): same outputs and
 * gradients on the reference cpu backend, one call of the wrapped layer, save → load under
 * tfjs's class name. (One-step sequences are left out: tfjs's own gradient throws there.)
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '../core/tf.js';
import { assertClose, randomValues, seedRandom } from '../engine/kernel-test-helper.js';
import { checkModel } from '../testing/check-model.js';
import { TimeDistributed, timeDistributed } from './time-distributed.js';

const dense = (): tf.layers.Layer =>
  tf.layers.dense({ units: 5, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) });

for (const [batch, steps, features] of [
  [1, 2, 1],
  [2, 3, 4],
  [5, 28, 100],
]) {
  test(`TimeDistributed(Dense) = tfjs's step-by-step TimeDistributed: batch ${batch}, ${steps} steps × ${features}`, async () => {
    await tf.setBackend('cpu');
    seedRandom(batch + steps);
    const x = tf.tensor(randomValues([batch, steps, features]).values, [batch, steps, features]);
    const ours = timeDistributed({ layer: dense() });
    const theirs = tf.layers.timeDistributed({ layer: dense() });
    tf.tidy(() => [ours.apply(x) as tf.Tensor, theirs.apply(x) as tf.Tensor]);
    theirs.setWeights(ours.getWeights());
    const r = tf.tensor(randomValues([batch, steps, 5]).values, [batch, steps, 5]);
    const results = await Promise.all(
      [ours, theirs].map(async (layer) => {
        const f = (input: tf.Tensor): tf.Scalar => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, r));
        const y = layer.apply(x) as tf.Tensor;
        const dx = tf.grad(f)(x);
        const { grads } = tf.variableGrads(
          () => f(x),
          layer.trainableWeights.map((w) => w.read() as tf.Variable),
        );
        const outs = [y, dx, ...layer.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name])];
        const values = await Promise.all(outs.map((o) => o.data()));
        tf.dispose([...outs, ...Object.values(grads)]);
        return values;
      }),
    );
    results[1].forEach((want, i) => assertClose(results[0][i], want, ['output', 'd input', 'd kernel', 'd bias'][i], 1e-5));
    const profile = await tf.profile(() => ours.apply(x) as tf.Tensor);
    assert.equal(profile.kernelNames.filter((k) => k === 'BatchMatMul' || k === '_FusedMatMul').length, 1, 'one matMul for all steps');
    tf.dispose([x, r]);
  });
}

test("TimeDistributed saves as tfjs's own class and survives save → load", async () => {
  await tf.setBackend('cpu');
  const layer = timeDistributed({ layer: dense(), inputShape: [4, 3], name: 'per_step' });
  assert.equal(layer.getClassName(), 'TimeDistributed');
  const model = tf.sequential({ layers: [layer] });
  const input = tf.tensor(randomValues([2, 4, 3]).values, [2, 4, 3]);
  const loaded = await checkModel(model, { input, outputShape: [2, 4, 5], trainableParams: 3 * 5 + 5 });
  assert.ok(loaded.getLayer('per_step') instanceof TimeDistributed);
  input.dispose();
  model.dispose();
  loaded.dispose();
});
