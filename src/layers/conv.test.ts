/**
 * aekit's Conv2D and Conv2DTranspose: with activation selu on the native engine they run the
 * fused convolution + bias + SELU kernels, and compute what tfjs's own layers compute on the
 * reference `cpu` backend (outputs, input gradient, kernel and bias gradients); elsewhere they are
 * tfjs's layers. They save as tfjs's own classes (same config) and survive save → load; the seed
 * conv autoencoder trains the same with the fused path as without it.
 *
 * Tolerance: |native − cpu| ≤ 1e-4 · (1 + max |cpu|), elementwise.
 * Needs the addon (`npm run build:native`); AEKIT_SKIP_NATIVE=1 skips the native tests visibly.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '../core/tf.js';
import { useBackend } from '../engine/backend.js';
import { CONV_SELU_KERNEL, CONV_TRANSPOSE_SELU_KERNEL, SELU_BIAS_GRAD_KERNEL, setFusedConvSelu } from '../engine/fused-conv.js';
import { assertClose, randomValues, seedRandom } from '../engine/kernel-test-helper.js';
import { convAutoencoder } from '../models/conv.js';
import { checkModel } from '../testing/check-model.js';
import { Conv2D, Conv2DTranspose, type ConvLayerArgs, conv2d, conv2dTranspose } from './conv.js';

const skipNative = process.env.AEKIT_SKIP_NATIVE === '1' ? 'AEKIT_SKIP_NATIVE=1: native engine tests skipped' : false;
const FUSED = [CONV_SELU_KERNEL, CONV_TRANSPOSE_SELU_KERNEL, SELU_BIAS_GRAD_KERNEL];

type Kind = 'conv2d' | 'conv2dTranspose';
const ours = (kind: Kind, args: ConvLayerArgs): tf.layers.Layer => (kind === 'conv2d' ? conv2d(args) : conv2dTranspose(args));
const theirs = (kind: Kind, args: ConvLayerArgs): tf.layers.Layer => tf.layers[kind](args);

/** Output and the gradients of sum(layer(x) · r) w.r.t. x and every weight on `backend`, and the kernels that ran. */
async function run(
  backend: 'cpu' | 'native',
  layer: tf.layers.Layer,
  weights: Float32Array[],
  x: { shape: number[]; values: Float32Array },
): Promise<{ outs: Float32Array[]; kernels: string[] }> {
  await useBackend(backend);
  const xs = tf.tensor(x.values, x.shape);
  tf.tidy(() => layer.apply(xs) as tf.Tensor); // builds the weights
  layer.setWeights(layer.getWeights().map((w, i) => tf.tensor(weights[i], w.shape)));
  const shape = (layer.apply(xs) as tf.Tensor).shape;
  seedRandom(5);
  const rs = tf.tensor(randomValues(shape).values, shape);
  const loss = (input: tf.Tensor): tf.Scalar => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, rs));
  let outs: tf.Tensor[] = [];
  const profile = await tf.profile(() => {
    const y = layer.apply(xs) as tf.Tensor;
    const dx = tf.grad(loss)(xs);
    const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => loss(xs), vars);
    outs = [y, dx, ...vars.map((v) => grads[v.name])];
  });
  const values = await Promise.all(outs.map(async (o) => (await o.data()) as Float32Array));
  tf.dispose([...outs, xs, rs]);
  layer.dispose();
  return { outs: values, kernels: profile.kernelNames };
}

interface Case {
  kind: Kind;
  input: number[];
  args: ConvLayerArgs;
}

const cases: Case[] = [
  { kind: 'conv2d', input: [3, 9, 7, 2], args: { filters: 5, kernelSize: 3, padding: 'same', activation: 'selu' } },
  { kind: 'conv2d', input: [1, 8, 8, 1], args: { filters: 4, kernelSize: 3, strides: 2, padding: 'valid', activation: 'selu' } },
  { kind: 'conv2d', input: [2, 6, 5, 3], args: { filters: 1, kernelSize: [1, 3], padding: 'same', activation: 'selu', useBias: false } },
  { kind: 'conv2dTranspose', input: [2, 3, 3, 8], args: { filters: 4, kernelSize: 3, strides: 2, padding: 'valid', activation: 'selu' } },
  { kind: 'conv2dTranspose', input: [3, 4, 5, 3], args: { filters: 2, kernelSize: 3, strides: 2, padding: 'same', activation: 'selu' } },
  {
    kind: 'conv2dTranspose',
    input: [1, 5, 5, 2],
    args: { filters: 3, kernelSize: 2, strides: 1, padding: 'same', activation: 'selu', useBias: false },
  },
];

for (const c of cases) {
  const tag = `${c.kind} ${JSON.stringify(c.args)} on [${c.input}]`;
  test(`aekit ${tag} runs fused on native and equals tfjs's layer on cpu`, { skip: skipNative }, async () => {
    seedRandom(c.input.reduce((a, b) => a * b, 1));
    const x = randomValues(c.input);
    // weights drawn once, the same for both layers
    await useBackend('cpu');
    const probe = theirs(c.kind, c.args);
    tf.tidy(() => probe.apply(tf.zeros(c.input)) as tf.Tensor);
    const weights = probe.getWeights().map((w) => randomValues(w.shape).values);
    probe.dispose();
    const want = await run('cpu', theirs(c.kind, c.args), weights, x);
    const got = await run('native', ours(c.kind, c.args), weights, x);
    const forward = c.kind === 'conv2d' ? CONV_SELU_KERNEL : CONV_TRANSPOSE_SELU_KERNEL;
    assert.ok(
      got.kernels.includes(forward) && got.kernels.includes(SELU_BIAS_GRAD_KERNEL) && !got.kernels.includes('Selu'),
      `native ran the fused kernels only, ran ${[...new Set(got.kernels)].join(', ')}`,
    );
    assert.ok(want.kernels.includes('Selu'), "cpu ran tfjs's Selu");
    const names = ['output', 'd input', 'd kernel', 'd bias'];
    assert.equal(got.outs.length, c.args.useBias === false ? 3 : 4);
    want.outs.forEach((w, i) => assertClose(got.outs[i], w, `${tag}: ${names[i]}`));
    await tf.setBackend('cpu');
  });
}

test("aekit's conv layers run tfjs's path where the fused op does not apply", { skip: skipNative }, async () => {
  await useBackend('native');
  const x = tf.tensor(randomValues([2, 6, 6, 3]).values, [2, 6, 6, 3]);
  // forward and backward (forward only with dilation, which tfjs's gradients do not support)
  const kernelsOf = async (layer: tf.layers.Layer, backward = true): Promise<string[]> => {
    const f = (input: tf.Tensor): tf.Scalar => tf.sum(layer.apply(input) as tf.Tensor);
    const k = (await tf.profile(() => (backward ? tf.grad(f)(x) : f(x)))).kernelNames;
    layer.dispose();
    return k;
  };
  const fused = (ks: string[]): boolean => ks.some((k) => FUSED.includes(k));
  const selu = { filters: 4, kernelSize: 3, padding: 'same', activation: 'selu' } as const;
  assert.ok(fused(await kernelsOf(conv2d(selu))), 'selu: fused');
  assert.ok(fused(await kernelsOf(conv2dTranspose(selu))), 'selu transposed: fused');
  for (const [what, args] of [
    ['relu', { ...selu, activation: 'relu' }],
    ['no activation', { ...selu, activation: undefined }],
  ] as const) {
    const ks = await kernelsOf(conv2d(args));
    assert.ok(!fused(ks), `${what}: not fused (ran ${[...new Set(ks)].join(', ')})`);
  }
  const dilated = await kernelsOf(conv2d({ ...selu, dilationRate: 2 }), false);
  assert.ok(!fused(dilated) && dilated.includes('Selu'), `dilation 2: tfjs's kernels (ran ${[...new Set(dilated)].join(', ')})`);
  assert.ok(!fused(await kernelsOf(conv2dTranspose({ ...selu, activation: 'elu' }))), 'elu transposed: not fused');
  // channelsFirst input [2, 3, 6, 6]
  const first = tf.tensor(randomValues([2, 3, 6, 6]).values, [2, 3, 6, 6]);
  const cf = conv2d({ ...selu, dataFormat: 'channelsFirst' });
  assert.ok(!fused((await tf.profile(() => cf.apply(first) as tf.Tensor)).kernelNames), 'channelsFirst: not fused');
  cf.dispose();
  first.dispose();
  // turned off
  setFusedConvSelu(false);
  try {
    assert.ok(!fused(await kernelsOf(conv2d(selu))), 'setFusedConvSelu(false): not fused');
  } finally {
    setFusedConvSelu(true);
  }
  await tf.setBackend('cpu');
  assert.ok(!fused(await kernelsOf(conv2d(selu))), 'cpu: not fused');
  x.dispose();
});

test("Conv2D and Conv2DTranspose save as tfjs's own classes (same config) and survive save → load", async () => {
  await useBackend('cpu');
  const args: ConvLayerArgs = { filters: 3, kernelSize: 3, padding: 'same', activation: 'selu', name: 'c1', inputShape: [6, 6, 2] };
  const targs: ConvLayerArgs = { filters: 2, kernelSize: 3, strides: 2, padding: 'valid', activation: 'selu', name: 't1' };
  const c = conv2d(args);
  const t = conv2dTranspose(targs);
  assert.equal(c.getClassName(), 'Conv2D');
  assert.equal(t.getClassName(), 'Conv2DTranspose');
  assert.deepEqual(c.getConfig(), tf.layers.conv2d(args).getConfig());
  assert.deepEqual(t.getConfig(), tf.layers.conv2dTranspose(targs).getConfig());
  const model = tf.sequential({ layers: [c, t] });
  const json = JSON.stringify(model.toJSON(null, false));
  assert.ok(json.includes('"class_name":"Conv2D"') && json.includes('"class_name":"Conv2DTranspose"'), json);
  const input = tf.tensor(randomValues([2, 6, 6, 2]).values, [2, 6, 6, 2]);
  const loaded = await checkModel(model, { input, outputShape: [2, 13, 13, 2], trainableParams: 3 * 3 * 2 * 3 + 3 + 3 * 3 * 3 * 2 + 2 });
  assert.ok(loaded.getLayer('c1') instanceof Conv2D, 'aekit loads Conv2D layers as its own class');
  assert.ok(loaded.getLayer('t1') instanceof Conv2DTranspose, 'aekit loads Conv2DTranspose layers as its own class');
  input.dispose();
  model.dispose();
  loaded.dispose();
});

/** Losses of `steps` trainOnBatch calls of the seed conv autoencoder on native, and its weights after. */
async function train(fused: boolean, steps: number): Promise<{ losses: number[]; weights: Float32Array[]; kernels: string[] }> {
  await useBackend('native');
  const previous = setFusedConvSelu(fused);
  try {
    const { autoencoder } = convAutoencoder({ seed: 21 });
    autoencoder.compile({ optimizer: tf.train.sgd(1.0), loss: 'binaryCrossentropy' });
    seedRandom(8);
    const data = tf.tensor(
      randomValues([16, 28, 28]).values.map((v) => (v + 1) / 2),
      [16, 28, 28],
    );
    const losses: number[] = [];
    let kernels: string[] = [];
    for (let i = 0; i < steps; i++) {
      if (i === 0) {
        const p = await tf.profile(async () => {
          losses.push(Number(await autoencoder.trainOnBatch(data, data)));
        });
        kernels = p.kernelNames;
      } else losses.push(Number(await autoencoder.trainOnBatch(data, data)));
    }
    const weights = await Promise.all(autoencoder.getWeights().map(async (w) => (await w.data()) as Float32Array));
    // neither a training step nor a prediction leaks tensors (the fused op keeps x, filter and y for its gradient)
    await autoencoder.trainOnBatch(data, data);
    tf.dispose(autoencoder.predict(data));
    const before = tf.memory().numTensors;
    await autoencoder.trainOnBatch(data, data);
    tf.dispose(autoencoder.predict(data));
    assert.equal(tf.memory().numTensors, before, `tensors leaked (fused ${fused})`);
    data.dispose();
    autoencoder.dispose();
    return { losses, weights, kernels };
  } finally {
    setFusedConvSelu(previous);
  }
}

test('the seed conv autoencoder trains the same with the fused path as without (native, 3 steps)', { skip: skipNative }, async () => {
  const plain = await train(false, 3);
  const fused = await train(true, 3);
  assert.ok(!plain.kernels.some((k) => FUSED.includes(k)) && plain.kernels.includes('Selu'), 'unfused run: tfjs kernels');
  for (const k of FUSED) assert.ok(fused.kernels.includes(k), `fused run: ${k} ran`);
  assert.ok(!fused.kernels.includes('Selu'), 'fused run: no Selu kernel');
  for (let i = 0; i < plain.losses.length; i++) {
    assert.ok(
      Math.abs(fused.losses[i] - plain.losses[i]) <= 1e-5 * Math.abs(plain.losses[i]),
      `step ${i}: fused loss ${fused.losses[i]} vs unfused ${plain.losses[i]}`,
    );
  }
  plain.weights.forEach((w, i) => assertClose(fused.weights[i], w, `weight ${i} after 3 steps`, 1e-4));
  await tf.setBackend('cpu');
});
