/**
 * aekit's LSTM: the fused kernels (native engine) against tfjs's own step-by-step LSTM on the
 * reference `cpu` backend — outputs and the gradients of the input and all three weights, over a
 * grid of shapes, with and without `returnSequences` — plus Keras's defaults, save → load under
 * tfjs's class name, and the fallback to tfjs's path where the fused kernels do not apply.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '../core/tf.js';
import { useBackend } from '../engine/backend.js';
import { LSTM_GRAD_KERNEL, LSTM_KERNEL } from '../engine/fused-lstm.js';
import { assertClose, randomValues, seedRandom } from '../engine/kernel-test-helper.js';
import { checkModel } from '../testing/check-model.js';
import { LSTM, lstm } from './lstm.js';

const skipNative = process.env.AEKIT_SKIP_NATIVE === '1' ? 'AEKIT_SKIP_NATIVE=1: native engine tests skipped' : false;

interface Case {
  batch: number;
  steps: number;
  features: number;
  units: number;
  sequences: boolean;
}

/** Output, input gradient and weight gradients of sum(lstm(x) · r) on `backend`, and the kernels that ran. */
async function run(
  backend: string,
  c: Case,
  weights: Float32Array[],
  x: Float32Array,
  r: Float32Array,
): Promise<{ outs: Float32Array[]; kernels: string[] }> {
  await tf.setBackend(backend);
  const layer = lstm({ units: c.units, returnSequences: c.sequences });
  tf.tidy(() => layer.apply(tf.zeros([1, c.steps, c.features])) as tf.Tensor); // builds the weights
  layer.setWeights(layer.getWeights().map((w, i) => tf.tensor(weights[i], w.shape)));
  const xs = tf.tensor(x, [c.batch, c.steps, c.features]);
  const rs = tf.tensor(r, c.sequences ? [c.batch, c.steps, c.units] : [c.batch, c.units]);
  const loss = (input: tf.Tensor): tf.Scalar => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, rs));
  let outs: tf.Tensor[] = [];
  const profile = await tf.profile(() => {
    const y = layer.apply(xs) as tf.Tensor;
    const dx = tf.grad(loss)(xs);
    const { grads } = tf.variableGrads(
      () => loss(xs),
      layer.trainableWeights.map((w) => w.read() as tf.Variable),
    );
    outs = [y, dx, ...layer.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name])];
  });
  const values = await Promise.all(outs.map(async (o) => (await o.data()) as Float32Array));
  tf.dispose([...outs, xs, rs]);
  layer.dispose();
  return { outs: values, kernels: profile.kernelNames };
}

const grid: Case[] = [
  { batch: 1, steps: 2, features: 1, units: 1, sequences: false },
  { batch: 2, steps: 2, features: 1, units: 1, sequences: true },
  { batch: 1, steps: 5, features: 3, units: 2, sequences: false },
  { batch: 3, steps: 2, features: 7, units: 5, sequences: true },
  { batch: 4, steps: 9, features: 1, units: 6, sequences: false },
  { batch: 2, steps: 13, features: 28, units: 30, sequences: false },
  { batch: 5, steps: 28, features: 30, units: 100, sequences: true },
  { batch: 32, steps: 28, features: 28, units: 100, sequences: true },
];

for (const c of grid) {
  const tag = `batch ${c.batch}, ${c.steps} steps × ${c.features} features, ${c.units} units, returnSequences ${c.sequences}`;
  test(`LSTM fused kernels (native) = tfjs's LSTM on cpu: ${tag}`, { skip: skipNative }, async () => {
    await useBackend('native');
    seedRandom(c.batch * 1000 + c.units);
    const shapes = [[c.features, 4 * c.units], [c.units, 4 * c.units], [4 * c.units]];
    // Glorot-like scale: with weights in [-1, 1) and 100 units the recurrence is chaotic and float
    // rounding differences grow over the steps whatever the kernel.
    const scale = 1 / Math.sqrt(c.features + c.units);
    const weights = shapes.map((s) => randomValues(s).values.map((v) => v * scale));
    const x = randomValues([c.batch, c.steps, c.features]).values;
    const r = randomValues(c.sequences ? [c.batch, c.steps, c.units] : [c.batch, c.units]).values;
    const want = await run('cpu', c, weights, x, r);
    const got = await run('native', c, weights, x, r);
    assert.ok(!want.kernels.includes(LSTM_KERNEL), "cpu must run tfjs's own LSTM");
    assert.ok(
      got.kernels.includes(LSTM_KERNEL) && got.kernels.includes(LSTM_GRAD_KERNEL),
      `native must run the fused kernels, ran ${[...new Set(got.kernels)].join(', ')}`,
    );
    const names = ['output', 'd input', 'd kernel', 'd recurrent kernel', 'd bias'];
    want.outs.forEach((w, i) => assertClose(got.outs[i], w, `${tag}: ${names[i]}`));
    await tf.setBackend('cpu');
  });
}

test(
  "LSTM with one step and returnSequences (tfjs's own gradient throws there) equals the last-step output",
  { skip: skipNative },
  async () => {
    await useBackend('native');
    const x = tf.tensor(randomValues([3, 1, 4]).values, [3, 1, 4]);
    const seq = lstm({ units: 2, returnSequences: true });
    const last = lstm({ units: 2 });
    tf.tidy(() => [seq.apply(x) as tf.Tensor, last.apply(x) as tf.Tensor]);
    last.setWeights(seq.getWeights());
    const both = [seq, last].map((layer) =>
      tf.tidy(() => {
        const f = (input: tf.Tensor): tf.Scalar => tf.sum(tf.square(layer.apply(input) as tf.Tensor));
        return [tf.reshape(layer.apply(x) as tf.Tensor, [3, 2]), tf.grad(f)(x)];
      }),
    );
    for (let i = 0; i < 2; i++) assertClose(await both[0][i].data(), await both[1][i].data(), i === 0 ? 'output' : 'd input', 1e-6);
    tf.dispose([x, ...both.flat()]);
    seq.dispose();
    last.dispose();
    await tf.setBackend('cpu');
  },
);

test("lstm() applies Keras's defaults: sigmoid gates, Glorot-uniform kernel, forget-gate bias 1", async () => {
  await useBackend('cpu');
  const layer = lstm({ units: 3, inputShape: [4, 2] });
  tf.tidy(() => layer.apply(tf.zeros([1, 4, 2])) as tf.Tensor);
  const config = layer.getConfig();
  assert.equal(config.recurrentActivation, 'sigmoid');
  const init = config.kernelInitializer as { className: string; config: Record<string, unknown> };
  assert.deepEqual(
    [init.className, init.config.mode, init.config.distribution, init.config.scale],
    ['VarianceScaling', 'fanAvg', 'uniform', 1],
  );
  assert.equal(config.unitForgetBias, true);
  const bias = Array.from(layer.getWeights()[2].dataSync());
  assert.deepEqual(bias, [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  layer.dispose();
});

test("LSTM saves as tfjs's own LSTM (same config) and survives save → load", async () => {
  await useBackend('cpu');
  const args = { units: 4, returnSequences: true, inputShape: [6, 3], name: 'l1' };
  const ours = lstm(args);
  const theirs = tf.layers.lstm({ ...args, recurrentActivation: 'sigmoid', kernelInitializer: 'glorotUniform', unitForgetBias: true });
  assert.equal(ours.getClassName(), 'LSTM');
  assert.deepEqual(ours.getConfig(), theirs.getConfig());
  const model = tf.sequential({ layers: [ours, lstm({ units: 2, name: 'l2' })] });
  const input = tf.tensor(randomValues([3, 6, 3]).values, [3, 6, 3]);
  const loaded = await checkModel(model, { input, outputShape: [3, 2], trainableParams: (3 + 4 + 1) * 16 + (4 + 2 + 1) * 8 });
  assert.ok(loaded.getLayer('l1') instanceof LSTM, 'aekit loads LSTM layers as its own class');
  assert.ok(model.toJSON(null, false) !== undefined && JSON.stringify(model.toJSON(null, false)).includes('"class_name":"LSTM"'));
  input.dispose();
  model.dispose();
  loaded.dispose();
});

test("LSTM runs tfjs's step-by-step path where the fused kernels do not apply", { skip: skipNative }, async () => {
  await useBackend('native');
  const x = tf.tensor(randomValues([2, 3, 4]).values, [2, 3, 4]);
  const kernelsOf = async (layer: tf.layers.Layer): Promise<string[]> => (await tf.profile(() => layer.apply(x) as tf.Tensor)).kernelNames;
  assert.ok((await kernelsOf(lstm({ units: 2 }))).includes(LSTM_KERNEL));
  assert.ok(!(await kernelsOf(lstm({ units: 2, recurrentActivation: 'hardSigmoid' }))).includes(LSTM_KERNEL));
  assert.ok(!(await kernelsOf(lstm({ units: 2, goBackwards: true }))).includes(LSTM_KERNEL));
  x.dispose();
  await tf.setBackend('cpu');
});
