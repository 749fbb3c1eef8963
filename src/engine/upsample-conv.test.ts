/**
 * upsampleConv2d (one 4×4 stride-2 transposed convolution) against what it replaces,
 * act(conv2d(resizeNearestNeighbor(x, [2h, 2w]), filter, 1, 'same') + bias) on tfjs's reference
 * `cpu` backend, over a grid: batch 1 and 3; sizes 1×1, 1×5, 5×4, 4×4 and 7×3; 1, 3, 8 and 16
 * input and output channels; activations selu, sigmoid, linear and relu; with and without bias.
 * Compared: the output and the gradients of sum(y · r) with respect to x, the filter and the bias
 * (r random), with the op on cpu, wasm and the native engine. Also: the kernels that run on
 * native (no resize, the fused SELU transposed convolution), the 4×4 filter, bad inputs refused.
 *
 * Tolerance: |got − cpu| ≤ 1e-4 · (1 + max |cpu|), elementwise (float32 sums in another order:
 * 4 taps of summed weights instead of 9).
 * The native runs need the addon (`npm run build:native`); AEKIT_SKIP_NATIVE=1 skips them visibly.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import { CONV_TRANSPOSE_SELU_KERNEL, SELU_BIAS_GRAD_KERNEL } from './fused-conv.js';
import { assertClose, randomState, randomValues, seedRandom, type TestValues, valueAndGrads } from './kernel-test-helper.js';
import { registerNativeBackend } from './native.js';
import { upsampleConv2d, upsampleConvFilter, upsampleConvPays } from './upsample-conv.js';
import { registerWasmKernels } from './wasm-kernels.js';

const skipNative = process.env.AEKIT_SKIP_NATIVE === '1' ? 'AEKIT_SKIP_NATIVE=1: native engine tests skipped' : false;
const RTOL = 1e-4;

interface Case {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  activation: string;
  bias: boolean;
}

const ACTIVATIONS = ['selu', 'sigmoid', 'linear', 'relu'];
const grid: Case[] = [];
for (const [h, w] of [
  [1, 1],
  [1, 5],
  [5, 4],
  [4, 4],
  [7, 3],
]) {
  for (const n of [1, 3]) {
    for (const [ci, co] of [
      [1, 1],
      [1, 16],
      [3, 8],
      [8, 3],
      [16, 16],
      [16, 1],
      [3, 3],
    ]) {
      // every activation at every size and batch; the channel pairs spread over them
      const activation = ACTIVATIONS[grid.length % ACTIVATIONS.length];
      grid.push({ n, h, w, ci, co, activation, bias: grid.length % 5 !== 4 });
    }
  }
}
for (const activation of ACTIVATIONS) grid.push({ n: 2, h: 3, w: 6, ci: 8, co: 16, activation, bias: true });

const tagOf = (c: Case): string => `n${c.n} ${c.h}x${c.w} ${c.ci}->${c.co} ${c.activation}${c.bias ? '' : ' no bias'}`;

/** What upsampleConv2d replaces: UpSampling2D(2×2) then a 3×3 'same' Conv2D with the activation. */
function composed(activation: string): (...xs: tf.Tensor[]) => tf.Tensor {
  const act = tf.layers.activation({ activation: activation as 'linear' });
  return (x, w, b) => {
    const [h, wd] = x.shape.slice(1, 3);
    const z = tf.conv2d(tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [2 * h, 2 * wd]), w as tf.Tensor4D, 1, 'same');
    return act.apply(b === undefined ? z : tf.add(z, b)) as tf.Tensor;
  };
}

/** Image b of an NHWC batch, as a batch of one. */
function image(v: TestValues, b: number): TestValues {
  const per = v.values.length / v.shape[0];
  return { shape: [1, ...v.shape.slice(1)], values: v.values.slice(b * per, (b + 1) * per) };
}

/**
 * The composition's output and gradients of sum(y · r) on cpu, r drawn from the generator's
 * state `s`, as valueAndGrads draws it. Image by image: tfjs 4.22's cpu ResizeNearestNeighborGrad
 * is wrong for every image after the first (resize-nearest.test.ts); the values and input
 * gradients are concatenated, the filter and bias gradients summed.
 */
async function reference(c: Case, inputs: TestValues[], s: number): Promise<Float32Array[]> {
  seedRandom(s);
  const r = randomValues([c.n, 2 * c.h, 2 * c.w, c.co]);
  await tf.setBackend('cpu');
  const f = composed(c.activation);
  const parts: Float32Array[][] = [];
  for (let b = 0; b < c.n; b++) {
    const xs = [image(inputs[0], b), ...inputs.slice(1)].map((v) => tf.tensor(v.values, v.shape));
    const rb = image(r, b);
    const rs = tf.tensor(rb.values, rb.shape);
    const outs = [f(...xs), ...tf.grads((...ys: tf.Tensor[]) => tf.sum(tf.mul(f(...ys), rs)))(xs)];
    parts.push(await Promise.all(outs.map(async (o) => (await o.data()) as Float32Array)));
    tf.dispose([...xs, rs, ...outs]);
  }
  return parts[0].map((_, k) => {
    if (k <= 1) return Float32Array.from(parts.flatMap((p) => Array.from(p[k]))); // value, dx
    const sum = new Float32Array(parts[0][k].length);
    for (const p of parts) for (let i = 0; i < sum.length; i++) sum[i] += p[k][i];
    return sum;
  });
}

/** upsampleConv2d on `backend` against the composition on cpu, every case of the grid. */
async function compareGrid(backend: string, check?: (c: Case, kernels: string[]) => void): Promise<void> {
  seedRandom(41);
  for (const c of grid) {
    const inputs = [randomValues([c.n, c.h, c.w, c.ci]), randomValues([3, 3, c.ci, c.co]), ...(c.bias ? [randomValues([c.co])] : [])];
    const s = randomState();
    const got = await valueAndGrads(backend, inputs, (x, w, b) => upsampleConv2d(x, w, b ?? null, c.activation), {
      kernels: check !== undefined,
    });
    const want = await reference(c, inputs, s);
    ['value', 'dx', 'dfilter', 'dbias'].slice(0, want.length).forEach((name, i) => {
      assertClose(got.outs[i], want[i], `${backend} ${tagOf(c)} ${name}`, RTOL);
    });
    check?.(c, got.kernels);
  }
}

test('upsampleConv2d on cpu = act(conv2d(resizeNearest(x)) + bias) on cpu: values and gradients over a grid', async () => {
  await compareGrid('cpu');
});

test("upsampleConv2d on wasm (with aekit's wasm kernels) = the composition on cpu: values and gradients over a grid", async () => {
  registerWasmKernels(); // tfjs's wasm backend has no Conv2DBackpropFilter of its own
  await compareGrid('wasm');
});

test(
  'upsampleConv2d on native = the composition on cpu: values and gradients over a grid; no resize, SELU fused',
  { skip: skipNative },
  async () => {
    await registerNativeBackend();
    await compareGrid('native', (c, kernels) => {
      const what = `native ${tagOf(c)} (kernels: ${kernels.join(', ')})`;
      assert.ok(!kernels.some((k) => k.startsWith('ResizeNearestNeighbor')), `${what}: no resize`);
      assert.ok(kernels.includes('Conv2DBackpropInput') || kernels.includes(CONV_TRANSPOSE_SELU_KERNEL), `${what}: transposed convolution`);
      if (c.activation === 'selu') {
        for (const k of [CONV_TRANSPOSE_SELU_KERNEL, SELU_BIAS_GRAD_KERNEL]) assert.ok(kernels.includes(k), `${what}: ${k} ran`);
        assert.ok(!kernels.includes('Selu'), `${what}: no separate Selu`);
      }
    });
  },
);

test('upsampleConvFilter: the 4×4 filter holds the sums of the 3×3 taps (f = M·w per axis), [4, 4, co, ci]', async () => {
  await tf.setBackend('cpu');
  // one input and one output channel: the 3×3 taps 1, 2, …, 9 (row i, column j: 3i + j + 1)
  const w = tf.tensor4d(
    Float32Array.from({ length: 9 }, (_, k) => k + 1),
    [3, 3, 1, 1],
  );
  const f = upsampleConvFilter(w);
  assert.deepEqual(f.shape, [4, 4, 1, 1]);
  // per axis f = [w2, w1 + w2, w0 + w1, w0]
  const axis = (v: number[]): number[] => [v[2], v[1] + v[2], v[0] + v[1], v[0]];
  const rows = [
    [1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
  ].map(axis);
  const want: number[] = [];
  for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) want.push(axis([rows[0][b], rows[1][b], rows[2][b]])[a]);
  assert.deepEqual(Array.from(await f.data()), want);
  // channels: filter [3, 3, ci, co] gives [4, 4, co, ci], channel pair (i, o) from w[:, :, i, o]
  const w2 = tf.randomUniform([3, 3, 2, 5], -1, 1, 'float32', 7) as tf.Tensor4D;
  const f2 = upsampleConvFilter(w2);
  assert.deepEqual(f2.shape, [4, 4, 5, 2]);
  const one = upsampleConvFilter(tf.slice(w2, [0, 0, 1, 3], [3, 3, 1, 1]) as tf.Tensor4D);
  assertClose(await tf.slice(f2, [0, 0, 3, 1], [4, 4, 1, 1]).data(), await one.data(), 'channel pair (1, 3)', 1e-6);
  tf.dispose([w, f, w2, f2, one]);
});

test('upsampleConv2d: refuses inputs it does not compute with an ArgumentError', async () => {
  await tf.setBackend('cpu');
  const x = tf.zeros([1, 4, 4, 2]);
  const w = tf.zeros([3, 3, 2, 5]);
  const cases: [string, () => unknown][] = [
    ['x of rank 3', () => upsampleConv2d(tf.zeros([4, 4, 2]), w, null, 'selu')],
    ['filter of rank 3', () => upsampleConv2d(x, tf.zeros([3, 3, 2]), null, 'selu')],
    ['filter 5×5', () => upsampleConv2d(x, tf.zeros([5, 5, 2, 5]), null, 'selu')],
    ['filter 3×1', () => upsampleConv2d(x, tf.zeros([3, 1, 2, 5]), null, 'selu')],
    ['filter channels ≠ x channels', () => upsampleConv2d(x, tf.zeros([3, 3, 3, 5]), null, 'selu')],
    ['bias size ≠ output channels', () => upsampleConv2d(x, w, tf.zeros([4]), 'selu')],
    ['bias of rank 2', () => upsampleConv2d(x, w, tf.zeros([1, 5]), 'selu')],
    ['int32 x', () => upsampleConv2d(tf.zeros([1, 4, 4, 2], 'int32'), w, null, 'selu')],
    ['unknown activation', () => upsampleConv2d(x, w, null, 'sleu')],
  ];
  for (const [what, f] of cases) {
    assert.throws(f, (err: unknown) => err instanceof ArgumentError && /^upsampleConv2d: \w+: expected/.test(err.message), what);
  }
  // the message says what was expected and what came
  assert.throws(
    () => upsampleConv2d(x, tf.zeros([5, 5, 2, 5]), null, 'selu'),
    /filter \[3, 3, ci, co\].*got x \[1,4,4,2\].*filter \[5,5,2,5\]/,
  );
  tf.dispose([x, w]);
});

test('upsampleConv2d: an empty batch gives an empty output of the right shape', async () => {
  await tf.setBackend('cpu');
  const y = upsampleConv2d(tf.zeros([0, 3, 5, 2]), tf.zeros([3, 3, 2, 4]), tf.zeros([4]), 'sigmoid');
  assert.deepEqual(y.shape, [0, 6, 10, 4]);
});

test('upsampleConv2d leaks no tensors, forward or backward', async () => {
  await tf.setBackend('cpu');
  const x = tf.randomUniform([2, 3, 3, 4]);
  const w = tf.randomUniform([3, 3, 4, 2]);
  const b = tf.zeros([2]);
  const before = tf.memory().numTensors;
  tf.dispose(upsampleConv2d(x, w, b, 'selu'));
  tf.dispose(tf.grads((xx, ww, bb) => upsampleConv2d(xx, ww, bb, 'sigmoid'))([x, w, b]));
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, w, b]);
});

test('upsampleConvPays: the measured rule (bench/upsample-conv.mjs)', () => {
  assert.equal(upsampleConvPays([32, 4, 4, 64], [3, 3, 64, 32]), true, 'the bench model, stage 1');
  assert.equal(upsampleConvPays([32, 8, 8, 32], [3, 3, 32, 16]), true, 'stage 2');
  assert.equal(upsampleConvPays([32, 16, 16, 16], [3, 3, 16, 3]), true, 'stage 3');
  assert.equal(upsampleConvPays([1, 2, 2, 16], [3, 3, 16, 8]), true, '8 output channels: always');
  assert.equal(upsampleConvPays([32, 4, 4, 16], [3, 3, 16, 3]), false, '3 channels, 2,048 output pixels');
  assert.equal(upsampleConvPays([4, 32, 32, 16], [3, 3, 16, 1]), true, '1 channel, 16,384 output pixels');
  assert.equal(upsampleConvPays([3, 32, 32, 16], [3, 3, 16, 1]), false, '1 channel, 12,288 output pixels');
  assert.equal(upsampleConvPays([32, 16, 16, 16], [5, 5, 16, 3]), false, 'not a 3×3 filter');
  assert.equal(upsampleConvPays([32, 16, 16, 8], [3, 3, 16, 3]), false, 'channel mismatch');
  assert.equal(upsampleConvPays([32, 16, 16], [3, 3, 16, 3]), false, 'x of rank 3');
});
