/**
 * The fused training step against tfjs's `trainOnBatch`, side by side on two copies of a model
 * (same seed, same compile): the returned loss and metrics of every step and the weights after
 * them, for the `dense` recipe's table model (Adam, MSE), the book's stacked model (SGD, BCE,
 * rounded accuracy), its tied variant (DenseTranspose: a kernel used twice), a model with an L2
 * kernel regulariser, a model with a layer that cannot be fused between dense runs, and the
 * upsampling conv model (UpSampling2D + Conv2D pairs as one transposed convolution; an odd size's
 * ZeroPadding2D between them keeps a pair apart). Also which
 * models it takes (chains, nested models) and refuses (branches, no dense layer, not compiled, a
 * backend without the kernels), that `fit` uses it (and `fused: false` does not), and no leaks.
 *
 * Tolerance: rtol 1e-4 (float32 sums in another order than tfjs's kernels).
 * Needs the addon (`npm run build:native`); AEKIT_SKIP_NATIVE=1 skips these tests visibly.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '../core/tf.js';
import { DENSE_CHAIN_GRAD_KERNEL, DENSE_CHAIN_KERNEL } from '../engine/fused-dense.js';
import { assertClose, randomValues, seedRandom } from '../engine/kernel-test-helper.js';
import { registerNativeBackend } from '../engine/native.js';
import { convAutoencoder } from '../models/conv.js';
import { stackedAutoencoder } from '../models/stacked.js';
import { fit } from './fit.js';
import { chainOf, fusedTrainStep } from './fused-step.js';
import { lossFunction } from './loss-functions.js';
import { roundedAccuracy } from './metrics.js';
import { makeOptimizer } from './optimizers.js';

const skip = process.env.AEKIT_SKIP_NATIVE === '1' ? 'AEKIT_SKIP_NATIVE=1: native engine tests skipped' : false;

async function native(): Promise<void> {
  await registerNativeBackend();
  await tf.setBackend('native');
}

interface Case {
  what: string;
  build: () => tf.LayersModel;
  optimizer: () => tf.Optimizer;
  loss: 'meanSquaredError' | 'binaryCrossentropy';
  metrics: boolean;
  sample: number[];
  /** Values in [0, 1] (BCE targets) rather than in [-1, 1]. */
  unit: boolean;
  /** Samples per step. Default 8. */
  batch?: number;
}

const CASES: Case[] = [
  {
    what: 'dense recipe table model (Adam, MSE)',
    build: () => stackedAutoencoder({ seed: 3, inputShape: [20], units: [10, 5], outputActivation: 'linear' }).autoencoder,
    optimizer: () => makeOptimizer('adam', 1e-2),
    loss: 'meanSquaredError',
    metrics: false,
    sample: [20],
    unit: false,
  },
  {
    what: 'stacked 28×28 model, Flatten and Reshape (SGD, BCE, rounded accuracy)',
    build: () => stackedAutoencoder({ seed: 4, units: [30, 10] }).autoencoder,
    optimizer: () => makeOptimizer('sgd', 1.5),
    loss: 'binaryCrossentropy',
    metrics: true,
    sample: [28, 28],
    unit: true,
  },
  {
    what: 'tied stacked model (DenseTranspose)',
    build: () => stackedAutoencoder({ seed: 5, inputShape: [12], units: [6, 3], tied: true }).autoencoder,
    optimizer: () => makeOptimizer('adam', 1e-2),
    loss: 'binaryCrossentropy',
    metrics: true,
    sample: [12],
    unit: true,
  },
  {
    what: 'L2 kernel regulariser, a relu layer without bias, and a LayerNormalization between the runs',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.dense({
            inputShape: [9],
            units: 6,
            activation: 'elu',
            kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }),
            kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
          }),
          tf.layers.layerNormalization({}),
          tf.layers.dense({ units: 4, activation: 'relu', useBias: false, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
          tf.layers.dense({ units: 9, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
        ],
      }),
    optimizer: () => makeOptimizer('adam', 1e-2),
    loss: 'meanSquaredError',
    metrics: false,
    sample: [9],
    unit: false,
  },
  {
    what: 'upsample conv model 16×16×3 (SGD, BCE, rounded accuracy), batch 64: every stage fused',
    build: () => convAutoencoder({ seed: 6, inputShape: [16, 16, 3], filters: [8, 16], decoder: 'upsample' }).autoencoder,
    // SGD at 1.0 amplifies the float rounding of six steps past the tolerance in the weights
    optimizer: () => makeOptimizer('sgd', 0.2),
    loss: 'binaryCrossentropy',
    metrics: true,
    sample: [16, 16, 3],
    unit: true,
    batch: 64,
  },
  {
    what: 'upsample conv model 12×10×1 (Adam, MSE): odd stages padded, not fused',
    build: () =>
      convAutoencoder({ seed: 8, inputShape: [12, 10, 1], filters: [8, 8], decoder: 'upsample', outputActivation: 'linear' }).autoencoder,
    optimizer: () => makeOptimizer('adam', 1e-2),
    loss: 'meanSquaredError',
    metrics: false,
    sample: [12, 10, 1],
    unit: false,
  },
];

function compiled(c: Case): tf.LayersModel {
  const m = c.build();
  m.compile({ optimizer: c.optimizer(), loss: lossFunction(c.loss), ...(c.metrics ? { metrics: [roundedAccuracy] } : {}) });
  return m;
}

test('fused step: losses, metrics and weights follow trainOnBatch step by step', { skip }, async () => {
  await native();
  for (const c of CASES) {
    const reference = compiled(c);
    const model = compiled(c);
    const step = fusedTrainStep(model);
    assert.ok(step !== null, `${c.what}: the step applies`);
    assert.deepEqual(step.names, reference.metricsNames, `${c.what}: names`);
    seedRandom(17);
    for (let i = 0; i < 6; i++) {
      const n = c.batch ?? 8;
      const v = randomValues([n, ...c.sample]).values.map((x) => (c.unit ? (x + 1) / 2 : x));
      const x = tf.tensor(v, [n, ...c.sample]);
      const want = await reference.trainOnBatch(x, x);
      const got = await step.train(x, x);
      x.dispose();
      assertClose(got, Array.isArray(want) ? want : [want], `${c.what}: step ${i} values`);
    }
    const wantW = reference.getWeights();
    const gotW = model.getWeights();
    assert.equal(gotW.length, wantW.length);
    for (let i = 0; i < gotW.length; i++) assertClose(await gotW[i].data(), await wantW[i].data(), `${c.what}: weight ${i} after 6 steps`);
    reference.dispose();
    model.dispose();
  }
});

test('fused step: one step runs the dense runs as the fused kernels and leaks no tensor', { skip }, async () => {
  await native();
  const c = CASES[3];
  const model = compiled(c);
  const step = fusedTrainStep(model)!;
  const x = tf.tensor(randomValues([4, 9]).values, [4, 9]);
  await step.train(x, x);
  const before = tf.memory().numTensors;
  const p = await tf.profile(async () => {
    await step.train(x, x);
  });
  assert.equal(tf.memory().numTensors, before, 'tensors after a step');
  const count = (k: string) => p.kernels.filter((r) => r.name === k).length;
  // [dense elu] LayerNormalization [dense relu] dense tanh: tanh is not fused, so two chains
  assert.equal(count(DENSE_CHAIN_KERNEL), 2, `forward chains: ${p.kernelNames.join(' ')}`);
  assert.equal(count(DENSE_CHAIN_GRAD_KERNEL), 2, 'backward chains');
  x.dispose();
  model.dispose();
});

test('fused step: an UpSampling2D + Conv2D pair runs as one transposed convolution where the rule says it pays', { skip }, async () => {
  await native();
  const model = compiled(CASES[4]);
  const step = fusedTrainStep(model)!;
  const kernelsAt = async (n: number): Promise<string[]> => {
    const x = tf.tensor(
      randomValues([n, 16, 16, 3]).values.map((v) => (v + 1) / 2),
      [n, 16, 16, 3],
    );
    await step.train(x, x);
    const p = await tf.profile(async () => {
      await step.train(x, x);
    });
    x.dispose();
    return p.kernelNames;
  };
  // batch 8: the stages 4×4×16 → 8×8×8 (co 8) and 8×8×8 → 16×16×3 (8·16·16 = 2,048 pixels, co 3)
  const at8 = await kernelsAt(8);
  assert.ok(at8.includes('ResizeNearestNeighbor'), `the co-3 stage is below the rule at batch 8: ${at8.join(' ')}`);
  assert.ok(at8.includes('AekitConv2DTransposeSelu'), 'the co-8 stage is one transposed convolution');
  // batch 64: 64·16·16 = 16,384 pixels, so the last stage too
  const at64 = await kernelsAt(64);
  assert.ok(!at64.includes('ResizeNearestNeighbor'), `every stage fused at batch 64: ${at64.join(' ')}`);
  model.dispose();
});

test('fused step: the chain of layers, nested models expanded; branches are not a chain', async () => {
  const { autoencoder } = stackedAutoencoder({ seed: 1, units: [8, 4] });
  assert.deepEqual(
    chainOf(autoencoder)!.map((l) => l.name),
    ['flatten', 'encoder_dense_1', 'encoder_dense_2', 'decoder_dense_1', 'decoder_output', 'reshape_out'],
  );
  const input = tf.input({ shape: [4] });
  const a = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
  const branched = tf.model({ inputs: input, outputs: tf.layers.add().apply([a, b]) as tf.SymbolicTensor });
  assert.equal(chainOf(branched), null, 'two branches');
  const two = tf.model({ inputs: input, outputs: [a, b] });
  assert.equal(chainOf(two), null, 'two outputs');
});

test('fused step: refused where it does not apply', { skip }, async () => {
  await native();
  const dense = stackedAutoencoder({ seed: 1, inputShape: [6], units: [3] }).autoencoder;
  assert.equal(fusedTrainStep(dense), null, 'not compiled');
  dense.compile({ optimizer: makeOptimizer('adam', 1e-3), loss: 'meanSquaredError' });
  assert.notEqual(fusedTrainStep(dense), null, 'compiled, on the native engine');
  const conv = convAutoencoder({ seed: 1 }).autoencoder;
  conv.compile({ optimizer: makeOptimizer('sgd', 1), loss: lossFunction('binaryCrossentropy') });
  assert.equal(fusedTrainStep(conv), null, 'no dense layer, no upsampling pair');
  await tf.setBackend('cpu');
  assert.equal(fusedTrainStep(dense), null, 'a backend without the kernels');
  await tf.setBackend('native');
  dense.dispose();
  conv.dispose();
});

test('fused step: fit uses it by default and trainOnBatch with fused: false, to the same result', { skip }, async () => {
  await native();
  const c = CASES[1];
  seedRandom(23);
  const count = 64;
  const x = randomValues([count, 28, 28]).values.map((v) => (v + 1) / 2);
  const train = { x, shape: [28, 28], count };
  const histories: Awaited<ReturnType<typeof fit>>[] = [];
  const kernels: string[][] = [];
  for (const fused of [true, false]) {
    const model = compiled(c);
    const names: string[] = [];
    const p = await tf.profile(async () => {
      histories.push(await fit(model, train, { epochs: 2, batchSize: 16, seed: 1, fused }));
    });
    names.push(...p.kernelNames);
    kernels.push(names);
    model.dispose();
  }
  assert.ok(kernels[0].includes(DENSE_CHAIN_KERNEL), 'fused: the chain ran');
  assert.ok(!kernels[1].includes(DENSE_CHAIN_KERNEL), 'fused: false: tfjs kernels only');
  const [a, b] = histories;
  for (let e = 0; e < 2; e++)
    for (const k of ['loss', 'rounded_accuracy']) assertClose([a[e][k] as number], [b[e][k] as number], `epoch ${e + 1} ${k}`);
});
