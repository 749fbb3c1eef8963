/**
 * The native engine against tfjs's reference `cpu` backend: every kernel it replaces (values and,
 * for the convolutions and pooling, gradients) over a grid of shapes; a short training run whose
 * loss curve must match `wasm`'s; no tensor leaks per training step.
 *
 * Tolerance: |native − cpu| ≤ 1e-4 · (1 + max |cpu|), elementwise (float32 sums in a different order).
 * Needs the addon (`npm run build:native`); AEKIT_SKIP_NATIVE=1 skips these tests visibly.
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as tf from '../core/tf.js';
import { convAutoencoder } from '../models/conv.js';
import { useBackend } from './backend.js';
import { assertClose, randomState, randomValues, seedRandom, valueAndGrads } from './kernel-test-helper.js';
import { loadNativeAddon, NATIVE_BUILD_HINT, NATIVE_KERNEL_NAMES, nativeInfo, registerNativeBackend } from './native.js';

const skip = process.env.AEKIT_SKIP_NATIVE === '1' ? 'AEKIT_SKIP_NATIVE=1: native engine tests skipped' : false;
const RTOL = 1e-4;

seedRandom(1);
const rand = randomValues;
const close = (actual: Float32Array, expected: Float32Array, what: string): void => assertClose(actual, expected, what, RTOL);

/** Compares f and the gradients of sum(f · r) w.r.t. every input, native vs cpu. */
async function compare(
  what: string,
  inputs: { shape: number[]; values: Float32Array }[],
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  grads = true,
): Promise<void> {
  const s = randomState();
  const { outs: want } = await valueAndGrads('cpu', inputs, f, { grads });
  seedRandom(s);
  const { outs: got } = await valueAndGrads('native', inputs, f, { grads });
  want.forEach((w, i) => close(got[i], w, `${what} ${i === 0 ? 'value' : `gradient ${i}`}`));
}

test('native engine: addon is built', { skip }, async () => {
  try {
    loadNativeAddon();
  } catch (err) {
    assert.fail(`the native addon is not built: ${(err as Error).message}. ${NATIVE_BUILD_HINT}, or set AEKIT_SKIP_NATIVE=1 to skip`);
  }
  await registerNativeBackend();
  const engine = await useBackend('native');
  assert.equal(engine.backend, 'native');
  assert.match(engine.description, /aekit native .*\d+ threads/);
  // The kernels' instruction set: AEKIT_NATIVE_ISA's when set (native-isa.test.ts runs this file
  // under each one this CPU runs), and the engine line names it.
  const info = nativeInfo();
  if (process.env.AEKIT_NATIVE_ISA) assert.equal(info.isa, process.env.AEKIT_NATIVE_ISA);
  assert.ok(engine.description.includes(`+ ${info.isaLabel} kernels`), engine.description);
});

const convGrid: { n: number; h: number; w: number; ci: number; co: number; k: number; s: number; pad: 'same' | 'valid' }[] = [];
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
        [4, 32, 64],
      ]) {
        if (h === 28 && n * ci * co > 1024) continue; // keep the cpu reference fast
        convGrid.push({ n, h, w, ci, co, k: 3, s, pad });
      }
    }
  }
}

test('native engine: conv2d, fused conv2d (bias, relu) and conv2dTranspose match cpu, values and gradients', { skip }, async () => {
  await registerNativeBackend();
  for (const c of convGrid) {
    const tag = `n${c.n} ${c.h}x${c.w} ${c.ci}->${c.co} k${c.k} s${c.s} ${c.pad}`;
    const x = rand([c.n, c.h, c.w, c.ci]);
    const w = rand([c.k, c.k, c.ci, c.co]);
    await compare(`conv2d ${tag}`, [x, w], (xx, ww) => tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, c.s, c.pad));
    const b = rand([c.co]);
    await compare(`fused conv2d relu ${tag}`, [x, w, b], (xx, ww, bb) =>
      tf.fused.conv2d({ x: xx as tf.Tensor4D, filter: ww as tf.Tensor4D, strides: c.s, pad: c.pad, bias: bb, activation: 'relu' }),
    );
    // Transposed convolution from this conv's output size back to the input size (Conv2DBackpropInput forward).
    const ho = c.pad === 'same' ? Math.ceil(c.h / c.s) : Math.floor((c.h - c.k) / c.s) + 1;
    const wo = c.pad === 'same' ? Math.ceil(c.w / c.s) : Math.floor((c.w - c.k) / c.s) + 1;
    if (ho < 1 || wo < 1) continue;
    const dy = rand([c.n, ho, wo, c.co]);
    await compare(`conv2dTranspose ${tag}`, [dy, w], (yy, ww) =>
      tf.conv2dTranspose(yy as tf.Tensor4D, ww as tf.Tensor4D, [c.n, c.h, c.w, c.ci], c.s, c.pad),
    );
  }
});

test('native engine: maxPool matches cpu, values and gradients (ties included)', { skip }, async () => {
  await registerNativeBackend();
  for (const [n, h, w, ch] of [
    [1, 5, 5, 1],
    [3, 7, 9, 16],
    [2, 13, 13, 3],
    [2, 28, 28, 64],
  ]) {
    for (const [k, s] of [
      [2, 2],
      [3, 2],
      [3, 1],
    ]) {
      for (const pad of ['same', 'valid'] as const) {
        const x = rand([n, h, w, ch]);
        await compare(`maxPool n${n} ${h}x${w}x${ch} k${k} s${s} ${pad}`, [x], (xx) => tf.maxPool(xx as tf.Tensor4D, k, s, pad));
        const ties = { shape: x.shape, values: x.values.map((v) => Math.round(v * 2) / 2) };
        await compare(`maxPool ties n${n} ${h}x${w}x${ch} k${k} s${s} ${pad}`, [ties], (xx) => tf.maxPool(xx as tf.Tensor4D, k, s, pad));
      }
    }
  }
});

test('native engine: element-wise kernels and sums match cpu, values and gradients', { skip }, async () => {
  await registerNativeBackend();
  for (const shape of [[1], [7], [3, 5, 5, 16], [32, 28, 28, 16]]) {
    const x = rand(shape);
    const y = rand(shape);
    const tag = JSON.stringify(shape);
    await compare(`selu ${tag}`, [x], (a) => tf.selu(a));
    await compare(`exp ${tag}`, [x], (a) => tf.exp(a));
    await compare(`sigmoid ${tag}`, [x], (a) => tf.sigmoid(a));
    await compare(`relu ${tag}`, [x], (a) => tf.relu(a));
    await compare(`add/sub/mul ${tag}`, [x, y], (a, b) => tf.sub(tf.mul(tf.add(a, b), a), tf.mul(b, 0.5)));
    await compare(`scalar-first sub ${tag}`, [x], (a) => tf.sub(tf.scalar(1), a));
    // Greater has no gradient in tfjs: values only; Select's gradient with a constant condition.
    await compare(`where(greater) ${tag}`, [x, y], (a, b) => tf.where(tf.greater(a, b), a, tf.mul(b, 2)), false);
    const mask = Uint8Array.from(x.values, (v, i) => (v > y.values[i] ? 1 : 0));
    await compare(`where gradient ${tag}`, [x, y], (a, b) => tf.where(tf.tensor(mask, shape, 'bool'), a, tf.mul(b, 2)));
    await compare(`greater scalar ${tag}`, [x], (a) => tf.where(tf.greater(a, 0), a, tf.neg(a)), false);
    await compare(`scalar greater ${tag}`, [x], (a) => tf.cast(tf.greater(tf.scalar(0.25), a), 'float32'), false);
    await compare(`sum all ${tag}`, [x], (a) => tf.sum(a));
    if (shape.length === 4) {
      const bias = rand([shape[3]]);
      await compare(`bias add ${tag}`, [x, bias], (a, b) => tf.add(a, tf.reshape(b, [1, 1, 1, shape[3]])));
      await compare(`sum leading ${tag}`, [x], (a) => tf.sum(a, [0, 1, 2]));
      await compare(`sum trailing keepDims ${tag}`, [x], (a) => tf.sum(a, [2, 3], true));
      await compare(`sum middle (falls back) ${tag}`, [x], (a) => tf.sum(a, [1]));
      await compare(`broadcast over rows (falls back) ${tag}`, [x, rand([shape[0], 1, 1, 1])], (a, b) => tf.mul(a, b));
    }
  }
  assert.ok(NATIVE_KERNEL_NAMES.includes('Conv2DBackpropFilter'));
});

test(
  'native engine: matMul and fused matMul match cpu, values and gradients (transposes, batches, bias, activations)',
  { skip },
  async () => {
    await registerNativeBackend();
    const grid: { a: number[]; b: number[]; ta: boolean; tb: boolean }[] = [
      { a: [1, 1], b: [1, 1], ta: false, tb: false },
      { a: [32, 784], b: [784, 100], ta: false, tb: false },
      { a: [784, 32], b: [784, 100], ta: true, tb: false },
      { a: [32, 100], b: [784, 100], ta: false, tb: true },
      { a: [7, 5], b: [3, 7], ta: true, tb: true },
      { a: [3, 5, 4], b: [3, 4, 6], ta: false, tb: false },
      { a: [3, 5, 4], b: [4, 6], ta: false, tb: false },
      { a: [5, 4], b: [2, 3, 4, 6], ta: false, tb: false },
      { a: [2, 3, 4, 5], b: [2, 3, 6, 4], ta: true, tb: true },
      { a: [2, 3, 5], b: [1, 5, 4], ta: false, tb: false },
    ];
    for (const { a, b, ta, tb } of grid) {
      const tag = `[${a}]${ta ? 'ᵀ' : ''} · [${b}]${tb ? 'ᵀ' : ''}`;
      // tfjs's own gradient does not reduce a broadcast operand's batch: values only for those
      const grads = tf.util.arraysEqual(a.slice(0, -2), b.slice(0, -2));
      await compare(`matMul ${tag}`, [rand(a), rand(b)], (x, w) => tf.matMul(x, w, ta, tb), grads);
      const n = tb ? b[b.length - 2] : b[b.length - 1];
      // (tfjs's wasm kernel gets transposeA with an activation wrong; native must not)
      for (const activation of ['linear', 'relu', 'sigmoid', 'elu', 'relu6', 'leakyrelu'] as const) {
        await compare(
          `fused matMul + bias, ${activation}, ${tag}`,
          [rand(a), rand(b), rand([n])],
          (x, w, bias) => tf.fused.matMul({ a: x, b: w, transposeA: ta, transposeB: tb, bias, activation, leakyreluAlpha: 0.3 }),
          grads,
        );
      }
    }
    assert.ok(NATIVE_KERNEL_NAMES.includes('BatchMatMul') && NATIVE_KERNEL_NAMES.includes('_FusedMatMul'));
  },
);

/** Trains the seed model for `steps` batches on fixed data; returns the losses. */
async function lossCurve(backend: 'native' | 'wasm', steps: number): Promise<number[]> {
  await useBackend(backend);
  const { autoencoder } = convAutoencoder({ seed: 7 });
  autoencoder.compile({ optimizer: tf.train.sgd(1.0), loss: 'binaryCrossentropy' });
  seedRandom(99);
  const data = tf.tensor(
    rand([16, 28, 28]).values.map((v) => (v + 1) / 2),
    [16, 28, 28],
  );
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push(Number(await autoencoder.trainOnBatch(data, data)));
  data.dispose();
  autoencoder.dispose();
  return losses;
}

test('native engine: 30 training steps of the seed model match wasm within 1e-3 relative loss', { skip }, async () => {
  const wasm = await lossCurve('wasm', 30);
  const native = await lossCurve('native', 30);
  for (let i = 0; i < wasm.length; i++) {
    assert.ok(
      Math.abs(native[i] - wasm[i]) <= 1e-3 * Math.abs(wasm[i]),
      `step ${i}: native loss ${native[i]} vs wasm ${wasm[i]} (curve native ${native.map((l) => l.toFixed(5)).join(' ')})`,
    );
  }
  assert.ok(native[native.length - 1] < native[0], 'the loss goes down');
});

test('native engine: a training step leaks no tensors', { skip }, async () => {
  await useBackend('native');
  const { autoencoder } = convAutoencoder({ seed: 3 });
  autoencoder.compile({ optimizer: tf.train.sgd(1.0), loss: 'binaryCrossentropy' });
  const x = tf.randomUniform([8, 28, 28]);
  await autoencoder.trainOnBatch(x, x);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) await autoencoder.trainOnBatch(x, x);
  assert.equal(tf.memory().numTensors, before, 'tensors after 3 more steps');
  x.dispose();
  autoencoder.dispose();
});

test(
  'native engine: convolutions from one or a few input channels (aekit direct kernels) match cpu, values and gradients',
  { skip },
  async () => {
    await registerNativeBackend();
    // ci = 1: the input gradient and filter gradient of a conv from 1 channel, and a transposed conv to 1 channel;
    // ci = 2…4 (an RGB image's first convolution): the filter gradient
    for (const [h, w] of [
      [5, 5],
      [7, 9],
      [14, 14],
      [28, 28],
    ]) {
      for (const ci of [1, 2, 3, 4]) {
        for (const co of ci === 1 ? [1, 3, 8, 16, 17, 32] : [3, 16, 17]) {
          for (const s of [1, 2]) {
            for (const pad of ['same', 'valid'] as const) {
              const n = h === 28 && ci * co > 16 ? 2 : 3;
              const tag = `n${n} ${h}x${w} ${ci}->${co} s${s} ${pad}`;
              const x = rand([n, h, w, ci]);
              const f = rand([3, 3, ci, co]);
              await compare(`conv2d ${tag}`, [x, f], (xx, ff) => tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, s, pad));
              const ho = pad === 'same' ? Math.ceil(h / s) : Math.floor((h - 3) / s) + 1;
              const wo = pad === 'same' ? Math.ceil(w / s) : Math.floor((w - 3) / s) + 1;
              const dy = rand([n, ho, wo, co]);
              await compare(`conv2dTranspose to ${ci} channels ${tag}`, [dy, f], (yy, ff) =>
                tf.conv2dTranspose(yy as tf.Tensor4D, ff as tf.Tensor4D, [n, h, w, ci], s, pad),
              );
            }
          }
        }
      }
    }
  },
);

test('native engine: exp, sigmoid and selu match cpu over the whole float range (vectorised exp)', { skip }, async () => {
  await registerNativeBackend();
  const v = new Float32Array(4096);
  for (let i = 0; i < v.length; i++) v[i] = -110 + (205 * i) / v.length + (i % 7) * 1e-3;
  v.set([0, -0, 1e-30, -1e-30, 88.7, 88.72, 88.73, -87.3, -87.4, -103, -104, 200, -200, Infinity, -Infinity, NaN]);
  for (const [name, f] of [
    ['exp', tf.exp],
    ['sigmoid', tf.sigmoid],
    ['selu', tf.selu],
  ] as const) {
    const input = [{ shape: [v.length], values: v }];
    const [want] = (await valueAndGrads('cpu', input, (a) => f(a), { grads: false })).outs;
    const [got] = (await valueAndGrads('native', input, (a) => f(a), { grads: false })).outs;
    for (let i = 0; i < v.length; i++) {
      const ok = Number.isNaN(want[i])
        ? Number.isNaN(got[i])
        : got[i] === want[i] || Math.abs(got[i] - want[i]) <= 1e-6 * Math.abs(want[i]) + 1e-37;
      assert.ok(ok, `${name}(${v[i]}) = ${got[i]}, cpu says ${want[i]}`);
    }
  }
});

test('native engine: convolutions give bit-identical results on every call (thread-count tuning is invisible)', { skip }, async () => {
  await useBackend('native');
  const x = tf.randomUniform([16, 14, 14, 16], -1, 1, 'float32', 5);
  const w = tf.randomUniform([3, 3, 16, 32], -1, 1, 'float32', 6);
  const dy = tf.randomUniform([16, 14, 14, 32], -1, 1, 'float32', 7);
  const runs = [];
  for (let i = 0; i < 6; i++) {
    const outs = [
      tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'),
      tf.conv2dTranspose(dy as tf.Tensor4D, w as tf.Tensor4D, [16, 14, 14, 16], 1, 'same'),
    ];
    runs.push(await Promise.all(outs.map(async (o) => Array.from(new Uint32Array(((await o.data()) as Float32Array).buffer)))));
    tf.dispose(outs);
  }
  for (let i = 1; i < runs.length; i++) assert.deepEqual(runs[i], runs[0], `call ${i} differs from call 0`);
  tf.dispose([x, w, dy]);
});

/** A 16 → 32 channel convolution's forward, input and filter gradients, and the implementation of each (run in this process). */
const BLOCKED_PROBE = `
  const tf = await import(process.argv[1] + '/core/tf.js');
  const { useBackend } = await import(process.argv[1] + '/engine/backend.js');
  const { nativeInfo } = await import(process.argv[1] + '/engine/native.js');
  await useBackend('native');
  const x = tf.randomUniform([3, 9, 9, 16], -1, 1, 'float32', 1), w = tf.randomUniform([3, 3, 16, 32], -1, 1, 'float32', 2);
  const dy = tf.randomUniform([3, 5, 5, 32], -1, 1, 'float32', 3);
  const attrs = { strides: [2, 2], pad: 'same', dataFormat: 'NHWC', dilations: 1 };
  const out = [];
  for (const f of [
    () => tf.conv2d(x, w, 2, 'same'),
    () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape }),
    () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape }),
  ]) { const y = f(); out.push({ impl: nativeInfo().lastImpl, values: Array.from(y.dataSync()) }); }
  console.log(JSON.stringify(out));
`;

test(
  "native engine: 8+ channel convolutions run oneDNN's direct kernels on blocked formats, AEKIT_NATIVE_CONV_FORMAT=plain its GEMM on NHWC, same values",
  { skip },
  () => {
    const dist = fileURLToPath(new URL('..', import.meta.url));
    const probe = (format?: string): { impl: string; values: number[] }[] => {
      const env = { ...process.env };
      if (format === undefined) delete env.AEKIT_NATIVE_CONV_FORMAT;
      else env.AEKIT_NATIVE_CONV_FORMAT = format;
      return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', BLOCKED_PROBE, dist], { env, encoding: 'utf8' }));
    };
    const blocked = probe();
    const plain = probe('plain');
    const names = ['forward', 'input gradient', 'filter gradient'];
    blocked.forEach((b, i) => {
      assert.ok(!b.impl.includes('gemm') && !b.impl.includes('ref'), `${names[i]}: a direct kernel by default, ran ${b.impl}`);
      assert.ok(plain[i].impl.includes('gemm'), `${names[i]}: GEMM with AEKIT_NATIVE_CONV_FORMAT=plain, ran ${plain[i].impl}`);
      assertClose(Float32Array.from(b.values), Float32Array.from(plain[i].values), `${names[i]} blocked vs plain`, RTOL);
    });
  },
);
