/**
 * The whole seed model, end to end: the loss and the gradient of every weight computed by each of
 * aekit's engines must match tfjs's reference `cpu` backend on the same batch and weights.
 * Kernel-level tests can miss a wrong kernel that nobody thought to test (tfjs's own wasm
 * MaxPoolGrad was one); this test cannot.
 * Tolerance: |engine − cpu| ≤ 1e-4 · (1 + max |cpu|) per weight tensor.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '../core/tf.js';
import { convAutoencoder } from '../models/conv.js';
import { type BackendName, useBackend } from './backend.js';

const BATCH = Float32Array.from({ length: 6 * 784 }, (_, i) => (i % 5 === 0 ? 0 : (((Math.sin(i * 12.9898) * 43758.5453) % 1) + 1) % 1));

async function lossAndGrads(backend: BackendName): Promise<{ loss: number; grads: Float32Array[] }> {
  await useBackend(backend);
  const { autoencoder } = convAutoencoder({ seed: 42 });
  const x = tf.tensor(BATCH, [6, 28, 28]);
  const { value, grads } = tf.variableGrads(
    () => tf.mean(tf.metrics.binaryCrossentropy(x, autoencoder.apply(x) as tf.Tensor)) as tf.Scalar,
    autoencoder.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val),
  );
  const names = autoencoder.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val.name);
  const out = { loss: (await value.data())[0], grads: await Promise.all(names.map(async (n) => (await grads[n].data()) as Float32Array)) };
  tf.dispose([x, value, ...Object.values(grads)]);
  autoencoder.dispose();
  return out;
}

const skipNative = process.env.AEKIT_SKIP_NATIVE === '1' ? 'AEKIT_SKIP_NATIVE=1' : false;

for (const engine of ['wasm', 'native'] as const) {
  test(`seed model: ${engine} loss and all 12 weight gradients match cpu`, { skip: engine === 'native' && skipNative }, async () => {
    const want = await lossAndGrads('cpu');
    const got = await lossAndGrads(engine);
    assert.ok(Math.abs(got.loss - want.loss) < 1e-5, `loss ${got.loss} vs ${want.loss}`);
    assert.equal(got.grads.length, 12);
    want.grads.forEach((w, k) => {
      const scale = w.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      assert.ok(scale > 0, `gradient ${k} is all zero`);
      let worst = 0;
      for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(got.grads[k][i] - w[i]));
      assert.ok(
        worst <= 1e-4 * (1 + scale) && worst <= 0.01 * scale,
        `weight ${k}: max |${engine} − cpu| = ${worst}, max |cpu| = ${scale}`,
      );
    });
  });
}
