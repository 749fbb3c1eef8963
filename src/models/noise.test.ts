import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '../core/tf.js';
import { useBackend } from '../engine/backend.js';
import { checkModel } from '../testing/check-model.js';
import { denoisingGrid } from '../viz/denoising.js';
import { convAutoencoder } from './conv.js';
import { addNoise, parseNoise, withInputNoise } from './noise.js';
import { stackedAutoencoder } from './stacked.js';

before(async () => {
  await useBackend('wasm');
});

test('--noise parsing', () => {
  assert.deepEqual(parseNoise('gaussian:0.2'), { kind: 'gaussian', amount: 0.2 });
  assert.deepEqual(parseNoise('dropout:0.5'), { kind: 'dropout', amount: 0.5 });
  assert.throws(() => parseNoise('dropout:1'), /drop rate must lie in \(0, 1\)/);
  assert.throws(() => parseNoise('salt:0.1'), /noise 'salt:0.1': expected gaussian:STDDEV/);
});

test('noise acts in training only, and denoising models survive save → load', async () => {
  const x = tf.randomUniform([2, 28, 28], 0, 1, 'float32', 1);
  for (const [name, model] of [
    ['stacked', stackedAutoencoder({ seed: 1, noise: 'gaussian:0.2' })],
    ['conv', withInputNoise(convAutoencoder({ seed: 1 }), 'dropout:0.5')],
  ] as const) {
    const clean = name === 'stacked' ? stackedAutoencoder({ seed: 1 }) : convAutoencoder({ seed: 1 });
    const [a, b, t] = tf.tidy(() => [
      model.autoencoder.predict(x) as tf.Tensor,
      clean.autoencoder.predict(x) as tf.Tensor,
      model.autoencoder.apply(x, { training: true }) as tf.Tensor,
    ]);
    assert.ok(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] < 1e-6, `${name}: inference must ignore the noise`);
    assert.ok(tf.max(tf.abs(tf.sub(a, t))).dataSync()[0] > 1e-3, `${name}: training must add noise`);
    tf.dispose([a, b, t]);
    await checkModel(model.autoencoder, { input: x, outputShape: [2, 28, 28], trainableParams: clean.autoencoder.countParams() });
  }
  x.dispose();
});

test('addNoise corrupts within [0, 1]; the denoising grid has three rows', async () => {
  const x = tf.fill([1, 28, 28], 0.5);
  const noisy = addNoise(x, { kind: 'dropout', amount: 0.5 }, 3);
  const values = Array.from(noisy.dataSync());
  assert.ok(values.every((v) => v === 0 || v === 1) && values.some((v) => v === 0) && values.some((v) => v === 1));
  const png = await denoisingGrid(
    stackedAutoencoder({ seed: 1 }).autoencoder,
    new Float32Array(3 * 784).fill(0.3),
    { kind: 'gaussian', amount: 0.2 },
    { count: 3 },
  );
  assert.equal(png.readUInt32BE(20), 3 * 84 + 4 * 4);
  tf.dispose([x, noisy]);
});
