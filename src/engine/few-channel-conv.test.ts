/**
 * The native engine's convolutions with few output channels (co ≤ 4, the last layer of an image
 * or window decoder) against tfjs's reference `cpu` backend: values and both gradients over a
 * grid of co ∈ {1, 2, 3, 4}, ci ∈ {1, 3, 16, 17}, 1×1, 3×3, 5×5 and 1×7 filters, strides 1 and 2,
 * same and valid padding, batch 1 and 3, odd sizes; FusedConv2D (`tf.fused.conv2d`) with a bias
 * and each activation; and that the direct kernels (native/conv_direct.cc) ran for the shapes
 * conv.cc chooses them for, named by `nativeInfo().lastImpl`. And the input gradient with 2 to 4
 * input channels (the transposed convolution to them): ci ∈ {2, 3, 4}, co ∈ {5, 8, 16, 17}, 1×1,
 * 3×3, 4×4, 5×5, 1×7 and 2×3 filters, strides 1, 2 and 3, same and valid, batch 1 and 3.
 *
 * Tolerance: |native − cpu| ≤ 1e-4 · (1 + max |cpu|), elementwise (float32 sums in a different order).
 * Needs the addon (`npm run build:native`); AEKIT_SKIP_NATIVE=1 skips these tests visibly.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '../core/tf.js';
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
import { loadNativeAddon, nativeInfo, registerNativeBackend } from './native.js';

const skip = process.env.AEKIT_SKIP_NATIVE === '1' ? 'AEKIT_SKIP_NATIVE=1: native engine tests skipped' : false;
const RTOL = 1e-4;
const DIRECT = 'aekit:direct:few-co';

type Values = TestValues;

async function compare(what: string, inputs: Values[], f: (...xs: tf.Tensor[]) => tf.Tensor, grads = true): Promise<void> {
  const s = randomState();
  const { outs: want } = await valueAndGrads('cpu', inputs, f, { grads });
  seedRandom(s);
  const { outs: got } = await valueAndGrads('native', inputs, f, { grads });
  const names = ['value', 'dx', 'dfilter', 'dbias'];
  want.forEach((w, i) => assertClose(got[i], w, `${what} ${names[i]}`, RTOL));
}

type Case = ConvCase;
const tagOf = convCaseTag;

const grid: Case[] = [];
for (const co of [1, 2, 3, 4])
  for (const ci of [1, 3, 16, 17])
    for (const k of [
      [1, 1],
      [3, 3],
      [5, 5],
      [1, 7],
    ] as [number, number][])
      for (const s of [1, 2])
        for (const pad of ['same', 'valid'] as const) {
          // batch 1 and 3 in turn; 1×7 filters on conv1d-like windows (one row)
          const n = grid.length % 2 === 0 ? 1 : 3;
          const [h, w] = k[0] === 1 && k[1] === 7 ? [1 + 2 * (grid.length % 2), 23] : [9, 11];
          grid.push({ n, h, w, ci, co, k, s, pad });
        }

test('few-output-channel convolutions (native) match cpu: values and both gradients over a grid of shapes', { skip }, async () => {
  await registerNativeBackend();
  seedRandom(21);
  for (const c of grid) {
    const x = randomValues([c.n, c.h, c.w, c.ci]);
    const w = randomValues([...c.k, c.ci, c.co]);
    await compare(`conv2d ${tagOf(c)}`, [x, w], (xx, ww) => tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, c.s, c.pad));
  }
});

const ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'elu', 'relu6', 'leakyrelu'] as const;

test('fused conv2d with a bias and each activation (native) matches cpu, few and many output channels', { skip }, async () => {
  await registerNativeBackend();
  seedRandom(22);
  const cases: Case[] = [
    { n: 3, h: 9, w: 11, ci: 16, co: 3, k: [3, 3], s: 1, pad: 'same' },
    { n: 1, h: 7, w: 9, ci: 17, co: 1, k: [5, 5], s: 2, pad: 'valid' },
    { n: 2, h: 1, w: 23, ci: 3, co: 4, k: [1, 7], s: 1, pad: 'same' },
    { n: 2, h: 9, w: 7, ci: 16, co: 8, k: [3, 3], s: 2, pad: 'same' }, // oneDNN, then the activation pass
  ];
  for (const c of cases)
    for (const activation of ACTIVATIONS) {
      const x = randomValues([c.n, c.h, c.w, c.ci]);
      const w = randomValues([...c.k, c.ci, c.co]);
      // a bias of ±3 puts the activations' both sides (and relu6's top) in reach
      const b = randomValues([c.co]);
      b.values.forEach((v, i) => {
        b.values[i] = 3 * v;
      });
      const leakyreluAlpha = activation === 'leakyrelu' ? 0.3 : undefined;
      const fused = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor): tf.Tensor =>
        tf.fused.conv2d({
          x: xx as tf.Tensor4D,
          filter: ww as tf.Tensor4D,
          strides: c.s,
          pad: c.pad,
          bias: bb,
          activation,
          leakyreluAlpha,
        });
      // the value runs FusedConv2D; under tf.grads tfjs unfuses every activation but linear
      await compare(`fused conv2d ${activation} ${tagOf(c)}`, [x, w, b], fused);
    }
});

test('fused conv2d on native: the direct kernel or oneDNN computes it (no fallback to wasm)', { skip }, async () => {
  await registerNativeBackend();
  await tf.setBackend('native');
  const x = tf.randomUniform([2, 9, 11, 16], -1, 1, 'float32', 1);
  const b3 = tf.randomUniform([3], -1, 1, 'float32', 2);
  const w3 = tf.randomUniform([3, 3, 16, 3], -1, 1, 'float32', 3);
  const w8 = tf.randomUniform([3, 3, 16, 8], -1, 1, 'float32', 4);
  for (const activation of ACTIVATIONS) {
    // an 8-channel convolution first, so that lastImpl cannot be left over from an earlier call
    tf.conv2d(x as tf.Tensor4D, w8 as tf.Tensor4D, 1, 'same').dispose();
    assert.notEqual(nativeInfo().lastImpl, DIRECT);
    tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w3 as tf.Tensor4D, strides: 1, pad: 'same', bias: b3, activation }).dispose();
    assert.equal(nativeInfo().lastImpl, DIRECT, `fused conv2d ${activation}`);
  }
  tf.dispose([x, b3, w3, w8]);
});

test(
  'few-output-channel convolutions: the direct kernels run in all three directions for the decoders’ last layers',
  { skip },
  async () => {
    await registerNativeBackend();
    await tf.setBackend('native');
    // the upsample decoder's last convolution (16 → 3, 3×3, same) and a window decoder's (16 → 1, 1×7)
    for (const [xShape, fShape] of [
      [
        [2, 32, 32, 16],
        [3, 3, 16, 3],
      ],
      [
        [2, 1, 96, 16],
        [1, 7, 16, 1],
      ],
    ] as [number[], number[]][]) {
      const what = `x [${xShape}] filter [${fShape}]`;
      const x = tf.randomUniform(xShape, -1, 1);
      const w = tf.randomUniform(fShape, -1, 1);
      const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same');
      assert.equal(nativeInfo().lastImpl, DIRECT, `forward ${what}`);
      tf.conv2dTranspose(y as tf.Tensor4D, w as tf.Tensor4D, xShape as [number, number, number, number], 1, 'same').dispose();
      assert.equal(nativeInfo().lastImpl, DIRECT, `input gradient ${what}`);
      const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: fShape };
      (tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: y }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor).dispose();
      assert.equal(nativeInfo().lastImpl, DIRECT, `filter gradient ${what}`);
      tf.dispose([x, w, y]);
    }
  },
);

test('few-output-channel filter gradient: the same bits whatever the thread count (fixed chunks, summed in order)', { skip }, async () => {
  await registerNativeBackend();
  await tf.setBackend('native');
  const x = tf.randomUniform([5, 32, 32, 16], -1, 1, 'float32', 8);
  const dy = tf.randomUniform([5, 32, 32, 3], -1, 1, 'float32', 9);
  const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [3, 3, 16, 3] };
  const bits = async (): Promise<number[]> => {
    const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
    const v = Array.from(new Uint32Array(((await dw.data()) as Float32Array).buffer));
    dw.dispose();
    return v;
  };
  const threads = nativeInfo().threads;
  const all = await bits();
  assert.equal(nativeInfo().lastImpl, DIRECT);
  loadNativeAddon().setThreads(1);
  try {
    assert.deepEqual(await bits(), all, '1 thread vs all');
  } finally {
    loadNativeAddon().setThreads(threads);
  }
  tf.dispose([x, dy]);
});

const FEW_CI = 'aekit:direct:few-ci';

test(
  'few-input-channel input gradient (native, 2–4 channels): conv2dTranspose to them and conv2d’s dx match cpu over a grid; the direct kernel runs',
  { skip },
  async () => {
    await registerNativeBackend();
    seedRandom(23);
    let k = 0;
    for (const ci of [2, 3, 4])
      for (const co of [5, 8, 16, 17])
        for (const f of [
          [1, 1],
          [3, 3],
          [4, 4],
          [5, 5],
          [1, 7],
          [2, 3],
        ] as [number, number][])
          for (const s of [1, 2, 3])
            for (const pad of ['same', 'valid'] as const) {
              // batch 1 and 3, odd and even sizes, one row for the 1×7 windows
              const n = k % 2 === 0 ? 1 : 3;
              const [h, w] = f[0] === 1 && f[1] === 7 ? [1, 23] : k % 3 === 0 ? [8, 10] : [9, 7];
              k++;
              const c: Case = { n, h, w, ci, co, k: f, s, pad };
              const out = (size: number, kn: number): number => (pad === 'same' ? Math.ceil(size / s) : Math.floor((size - kn) / s) + 1);
              const [ho, wo] = [out(h, f[0]), out(w, f[1])];
              const dy = randomValues([n, ho, wo, co]);
              const filter = randomValues([...f, ci, co]);
              // the transposed convolution's value is the convolution's input gradient (few-ci); its
              // gradients run the convolution forward and its filter gradient
              await compare(`conv2dTranspose ${tagOf(c)}`, [dy, filter], (yy, ww) =>
                tf.conv2dTranspose(yy as tf.Tensor4D, ww as tf.Tensor4D, [n, h, w, ci], s, pad),
              );
              await tf.setBackend('native');
              const [yt, wt] = [tf.tensor(dy.values, dy.shape), tf.tensor(filter.values, filter.shape)];
              tf.conv2dTranspose(yt as tf.Tensor4D, wt as tf.Tensor4D, [n, h, w, ci], s, pad).dispose();
              assert.equal(nativeInfo().lastImpl, FEW_CI, `conv2dTranspose ${tagOf(c)}`);
              tf.dispose([yt, wt]);
            }
  },
);
