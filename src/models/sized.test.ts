/**
 * Every builder sized from the input: output shape = input shape, a finite loss after one step on
 * random data, sane parameter counts, for grey, RGB, odd (not divisible by 8) and table shapes.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import { useBackend } from '../engine/backend.js';
import { checkModel } from '../testing/check-model.js';
import { type Autoencoder, convAutoencoder } from './conv.js';
import { convGreedyStages } from './conv-greedy.js';
import { linearAutoencoder } from './linear.js';
import { recurrentAutoencoder } from './recurrent.js';
import { sparseAutoencoder } from './sparse.js';
import { stackedAutoencoder, stackedGreedyStages } from './stacked.js';
import { formatSummary } from './summary.js';
import { variationalAutoencoder } from './vae.js';

before(async () => {
  await useBackend('wasm');
});

const IMAGES = [
  [28, 28],
  [32, 32, 3],
  [30, 20],
  [64, 64, 3],
];
const ALL = [...IMAGES, [7]];

/** Output shape = input shape, one SGD step gives a finite loss, the summary's totals add up; no tensors leak. */
async function checkSized(model: Autoencoder, shape: number[], label: string): Promise<void> {
  const before = tf.memory().numTensors;
  const x = tf.randomUniform([2, ...shape], 0, 1, 'float32', 3);
  assert.deepEqual(model.autoencoder.outputs[0].shape.slice(1), shape, `${label}: output shape`);
  model.autoencoder.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
  const loss = (await model.autoencoder.trainOnBatch(x, x)) as number;
  assert.ok(Number.isFinite(loss), `${label}: loss ${loss}`);
  x.dispose();
  const enc = model.encoder.countParams();
  const dec = model.decoder.countParams();
  assert.ok(enc > 0 && dec > 0, `${label}: parameters`);
  const text = formatSummary(model, label);
  assert.ok(text.includes(`Encoder parameters: ${enc.toLocaleString('en-US')}`), `${label}: summary`);
  // the optimizer's state is the only thing a step may keep
  model.autoencoder.optimizer.dispose();
  assert.ok(tf.memory().numTensors - before <= model.autoencoder.weights.length * 2, `${label}: tensors leaked`);
}

for (const decoder of ['transpose', 'upsample'] as const) {
  test(`conv (${decoder}) takes any image shape; output = input`, async () => {
    for (const shape of IMAGES)
      await checkSized(convAutoencoder({ inputShape: shape, decoder, seed: 1 }), shape, `conv ${decoder} ${shape}`);
    assert.throws(
      () => convAutoencoder({ inputShape: [7], decoder }),
      (e: unknown) => e instanceof ArgumentError && /\[7\]/.test(e.message),
    );
  });
}

test('conv parameter counts on 32×32×3 follow the filters; 1 or 4 stages build too', async () => {
  const rgb = convAutoencoder({ inputShape: [32, 32, 3], seed: 1 });
  assert.equal(rgb.encoder.countParams(), 448 + 4640 + 18496); // 3·9·16+16, then the book's conv2, conv3
  assert.equal(rgb.decoder.countParams(), 18464 + 4624 + (16 * 9 * 3 + 3));
  const up = convAutoencoder({ inputShape: [32, 32, 3], decoder: 'upsample', seed: 1 });
  assert.equal(up.decoder.countParams(), 64 * 9 * 32 + 32 + (32 * 9 * 16 + 16) + (16 * 9 * 3 + 3));
  const one = convAutoencoder({ inputShape: [30, 20], filters: [8], seed: 1 });
  assert.deepEqual(one.encoder.outputs[0].shape, [null, 15, 10, 8]);
  await checkSized(one, [30, 20], 'conv [8]');
  const four = convAutoencoder({ inputShape: [30, 20], filters: [4, 8, 8, 8], decoder: 'upsample', seed: 1 });
  assert.deepEqual(four.encoder.outputs[0].shape, [null, 1, 1, 8]);
  await checkSized(four, [30, 20], 'conv [4,8,8,8]');
  assert.throws(
    () => convAutoencoder({ inputShape: [8, 8], filters: [2, 2, 2, 2] }),
    (e: unknown) => e instanceof ArgumentError && e.argument === 'filters',
  );
});

test('conv on 30×20: each decoder stage restores its encoder stage size (valid + crop, pad)', () => {
  const shapes = (m: Autoencoder): Array<[string, number[]]> =>
    m.decoder.layers.map((l) => [l.name, (l.outputShape as number[]).slice(1)] as [string, number[]]);
  // 30×20 → 15×10 → 7×5 → 3×2
  assert.deepEqual(shapes(convAutoencoder({ inputShape: [30, 20] })), [
    ['deconv1', [7, 5, 32]],
    ['deconv2', [15, 11, 16]],
    ['crop2', [15, 10, 16]],
    ['deconv3', [30, 20, 1]],
    ['reshape_out', [30, 20]],
  ]);
  assert.deepEqual(shapes(convAutoencoder({ inputShape: [30, 20], decoder: 'upsample' })), [
    ['upsample1', [6, 4, 64]],
    ['pad1', [7, 5, 64]],
    ['upconv1', [7, 5, 32]],
    ['upsample2', [14, 10, 32]],
    ['pad2', [15, 10, 32]],
    ['upconv2', [15, 10, 16]],
    ['upsample3', [30, 20, 16]],
    ['upconv3', [30, 20, 1]],
    ['reshape_out', [30, 20]],
  ]);
});

test('the upsample decoder has no Conv2DTranspose; the output activation follows the option', () => {
  const up = convAutoencoder({ decoder: 'upsample', outputActivation: 'linear' });
  const kinds = up.decoder.layers.map((l) => l.getClassName());
  assert.ok(!kinds.includes('Conv2DTranspose'), kinds.join(', '));
  assert.deepEqual(kinds, ['UpSampling2D', 'ZeroPadding2D', 'Conv2D', 'UpSampling2D', 'Conv2D', 'UpSampling2D', 'Conv2D', 'Reshape']);
  assert.equal(up.decoder.getLayer('upconv3').getConfig().activation, 'linear');
  assert.equal(convAutoencoder().decoder.getLayer('deconv3').getConfig().activation, 'sigmoid');
});

test('a non-square RGB conv model survives save → load (both decoders)', async () => {
  for (const decoder of ['transpose', 'upsample'] as const) {
    const { autoencoder } = convAutoencoder({ inputShape: [20, 12, 3], filters: [4, 8], decoder, seed: 2 });
    const input = tf.randomUniform([2, 20, 12, 3], 0, 1, 'float32', 5);
    const loaded = await checkModel(autoencoder, { input, outputShape: [2, 20, 12, 3] });
    assert.deepEqual(
      loaded.layers.map((l) => l.name),
      autoencoder.layers.map((l) => l.name),
    );
    loaded.dispose();
    input.dispose();
  }
});

test('greedy conv stages reconstruct their own input, for any shape, stage count and decoder', () => {
  for (const [shape, filters, decoder] of [
    [[30, 20], [16, 32, 64], 'transpose'],
    [[32, 32, 3], [8, 8], 'upsample'],
    [[30, 20], [4, 4, 4, 4], 'upsample'],
  ] as const) {
    const stages = convGreedyStages(convAutoencoder({ inputShape: [...shape], filters: [...filters], decoder }));
    assert.equal(stages.length, filters.length);
    for (const s of stages)
      assert.deepEqual(s.autoencoder.outputs[0].shape, s.autoencoder.inputs[0].shape, `${shape} ${decoder} ${s.name}`);
    assert.deepEqual(stages[0].autoencoder.inputs[0].shape.slice(1), shape);
  }
});

test('stacked (plain, tied, denoising) takes any shape, flattened; linear output on request', async () => {
  for (const shape of ALL) {
    const size = shape.reduce((a, b) => a * b, 1);
    const plain = stackedAutoencoder({ inputShape: shape, units: [16, 4], outputActivation: 'linear', seed: 1 });
    assert.equal(plain.decoder.countParams(), 4 * 16 + 16 + 16 * size + size);
    assert.equal(plain.decoder.getLayer('decoder_output').getConfig().activation, 'linear');
    await checkSized(plain, shape, `stacked ${shape}`);
    await checkSized(stackedAutoencoder({ inputShape: shape, units: [16, 4], tied: true, noise: 'gaussian:0.1' }), shape, `tied ${shape}`);
    const stages = stackedGreedyStages(plain);
    assert.deepEqual(stages[0].autoencoder.outputs[0].shape.slice(1), shape);
  }
});

test('sparse takes any shape', async () => {
  for (const shape of ALL) {
    const model = sparseAutoencoder({ inputShape: shape, codingUnits: 20, outputActivation: 'linear', seed: 1 });
    assert.equal(model.decoder.getLayer('output').getConfig().activation, 'linear');
    await checkSized(model, shape, `sparse ${shape}`);
  }
});

test('VAE: dense for any shape, conv for any image shape', async () => {
  for (const shape of ALL) await checkSized(variationalAutoencoder({ inputShape: shape, seed: 1 }), shape, `vae ${shape}`);
  for (const shape of IMAGES) {
    const vae = variationalAutoencoder({ inputShape: shape, conv: true, seed: 1 });
    await checkSized(vae, shape, `conv vae ${shape}`);
    assert.deepEqual(vae.training.outputs[0].shape.slice(1), shape);
  }
  assert.throws(() => variationalAutoencoder({ inputShape: [7], conv: true }), ArgumentError);
});

test('linear: the book model on [3], flattened for other shapes', async () => {
  const book = linearAutoencoder({ seed: 1 });
  assert.deepEqual(
    book.autoencoder.layers.flatMap((l) => (l instanceof tf.LayersModel ? l.layers.map((k) => k.name) : [])),
    ['encode', 'decode'],
  );
  for (const shape of ALL) await checkSized(linearAutoencoder({ inputShape: shape, seed: 1 }), shape, `linear ${shape}`);
});

test('recurrent: [steps, features] from the shape (a grey image is h steps of w features)', async () => {
  for (const shape of [
    [28, 28],
    [30, 20],
  ]) {
    const model = recurrentAutoencoder({ steps: shape[0], features: shape[1], units: [8, 4], outputActivation: 'linear', seed: 1 });
    await checkSized(model, shape, `recurrent ${shape}`);
  }
});
