/**
 * Convolution + bias + SELU fused (native engine) against tfjs's unfused composition on the
 * reference `cpu` backend — selu(conv2d(x, w) + b) and selu(conv2dTranspose(x, w) + b) — over a
 * grid of shapes: odd and even sizes, strides 1 and 2, same and valid padding, batch 1 and more,
 * one input channel and more, one output channel and more, 1×1, 3×3, 1×3 and 5×5 filters, with
 * and without bias. Compared: the output and the gradients of sum(y · r) with respect to x, the
 * filter and the bias (r random).
 *
 * Tolerance: |native − cpu| ≤ 1e-4 · (1 + max |cpu|), elementwise (float32 sums in a different
 * order; SELU's derivative taken from its output instead of its input).
 * Needs the addon (`npm run build:native`); AEKIT_SKIP_NATIVE=1 skips these tests visibly.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import {
  CONV_SELU_KERNEL,
  CONV_TRANSPOSE_SELU_KERNEL,
  conv2dSelu,
  conv2dTransposeSelu,
  hasFusedConvSelu,
  SELU_BIAS_GRAD_KERNEL,
  setFusedConvSelu,
} from './fused-conv.js';
import {
  assertClose,
  type ConvCase,
  convCaseTag,
  randomState,
  randomValues,
  seedRandom,
  type TestValues,
  valueAndGrads,
} from './kernel-test-helper.js';
import { registerNativeBackend } from './native.js';

const skip = process.env.AEKIT_SKIP_NATIVE === '1' ? 'AEKIT_SKIP_NATIVE=1: native engine tests skipped' : false;
const RTOL = 1e-4;

type Values = TestValues;

interface Case extends ConvCase {
  bias: boolean;
}

const grid: Case[] = [];
for (const [h, w] of [
  [5, 5],
  [7, 9],
  [13, 13],
  [28, 28],
]) {
  for (const s of [1, 2]) {
    for (const pad of ['same', 'valid'] as const) {
      for (const [n, ci, co] of [
        [1, 1, 16],
        [3, 16, 32],
        [2, 64, 1],
        [2, 32, 64],
      ]) {
        if ((n * h * w * ci * co) / (s * s) > 3e5) continue; // keep the cpu reference fast
        // without bias: every shape at 5×5 and 7×9, a third of the rest
        const both = h < 13 || grid.length % 3 === 0;
        for (const bias of both ? [true, false] : [true]) grid.push({ n, h, w, ci, co, k: [3, 3], s, pad, bias });
      }
    }
  }
}
// other filter sizes: 1×1, 1×3 (conv1d's windows), 5×5, and the seed model's shapes at batch 2
grid.push(
  { n: 2, h: 6, w: 7, ci: 3, co: 5, k: [1, 1], s: 1, pad: 'valid', bias: true },
  { n: 3, h: 1, w: 16, ci: 4, co: 8, k: [1, 3], s: 2, pad: 'same', bias: true },
  { n: 2, h: 11, w: 9, ci: 2, co: 3, k: [5, 5], s: 2, pad: 'valid', bias: false },
  { n: 2, h: 28, w: 28, ci: 1, co: 16, k: [3, 3], s: 1, pad: 'same', bias: true },
  { n: 2, h: 14, w: 14, ci: 16, co: 32, k: [3, 3], s: 1, pad: 'same', bias: true },
  { n: 2, h: 7, w: 7, ci: 32, co: 64, k: [3, 3], s: 1, pad: 'same', bias: true },
);

const outSize = (size: number, k: number, s: number, pad: 'same' | 'valid'): number =>
  pad === 'same' ? Math.ceil(size / s) : Math.floor((size - k) / s) + 1;

const tagOf = (c: Case): string => `${convCaseTag(c)}${c.bias ? ' bias' : ' no bias'}`;

/** Compares the fused op on native with the composition on cpu; checks the fused kernels ran. */
async function compare(
  what: string,
  inputs: Values[],
  fused: (...xs: tf.Tensor[]) => tf.Tensor,
  composed: (...xs: tf.Tensor[]) => tf.Tensor,
): Promise<void> {
  const s = randomState();
  const want = await valueAndGrads('cpu', inputs, composed);
  seedRandom(s);
  const got = await valueAndGrads('native', inputs, fused, { kernels: true });
  const forward = what.startsWith('conv2dTranspose') ? CONV_TRANSPOSE_SELU_KERNEL : CONV_SELU_KERNEL;
  for (const k of [forward, SELU_BIAS_GRAD_KERNEL])
    assert.ok(got.kernels.includes(k), `${what}: ${k} ran (kernels: ${got.kernels.join(', ')})`);
  assert.ok(!got.kernels.includes('Selu'), `${what}: no separate Selu kernel`);
  const names = ['value', 'dx', 'dfilter', 'dbias'];
  want.outs.forEach((w, i) => assertClose(got.outs[i], w, `${what} ${names[i]}`, RTOL));
}

test('fused conv2d + bias + selu (native) = selu(conv2d + bias) on cpu: values and gradients over a grid of shapes', { skip }, async () => {
  await registerNativeBackend();
  seedRandom(16);
  for (const c of grid) {
    const ho = outSize(c.h, c.k[0], c.s, c.pad);
    const wo = outSize(c.w, c.k[1], c.s, c.pad);
    assert.ok(ho >= 1 && wo >= 1, tagOf(c));
    const inputs = [randomValues([c.n, c.h, c.w, c.ci]), randomValues([...c.k, c.ci, c.co]), ...(c.bias ? [randomValues([c.co])] : [])];
    const strides: [number, number] = [c.s, c.s];
    await compare(
      `conv2d ${tagOf(c)}`,
      inputs,
      (x, w, b) => conv2dSelu(x, w, b ?? null, strides, c.pad),
      (x, w, b) => {
        const z = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, c.pad);
        return tf.selu(b === undefined ? z : tf.add(z, b));
      },
    );
  }
});

test(
  'fused conv2dTranspose + bias + selu (native) = selu(conv2dTranspose + bias) on cpu: values and gradients over a grid of shapes',
  { skip },
  async () => {
    await registerNativeBackend();
    seedRandom(17);
    for (const c of grid) {
      // the transposed convolution from this convolution's output size back to its input size,
      // to ci channels (the seed's decoder: 3×3×64 → 7×7×32 valid, 7×7×32 → 14×14×16 same)
      const ho = outSize(c.h, c.k[0], c.s, c.pad);
      const wo = outSize(c.w, c.k[1], c.s, c.pad);
      assert.ok(ho >= 1 && wo >= 1, tagOf(c));
      const outputShape: [number, number, number, number] = [c.n, c.h, c.w, c.ci];
      const inputs = [randomValues([c.n, ho, wo, c.co]), randomValues([...c.k, c.ci, c.co]), ...(c.bias ? [randomValues([c.ci])] : [])];
      const strides: [number, number] = [c.s, c.s];
      await compare(
        `conv2dTranspose ${tagOf(c)}`,
        inputs,
        (x, w, b) => conv2dTransposeSelu(x, w, b ?? null, outputShape, strides, c.pad),
        (x, w, b) => {
          const z = tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, outputShape, strides, c.pad);
          return tf.selu(b === undefined ? z : tf.add(z, b));
        },
      );
    }
  },
);

test('fused conv + selu: SELU and its gradient at the edges (large negative, zero, large positive inputs)', { skip }, async () => {
  await registerNativeBackend();
  // a 1×1 convolution with weight 1 passes x through: y = selu(x + b)
  const xs = [-30, -10, -1e-3, 0, 1e-3, 1, 10, 30];
  const x: Values = { shape: [1, 1, xs.length, 1], values: Float32Array.from(xs) };
  const w: Values = { shape: [1, 1, 1, 1], values: Float32Array.from([1]) };
  const b: Values = { shape: [1], values: Float32Array.from([0]) };
  seedRandom(3);
  await compare(
    'conv2d edges',
    [x, w, b],
    (a, f, c) => conv2dSelu(a, f, c, [1, 1], 'valid'),
    (a, f, c) => tf.selu(tf.add(tf.conv2d(a as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid'), c)),
  );
});

test('fused conv + selu: refuses inputs it does not compute, and needs the native kernels', { skip }, async () => {
  await registerNativeBackend();
  await tf.setBackend('native');
  const x = tf.zeros([1, 5, 5, 2]);
  const w = tf.zeros([3, 3, 2, 4]);
  assert.throws(() => conv2dSelu(x, tf.zeros([3, 3, 3, 4]), null, [1, 1], 'same'), ArgumentError, 'filter channels ≠ x channels');
  assert.throws(() => conv2dSelu(x, w, tf.zeros([3]), [1, 1], 'same'), ArgumentError, 'bias size ≠ output channels');
  assert.throws(() => conv2dSelu(tf.zeros([1, 5, 5, 2], 'int32'), w, null, [1, 1], 'same'), ArgumentError, 'int32');
  assert.throws(
    () => conv2dTransposeSelu(tf.zeros([1, 3, 3, 4]), w, null, [1, 7, 7, 2], [2, 2], 'same'),
    /outputShape \[1,7,7,2\] does not give x \[1,3,3,4\] back/,
  );
  // empty batches run tfjs's ops
  assert.deepEqual(conv2dSelu(tf.zeros([0, 5, 5, 2]), w, null, [1, 1], 'same').shape, [0, 5, 5, 4]);
  assert.ok(hasFusedConvSelu());
  assert.equal(setFusedConvSelu(false), true);
  assert.equal(hasFusedConvSelu(), false, 'turned off');
  assert.throws(() => conv2dSelu(x, w, null, [1, 1], 'same'), /has no AekitConv2DSelu/);
  setFusedConvSelu(true);
  await tf.setBackend('cpu');
  assert.equal(hasFusedConvSelu(), false, 'cpu has no fused kernels');
  assert.throws(() => conv2dSelu(x, w, null, [1, 1], 'same'), /backend 'cpu' has no AekitConv2DSelu/);
  tf.dispose([x, w]);
});

test('fused conv + selu: only the gradients asked for run (no input gradient for a first layer on data)', { skip }, async () => {
  await registerNativeBackend();
  await tf.setBackend('native');
  seedRandom(5);
  const x = tf.tensor(randomValues([2, 6, 6, 3]).values, [2, 6, 6, 3]);
  const w = tf.tensor(randomValues([3, 3, 3, 4]).values, [3, 3, 3, 4]);
  const b = tf.tensor(randomValues([4]).values, [4]);
  const wt = tf.tensor(randomValues([3, 3, 3, 4]).values, [3, 3, 3, 4]);
  const xt = tf.tensor(randomValues([2, 3, 3, 4]).values, [2, 3, 3, 4]);
  const kernelsOf = async (f: () => tf.Tensor[]): Promise<string[]> => {
    let outs: tf.Tensor[] = [];
    const p = await tf.profile(() => {
      outs = f();
    });
    tf.dispose(outs);
    return p.kernelNames;
  };
  const conv = (xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) => tf.sum(conv2dSelu(xs, ws, bs, [1, 1], 'same'));
  const weightsOnly = await kernelsOf(() => tf.grads((ws: tf.Tensor, bs: tf.Tensor) => conv(x, ws, bs))([w, b]));
  assert.ok(weightsOnly.includes('Conv2DBackpropFilter') && weightsOnly.includes(SELU_BIAS_GRAD_KERNEL), weightsOnly.join(', '));
  assert.ok(!weightsOnly.includes('Conv2DBackpropInput'), `no input gradient: ${weightsOnly.join(', ')}`);
  const inputOnly = await kernelsOf(() => [tf.grad((xs: tf.Tensor) => conv(xs, w, b))(x)]);
  assert.ok(inputOnly.includes('Conv2DBackpropInput') && !inputOnly.includes('Conv2DBackpropFilter'), inputOnly.join(', '));
  // the transposed convolution: its input gradient is a Conv2D
  const convT = (xs: tf.Tensor, ws: tf.Tensor) => tf.sum(conv2dTransposeSelu(xs, ws, null, [2, 6, 6, 3], [2, 2], 'same'));
  const filterOnly = await kernelsOf(() => [tf.grad((ws: tf.Tensor) => convT(xt, ws))(wt)]);
  assert.ok(filterOnly.includes('Conv2DBackpropFilter') && !filterOnly.includes('Conv2D'), filterOnly.join(', '));
  const both = await kernelsOf(() => tf.grads((xs: tf.Tensor, ws: tf.Tensor) => convT(xs, ws))([xt, wt]));
  assert.ok(both.includes('Conv2DBackpropFilter') && both.includes('Conv2D'), both.join(', '));
  tf.dispose([x, w, b, wt, xt]);
  await tf.setBackend('cpu');
});
