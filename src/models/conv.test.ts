import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '../core/tf.js';
import { useBackend } from '../engine/backend.js';
import { checkModel } from '../testing/check-model.js';
import { convAutoencoder } from './conv.js';
import { formatSummary } from './summary.js';

before(async () => {
  await useBackend('wasm');
});

test("convAutoencoder has the seed page's shapes and parameter counts", () => {
  const { encoder, decoder, autoencoder } = convAutoencoder({ seed: 1 });
  assert.equal(encoder.countParams(), 23296);
  assert.equal(decoder.countParams(), 23233);
  assert.deepEqual(encoder.outputs[0].shape, [null, 3, 3, 64]);
  assert.deepEqual(autoencoder.outputs[0].shape, [null, 28, 28]);
  const shapes = decoder.layers.map((l) => (l.outputShape as number[]).slice(1));
  assert.deepEqual(shapes, [
    [7, 7, 32],
    [14, 14, 16],
    [28, 28, 1],
    [28, 28],
  ]);
  const kinds = encoder.layers.map((l) => l.getClassName());
  assert.deepEqual(kinds, ['Reshape', 'Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D']);
  const conv = encoder.layers[1].getConfig();
  assert.equal(conv.activation, 'selu');
  assert.equal(conv.padding, 'same');
  const last = decoder.layers[2].getConfig();
  assert.equal(last.activation, 'sigmoid');
  assert.equal(decoder.layers[0].getConfig().padding, 'valid');
});

test('the same seed gives the same initial weights, another seed different ones', () => {
  const a = convAutoencoder({ seed: 7 }).autoencoder.getWeights()[0].dataSync();
  const b = convAutoencoder({ seed: 7 }).autoencoder.getWeights()[0].dataSync();
  const c = convAutoencoder({ seed: 8 }).autoencoder.getWeights()[0].dataSync();
  assert.deepEqual(Array.from(a), Array.from(b));
  assert.notDeepEqual(Array.from(a), Array.from(c));
});

test('conv autoencoder survives save → load with identical predictions and no leaks', async () => {
  const { autoencoder } = convAutoencoder({ seed: 3 });
  const input = tf.randomUniform([4, 28, 28], 0, 1, 'float32', 5);
  const loaded = await checkModel(autoencoder, { input, outputShape: [4, 28, 28], trainableParams: 46529 });
  assert.deepEqual(
    loaded.layers.map((l) => l.name),
    autoencoder.layers.map((l) => l.name),
  );
  input.dispose();
});

test('summary lists every layer and both totals', () => {
  const text = formatSummary(convAutoencoder({ seed: 1 }), 'conv');
  for (const s of ['conv1 (Conv2D)', 'deconv3 (Conv2DTranspose)', 'Encoder parameters: 23,296', 'Decoder parameters: 23,233']) {
    assert.ok(text.includes(s), `summary lacks '${s}'`);
  }
});
