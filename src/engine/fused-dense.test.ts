/**
 * The dense chain op (native engine) against the same layers written with tfjs ops on the
 * reference `cpu` backend: the value and the gradients with respect to x, every kernel and every
 * bias, over a grid of chains (1 to 4 layers, every activation, with and without biases, widths
 * 1, 7 and 33, rows 0, 1, 3, 32 and 33, x of rank 3), tied chains (a kernel used twice, once
 * transposed), the kernels that run (no x gradient when nothing asks for it), bad input, the
 * backends without the kernels, and no tensor leaks.
 *
 * Tolerance: |native − cpu| ≤ 1e-4 · (1 + max |cpu|), elementwise (float32 sums in another order).
 * Needs the addon (`npm run build:native`); AEKIT_SKIP_NATIVE=1 skips these tests visibly.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import {
  DENSE_CHAIN_ACTIVATIONS,
  DENSE_CHAIN_GRAD_KERNEL,
  DENSE_CHAIN_KERNEL,
  type DenseChainActivation,
  denseChain,
  hasFusedDenseChain,
} from './fused-dense.js';
import { assertClose, randomState, randomValues, seedRandom, type TestValues, valueAndGrads } from './kernel-test-helper.js';
import { registerNativeBackend } from './native.js';

const skip = process.env.AEKIT_SKIP_NATIVE === '1' ? 'AEKIT_SKIP_NATIVE=1: native engine tests skipped' : false;

/** One layer of a test chain: its sizes, activation, bias, and whether it reuses an earlier kernel transposed. */
interface LayerSpec {
  units: number;
  activation: DenseChainActivation;
  bias: boolean;
  /** Index of an earlier layer whose kernel this one uses transposed (a tied decoder layer). */
  tiedTo?: number;
}

interface ChainCase {
  lead: number[];
  inputs: number;
  layers: LayerSpec[];
}

const tag = (c: ChainCase): string =>
  `[${c.lead.join('×')}×${c.inputs}] ${c.layers.map((l) => `${l.tiedTo === undefined ? '' : `T${l.tiedTo}`}${l.units}${l.activation[0]}${l.bias ? 'b' : ''}`).join('→')}`;

const ACT: Record<DenseChainActivation, (z: tf.Tensor) => tf.Tensor> = {
  linear: (z) => z,
  relu: (z) => tf.relu(z),
  sigmoid: (z) => tf.sigmoid(z),
  elu: (z) => tf.elu(z),
  selu: (z) => tf.selu(z),
};

/** The case's weights (kernels of untied layers, then biases) as test inputs, and the functions of them. */
function build(c: ChainCase): {
  inputs: TestValues[];
  fused: (...xs: tf.Tensor[]) => tf.Tensor;
  reference: (...xs: tf.Tensor[]) => tf.Tensor;
} {
  const inputs: TestValues[] = [randomValues([...c.lead, c.inputs])];
  const kernelIndex: number[] = [];
  const biasIndex: number[] = [];
  let width = c.inputs;
  const widths: number[] = [];
  c.layers.forEach((l, i) => {
    widths.push(width);
    if (l.tiedTo === undefined) {
      kernelIndex[i] = inputs.length;
      inputs.push(randomValues([width, l.units]));
    } else kernelIndex[i] = kernelIndex[l.tiedTo];
    width = l.units;
  });
  c.layers.forEach((l, i) => {
    biasIndex[i] = l.bias ? inputs.length : -1;
    // biases of ±1.5 put the activations' both sides in reach
    if (l.bias) inputs.push({ shape: [l.units], values: randomValues([l.units]).values.map((v) => 1.5 * v) });
  });
  const layersOf = (xs: tf.Tensor[]) =>
    c.layers.map((l, i) => ({
      kernel: xs[kernelIndex[i]],
      bias: l.bias ? xs[biasIndex[i]] : null,
      activation: l.activation,
      transposed: l.tiedTo !== undefined,
    }));
  return {
    inputs,
    fused: (...xs) => denseChain(xs[0], layersOf(xs)),
    reference: (...xs) => {
      let h = tf.reshape(xs[0], [-1, c.inputs]);
      for (const l of layersOf(xs)) {
        let z = tf.matMul(h, l.kernel, false, l.transposed);
        if (l.bias !== null) z = tf.add(z, l.bias);
        h = ACT[l.activation](z);
      }
      return tf.reshape(h, [...c.lead, h.shape[1] as number]);
    },
  };
}

/** The grid: chains of 1–4 layers over every activation, biases on and off, odd widths and row counts. */
function grid(): ChainCase[] {
  const cases: ChainCase[] = [];
  DENSE_CHAIN_ACTIVATIONS.forEach((act, i) => {
    const other = DENSE_CHAIN_ACTIVATIONS[(i + 2) % DENSE_CHAIN_ACTIVATIONS.length];
    cases.push({ lead: [3], inputs: 7, layers: [{ units: 5, activation: act, bias: true }] });
    cases.push({
      lead: [33],
      inputs: 33,
      layers: [
        { units: 7, activation: act, bias: i % 2 === 0 },
        { units: 33, activation: other, bias: true },
      ],
    });
    cases.push({
      lead: [1],
      inputs: 1,
      layers: [
        { units: 1, activation: act, bias: true },
        { units: 7, activation: other, bias: false },
      ],
    });
  });
  // the dense recipe's table model and the book's stacked model's shape, scaled down
  cases.push({
    lead: [32],
    inputs: 20,
    layers: [
      { units: 10, activation: 'selu', bias: true },
      { units: 5, activation: 'selu', bias: true },
      { units: 10, activation: 'selu', bias: true },
      { units: 20, activation: 'linear', bias: true },
    ],
  });
  cases.push({
    lead: [2, 3],
    inputs: 33,
    layers: [
      { units: 7, activation: 'selu', bias: true },
      { units: 33, activation: 'sigmoid', bias: true },
    ],
  });
  // tied: the decoder's layers use the encoder's kernels transposed
  cases.push({
    lead: [5],
    inputs: 12,
    layers: [
      { units: 6, activation: 'selu', bias: true },
      { units: 3, activation: 'elu', bias: true },
      { units: 6, activation: 'selu', bias: true, tiedTo: 1 },
      { units: 12, activation: 'sigmoid', bias: true, tiedTo: 0 },
    ],
  });
  return cases;
}

test('dense chain: value and gradients of x, kernels and biases match the layers on cpu over the grid', { skip }, async () => {
  await registerNativeBackend();
  const cases = grid();
  assert.ok(cases.length >= 18, `${cases.length} cases`);
  for (const c of cases) {
    seedRandom(11);
    const { inputs, fused, reference } = build(c);
    const start = randomState();
    const want = await valueAndGrads('cpu', inputs, reference);
    seedRandom(start);
    const got = await valueAndGrads('native', inputs, fused, { kernels: true });
    assert.ok(
      got.kernels.includes(DENSE_CHAIN_KERNEL) && got.kernels.includes(DENSE_CHAIN_GRAD_KERNEL),
      `${tag(c)}: the fused kernels ran`,
    );
    assert.equal(got.outs.length, want.outs.length, `${tag(c)}: outputs`);
    got.outs.forEach((o, i) => assertClose(o, want.outs[i], `${tag(c)} ${i === 0 ? 'y' : `gradient ${i - 1}`}`));
  }
});

test('dense chain: no rows gives an empty output and zero weight gradients', { skip }, async () => {
  await registerNativeBackend();
  await tf.setBackend('native');
  const k = tf.tensor(randomValues([4, 3]).values, [4, 3]);
  const bias = tf.tensor([0.5, -1, 2]);
  const x = tf.zeros([0, 4]);
  const f = (kk: tf.Tensor, bb: tf.Tensor) => tf.sum(denseChain(x, [{ kernel: kk, bias: bb, activation: 'selu' }]));
  const y = denseChain(x, [{ kernel: k, bias, activation: 'selu' }]);
  assert.deepEqual(y.shape, [0, 3]);
  const [dk, db] = tf.grads(f)([k, bias]);
  assert.deepEqual([...(await dk.data())], new Array(12).fill(0));
  assert.deepEqual([...(await db.data())], [0, 0, 0]);
  tf.dispose([k, bias, x, y, dk, db]);
});

test('dense chain: the gradient of x runs only when asked for', { skip }, async () => {
  await registerNativeBackend();
  await tf.setBackend('native');
  seedRandom(3);
  const x = tf.tensor(randomValues([8, 6]).values, [8, 6]);
  const k = tf.variable(tf.tensor(randomValues([6, 4]).values, [6, 4]));
  const bias = tf.variable(tf.zeros([4]));
  const loss = () => tf.sum(denseChain(x, [{ kernel: k, bias, activation: 'selu' }])) as tf.Scalar;
  const weightsOnly = await tf.profile(() => tf.dispose(tf.variableGrads(loss, [k, bias]).grads));
  assert.ok(weightsOnly.kernelNames.includes(DENSE_CHAIN_GRAD_KERNEL), 'the backward kernel ran');
  assert.ok(!weightsOnly.kernelNames.includes('BatchMatMul'), `no product for x: ${weightsOnly.kernelNames.join(', ')}`);
  const withX = await tf.profile(() =>
    tf.dispose(tf.grads((xx: tf.Tensor) => tf.sum(denseChain(xx, [{ kernel: k, bias, activation: 'selu' }])))([x])),
  );
  assert.ok(withX.kernelNames.includes('BatchMatMul'), `the product for x ran: ${withX.kernelNames.join(', ')}`);
  tf.dispose([x, k, bias]);
});

test('dense chain: bad layers are refused with an ArgumentError naming the layer', { skip }, async () => {
  await registerNativeBackend();
  await tf.setBackend('native');
  const x = tf.zeros([2, 4]);
  const k = tf.zeros([4, 3]);
  const cases: [() => unknown, RegExp][] = [
    [() => denseChain(x, []), /expected 1 to 64 layers, got 0/],
    [() => denseChain(tf.zeros([4]), [{ kernel: k, bias: null, activation: 'relu' }]), /float32 tensor of rank ≥ 2, got float32 \[4\]/],
    [
      () => denseChain(x, [{ kernel: tf.zeros([5, 3]), bias: null, activation: 'relu' }]),
      /layer 0's kernel \[5, 3\] takes 5 inputs, its input has 4/,
    ],
    [
      () => denseChain(x, [{ kernel: k, bias: tf.zeros([4]), activation: 'relu' }]),
      /layer 0's bias must be float32 \[3\], got float32 \[4\]/,
    ],
    [
      () =>
        denseChain(x, [
          { kernel: k, bias: null, activation: 'relu' },
          { kernel: k, bias: null, activation: 'tanh' as DenseChainActivation },
        ]),
      /layer 1's activation must be one of linear, relu, sigmoid, elu, selu, got 'tanh'/,
    ],
    [
      () => denseChain(x, [{ kernel: tf.zeros([4, 3], 'int32'), bias: null, activation: 'relu' }]),
      /layer 0's kernel must be float32 and 2-d, got int32/,
    ],
  ];
  for (const [f, message] of cases)
    assert.throws(f, (e: unknown) => e instanceof ArgumentError && message.test((e as Error).message), String(message));
});

test('dense chain: only the native engine has the kernels; elsewhere the op says so', { skip }, async () => {
  await registerNativeBackend();
  await tf.setBackend('cpu');
  assert.equal(hasFusedDenseChain(), false);
  assert.throws(
    () => denseChain(tf.zeros([1, 2]), [{ kernel: tf.zeros([2, 2]), bias: null, activation: 'linear' }]),
    /backend 'cpu' has no AekitDenseChain kernel/,
  );
  await tf.setBackend('native');
  assert.equal(hasFusedDenseChain(), true);
});

test('dense chain: a training step leaks no tensor', { skip }, async () => {
  await registerNativeBackend();
  await tf.setBackend('native');
  seedRandom(5);
  const x = tf.tensor(randomValues([16, 9]).values, [16, 9]);
  const k1 = tf.variable(tf.tensor(randomValues([9, 4]).values, [9, 4]));
  const b1 = tf.variable(tf.zeros([4]));
  const k2 = tf.variable(tf.tensor(randomValues([4, 9]).values, [4, 9]));
  const opt = tf.train.sgd(0.1);
  const step = () =>
    opt.minimize(
      () =>
        tf.mean(
          tf.squaredDifference(
            x,
            denseChain(x, [
              { kernel: k1, bias: b1, activation: 'selu' },
              { kernel: k2, bias: null, activation: 'linear' },
            ]),
          ),
        ) as tf.Scalar,
      true,
    );
  tf.dispose(step() as tf.Scalar);
  const before = tf.memory().numTensors;
  const losses: number[] = [];
  for (let i = 0; i < 5; i++) {
    const l = step() as tf.Scalar;
    losses.push((await l.data())[0]);
    l.dispose();
  }
  assert.equal(tf.memory().numTensors, before, 'tensors after 5 steps');
  assert.ok(losses[4] < losses[0], `the loss falls: ${losses.join(', ')}`);
  tf.dispose([x, k1, b1, k2]);
});
