/**
 * The fused binary cross-entropy (native engine) against tfjs-layers' own `binaryCrossentropy`
 * formula (clip, logits, sigmoid cross-entropy with logits, mean over the last axis, mean) on the
 * reference `cpu` backend: the value and the gradients with respect to both inputs, over sizes 1,
 * 7, 33, 1000 and 100003, for predictions inside (0, 1), exactly at, just inside and beyond the
 * clip bounds, 0 and 1, and targets in [0, 1] (0, 1 and values between). Also: the vectorised
 * logarithm the kernels use, in ulps against Math.log; NaN reaching the loss; the lazy gradient
 * of yTrue; an upstream gradient that is not finite; the fallbacks (cpu, other dtypes, the kernels
 * turned off by AEKIT_NATIVE_DISABLE); no tensor leaks. The fused mean squared error likewise
 * against tfjs-layers' `meanSquaredError`: value and both gradients over the same sizes (values in
 * [-3, 3]), a 4-d batch, NaN, a non-finite upstream gradient, the kernels that run and the fallbacks.
 *
 * Tolerance: |native − cpu| ≤ 1e-4 · (1 + max |cpu|), elementwise (float32 arithmetic in a
 * different order: tfjs goes through logits).
 * Needs the addon (`npm run build:native`); AEKIT_SKIP_NATIVE=1 skips these tests visibly.
 */

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import {
  BCE_GRAD_KERNEL,
  BCE_KERNEL,
  binaryCrossentropy,
  hasFusedBinaryCrossentropy,
  MSE_GRAD_KERNEL,
  MSE_KERNEL,
  meanSquaredError,
} from './fused-loss.js';
import { assertClose, seedRandom } from './kernel-test-helper.js';
import { loadNativeAddon, registerNativeBackend } from './native.js';

const skip = process.env.AEKIT_SKIP_NATIVE === '1' ? 'AEKIT_SKIP_NATIVE=1: native engine tests skipped' : false;
const RTOL = 1e-4;

const LO = Math.fround(1e-7);
const HI = Math.fround(1 - 1e-7);
const bits = new Int32Array(1);
const float = new Float32Array(bits.buffer);
/** The float32 next to `v` in direction `dir` (+1 up, −1 down), for positive v. */
function nextFloat(v: number, dir: 1 | -1): number {
  float[0] = v;
  bits[0] += dir;
  return float[0];
}

/** Predictions at and around the clip bounds, beyond them, and the ends of [0, 1]. */
const EDGES = [0, LO, nextFloat(LO, 1), nextFloat(LO, -1), 1e-8, -0.25, HI, nextFloat(HI, 1), nextFloat(HI, -1), 1, 1.5, 0.5, 1e-3, 0.999];

let state = 7;
const uniform = (): number => {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648;
};

interface Case {
  what: string;
  z: Float32Array;
  p: Float32Array;
}

/** n values: targets 0, 1 or uniform in (0, 1); predictions uniform in (0, 1), every third an edge when `edges`. */
function makeCase(n: number, edges: boolean): Case {
  const z = new Float32Array(n);
  const p = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    z[i] = i % 5 === 1 ? 0 : i % 7 === 2 ? 1 : uniform();
    p[i] = edges && i % 3 === 0 ? EDGES[(i / 3) % EDGES.length] : uniform();
  }
  return { what: `n=${n}${edges ? ' with edges' : ''}`, z, p };
}

const cases: Case[] = [];
for (const n of [1, 7, 33, 1000, 100003]) for (const edges of [false, true]) cases.push(makeCase(n, edges));
for (const e of EDGES) for (const t of [0, 0.3, 1]) cases.push({ what: `p=${e}, z=${t}`, z: Float32Array.of(t), p: Float32Array.of(e) });

/** The loss and its gradients (upstream gradient `g`) w.r.t. yTrue and yPred, on `backend`, with `loss`. */
async function lossAndGrads(
  backend: string,
  c: Case,
  loss: (z: tf.Tensor, p: tf.Tensor) => tf.Scalar,
  shape = [c.p.length],
  g = c.p.length === 1 ? 1 : 0.75,
): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const z = tf.tensor(c.z, shape);
  const p = tf.tensor(c.p, shape);
  const dy = tf.scalar(g);
  const value = loss(z, p);
  const [dz, dp] = tf.grads((a: tf.Tensor, b: tf.Tensor) => loss(a, b))([z, p], dy);
  const out = await Promise.all([value, dz, dp].map(async (t) => (await t.data()) as Float32Array));
  tf.dispose([z, p, dy, value, dz, dp]);
  return out;
}

/** tfjs-layers' 'binaryCrossentropy' loss as compile computes it (mean over the last axis, then the mean). */
const layersLoss = (z: tf.Tensor, p: tf.Tensor): tf.Scalar => tf.mean(tf.metrics.binaryCrossentropy(z, p)) as tf.Scalar;

test(
  'fused BCE (native) = tfjs-layers binaryCrossentropy on cpu: value and both gradients over sizes and edge values',
  { skip },
  async () => {
    await registerNativeBackend();
    for (const c of cases) {
      const want = await lossAndGrads('cpu', c, layersLoss);
      const got = await lossAndGrads('native', c, binaryCrossentropy);
      // tfjs's float32 chain gets the gradient wrong for a target 1 and a prediction within a few
      // ulps of 1 (−1.33 instead of −1.0000002 at the float below 1 − 1e-7: its step(x) − z −
      // e^(−x)/(1 + e^(−x)) cancels to a few ulps): there the exact formula below is the reference.
      const illConditioned = c.p.length === 1 && c.z[0] === 1 && 1 - c.p[0] < 1e-6 && c.p[0] <= HI;
      ['value', 'gradient of yTrue', 'gradient of yPred'].forEach((w, i) => {
        if (!(illConditioned && i === 2)) assertClose(got[i], want[i], `${c.what}: ${w}`, RTOL);
      });
      if (c.p.length === 1) {
        // and against the exact formula in double (the cpu reference runs it in float32 through logits)
        const [z, v] = [c.z[0], c.p[0]];
        const q = Math.min(Math.max(v, LO), HI);
        const exact = [
          -(z * Math.log(q) + (1 - z) * Math.log(1 - q)),
          Math.log(1 - q) - Math.log(q),
          v >= LO && v <= HI ? (v - z) / (v * (1 - v)) : 0,
        ];
        exact.forEach((e, i) => assertClose(got[i], [e], `${c.what}: exact ${i}`, 1e-6));
      }
    }
    // a 4-d batch (the conv autoencoder's): the mean over the last axis and then the rest is the mean over all
    const c = makeCase(2 * 5 * 3 * 3, true);
    const want = await lossAndGrads('cpu', c, layersLoss, [2, 5, 3, 3]);
    const got = await lossAndGrads('native', c, binaryCrossentropy, [2, 5, 3, 3]);
    ['value', 'gradient of yTrue', 'gradient of yPred'].forEach((w, i) => assertClose(got[i], want[i], `[2,5,3,3]: ${w}`, RTOL));
  },
);

test('fused BCE: one kernel forward, one backward, and no yTrue gradient computed unless asked', { skip }, async () => {
  await registerNativeBackend();
  await tf.setBackend('native');
  assert.ok(hasFusedBinaryCrossentropy());
  const c = makeCase(1000, true);
  const z = tf.tensor(c.z);
  const p = tf.tensor(c.p);
  const before = tf.memory().numTensors;
  let dp: tf.Tensor | undefined;
  const profile = await tf.profile(() => {
    dp = tf.grad((b: tf.Tensor) => binaryCrossentropy(z, b))(p);
  });
  assert.deepEqual(
    profile.kernelNames.filter((k) => k !== 'Fill' && k !== 'Identity'),
    [BCE_KERNEL, BCE_GRAD_KERNEL],
    `kernels run: ${profile.kernelNames.join(', ')}`,
  );
  dp?.dispose();
  assert.equal(tf.memory().numTensors, before, 'tensors leaked by the loss and its gradient');
  const both = await tf.profile(() => {
    tf.dispose(tf.grads((a: tf.Tensor, b: tf.Tensor) => binaryCrossentropy(a, b))([z, p]));
  });
  assert.ok(both.kernelNames.includes('Log'), `yTrue's gradient asked for: ${both.kernelNames.join(', ')}`);
  assert.equal(tf.memory().numTensors, before, 'tensors leaked by both gradients');
  tf.dispose([z, p]);
});

test('fused BCE: the vectorised logarithm is within 2 ulps of Math.log over [1e-7, 1]', { skip }, () => {
  const a = loadNativeAddon();
  // one value per call: with n = 1 and z = 1 the kernel returns −ln p′ as float, with z = 0 −ln(1 − p′)
  const values: number[] = [];
  for (let k = 0; k <= 20000; k++) values.push(Math.fround(1e-7 * 1e7 ** (k / 20000)));
  for (let k = 1; k <= 2000; k++) values.push(Math.fround(1 - k * 2 ** -24), Math.fround(0.5 + (k - 1000) * 2 ** -20));
  for (let e = -23; e <= 0; e++)
    for (const d of [-2, -1, 0, 1, 2]) values.push(nextFloat(Math.fround(Math.SQRT2 * 2 ** (e - 1)), d > 0 ? 1 : -1));
  const heap = new ArrayBuffer(16);
  const f = new Float32Array(heap);
  const ulp = (v: number): number => 2 ** (Math.floor(Math.log2(Math.abs(v))) - 23);
  let worst = 0;
  let at = '';
  for (const v of values) {
    const c = Math.min(Math.max(v, LO), HI);
    for (const [z, exact] of [
      [1, -Math.log(c)],
      [0, -Math.log(Math.fround(1 - c))],
    ]) {
      f[0] = z;
      f[1] = v;
      a.bceForward(heap, 0, 4, 1, 8);
      const err = Math.abs(f[2] - exact) / ulp(exact);
      if (err > worst) [worst, at] = [err, `p=${v}, z=${z}: ${f[2]} vs ${exact}`];
    }
  }
  assert.ok(worst <= 2, `worst error ${worst.toFixed(2)} ulps at ${at}`);
});

test(
  'fused BCE: NaN in the prediction or the target makes the loss NaN; its gradient is 0 there, as tfjs computes it',
  { skip },
  async () => {
    await registerNativeBackend();
    for (const n of [5, 100003]) {
      const c = makeCase(n, true);
      c.p[n - 2] = NaN;
      const want = await lossAndGrads('cpu', c, layersLoss);
      const got = await lossAndGrads('native', c, binaryCrossentropy);
      assert.ok(Number.isNaN(got[0][0]) && Number.isNaN(want[0][0]), `n=${n}: loss ${got[0][0]}, cpu ${want[0][0]}`);
      assert.equal(got[2][n - 2], 0, 'the gradient at the NaN');
      assert.equal(want[2][n - 2], 0, "cpu's gradient at the NaN");
      got[2][n - 2] = want[2][n - 2] = 0;
      assertClose(got[2], want[2], `n=${n}: gradient of yPred elsewhere`, RTOL);
      const t = makeCase(n, false);
      t.z[1] = NaN;
      const [value] = await lossAndGrads('native', t, binaryCrossentropy);
      assert.ok(Number.isNaN(value[0]), `n=${n}: NaN target gives loss ${value[0]}`);
    }
  },
);

test(
  'fused BCE: an upstream gradient that is not finite gives what tfjs gives (0 beyond the clip, NaN or ±inf inside)',
  { skip },
  async () => {
    await registerNativeBackend();
    const c = makeCase(33, true);
    for (const g of [NaN, Infinity]) {
      const grad = async (backend: string, loss: (z: tf.Tensor, p: tf.Tensor) => tf.Scalar): Promise<Float32Array> => {
        await tf.setBackend(backend);
        const [z, p, dy] = [tf.tensor(c.z), tf.tensor(c.p), tf.scalar(g)];
        const dp = tf.grad((b: tf.Tensor) => loss(z, b))(p, dy);
        const out = (await dp.data()) as Float32Array;
        tf.dispose([z, p, dy, dp]);
        return out;
      };
      const want = await grad('cpu', layersLoss);
      const got = await grad('native', binaryCrossentropy);
      assert.deepEqual(Array.from(got), Array.from(want), `upstream gradient ${g}`);
      assert.ok(got.some(Number.isNaN) && got.some((v) => v === 0), 'both cases occur');
    }
  },
);

test('fused BCE: other backends, dtypes and empty tensors run tfjs-layers formula; different shapes are refused', { skip }, async () => {
  await registerNativeBackend();
  seedRandom(3);
  const c = makeCase(33, true);
  await tf.setBackend('cpu');
  assert.equal(hasFusedBinaryCrossentropy(), false);
  const [z, p] = [tf.tensor(c.z, [3, 11]), tf.tensor(c.p, [3, 11])];
  assert.deepEqual(await binaryCrossentropy(z, p).data(), await layersLoss(z, p).data(), 'cpu: the same ops, the same value');
  assert.throws(
    () => binaryCrossentropy(z, tf.reshape(p, [11, 3])),
    (err: unknown) => err instanceof ArgumentError && /yTrue \[3,11\] float32, yPred \[11,3\] float32/.test((err as Error).message),
  );
  tf.dispose([z, p]);
  await tf.setBackend('native');
  const zi = tf.tensor(
    c.z.map((v) => (v > 0.5 ? 1 : 0)),
    [33],
    'int32',
  );
  const pn = tf.tensor(c.p);
  const profile = await tf.profile(() => binaryCrossentropy(zi, pn).dispose());
  assert.ok(!profile.kernelNames.includes(BCE_KERNEL), 'an int32 target runs the tfjs formula');
  const profileEmpty = await tf.profile(() => binaryCrossentropy(tf.zeros([0, 4]), tf.zeros([0, 4])).dispose());
  assert.ok(!profileEmpty.kernelNames.includes(BCE_KERNEL), 'empty tensors run the tfjs formula');
  tf.dispose([zi, pn]);
});

test('fused BCE: AEKIT_NATIVE_DISABLE=AekitBinaryCrossentropy runs the tfjs formula on the native backend', { skip }, async () => {
  const script = `
    const tf = await import(${JSON.stringify(fileURLToPath(new URL('../core/tf.js', import.meta.url)))});
    const { useBackend } = await import(${JSON.stringify(fileURLToPath(new URL('./backend.js', import.meta.url)))});
    const { binaryCrossentropy, hasFusedBinaryCrossentropy } = await import(${JSON.stringify(fileURLToPath(new URL('./fused-loss.js', import.meta.url)))});
    await useBackend('native');
    const z = tf.tensor([0, 0.5, 1, 0.25]), p = tf.tensor([0.1, 0.5, 0.999, 0]);
    const profile = await tf.profile(() => binaryCrossentropy(z, p).dispose());
    process.stdout.write(JSON.stringify({ backend: tf.getBackend(), fused: hasFusedBinaryCrossentropy(), kernels: profile.kernelNames }));`;
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...env, AEKIT_NATIVE_DISABLE: BCE_KERNEL },
  });
  const out = JSON.parse(stdout) as { backend: string; fused: boolean; kernels: string[] };
  assert.equal(out.backend, 'native');
  assert.equal(out.fused, false);
  assert.ok(!out.kernels.includes(BCE_KERNEL) && out.kernels.includes('Log'), `kernels: ${out.kernels.join(', ')}`);
});

/** tfjs-layers' 'meanSquaredError' loss as compile computes it (mean over the last axis, then the mean). */
const layersMse = (z: tf.Tensor, p: tf.Tensor): tf.Scalar => tf.mean(tf.metrics.meanSquaredError(z, p)) as tf.Scalar;

/** A case of unbounded values (standardised tables, windows): 6·(case values) − 3. */
const wide = (c: Case): Case => ({ what: c.what, z: c.z.map((v) => 6 * v - 3), p: c.p.map((v) => 6 * v - 3) });

test(
  'fused MSE (native) = tfjs-layers meanSquaredError on cpu: value and both gradients over sizes, a 4-d batch, NaN',
  { skip },
  async () => {
    await registerNativeBackend();
    for (const n of [1, 7, 33, 1000, 100003]) {
      const c = wide(makeCase(n, false));
      const want = await lossAndGrads('cpu', c, layersMse);
      const got = await lossAndGrads('native', c, meanSquaredError);
      ['value', 'gradient of yTrue', 'gradient of yPred'].forEach((w, i) => assertClose(got[i], want[i], `MSE ${c.what}: ${w}`, RTOL));
    }
    const c = wide(makeCase(2 * 5 * 3 * 3, false));
    const want = await lossAndGrads('cpu', c, layersMse, [2, 5, 3, 3]);
    const got = await lossAndGrads('native', c, meanSquaredError, [2, 5, 3, 3]);
    ['value', 'gradient of yTrue', 'gradient of yPred'].forEach((w, i) => assertClose(got[i], want[i], `MSE [2,5,3,3]: ${w}`, RTOL));
    const nan = wide(makeCase(9, false));
    nan.p[4] = Number.NaN;
    const [value, , dp] = await lossAndGrads('native', nan, meanSquaredError);
    assert.ok(Number.isNaN(value[0]), `a NaN prediction gives the loss ${value[0]}`);
    assert.ok(Number.isNaN(dp[4]) && Number.isFinite(dp[3]), 'and a NaN gradient there only');
    for (const g of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const inf = wide(makeCase(5, false));
      const a = await lossAndGrads('cpu', inf, layersMse, [5], g);
      const b = await lossAndGrads('native', inf, meanSquaredError, [5], g);
      assert.deepEqual(Array.from(b[2]), Array.from(a[2]), `upstream gradient ${g}`);
    }
  },
);

test(
  'fused MSE: one kernel each way, no yTrue gradient unless asked; other backends and dtypes run the tfjs formula',
  { skip },
  async () => {
    await registerNativeBackend();
    await tf.setBackend('native');
    const c = wide(makeCase(64, false));
    const [z, p] = [tf.tensor(c.z, [8, 8]), tf.tensor(c.p, [8, 8])];
    const before = tf.memory().numTensors;
    let dp: tf.Tensor | undefined;
    const profile = await tf.profile(() => {
      dp = tf.grad((b: tf.Tensor) => meanSquaredError(z, b))(p);
    });
    assert.deepEqual(
      profile.kernelNames.filter((k) => k !== 'Fill' && k !== 'Identity'),
      [MSE_KERNEL, MSE_GRAD_KERNEL],
      `kernels run: ${profile.kernelNames.join(', ')}`,
    );
    dp?.dispose();
    assert.equal(tf.memory().numTensors, before, 'no leak');
    const both = await tf.profile(() => {
      tf.dispose(tf.grads((a: tf.Tensor, b: tf.Tensor) => meanSquaredError(a, b))([z, p]));
    });
    assert.ok(both.kernelNames.includes('Neg'), `yTrue's gradient asked for: ${both.kernelNames.join(', ')}`);
    const profileInt = await tf.profile(() => meanSquaredError(tf.cast(z, 'int32'), tf.cast(p, 'int32')).dispose());
    assert.ok(!profileInt.kernelNames.includes(MSE_KERNEL), 'int32 runs the tfjs formula');
    assert.throws(
      () => meanSquaredError(z, tf.reshape(p, [4, 16])),
      (e: unknown) =>
        e instanceof ArgumentError &&
        /meanSquaredError: yPred: expected yTrue and yPred tensors of the same shape; got yTrue \[8,8\] float32, yPred \[4,16\]/.test(
          (e as Error).message,
        ),
    );
    await tf.setBackend('cpu');
    const [zc, pc] = [tf.tensor(c.z, [8, 8]), tf.tensor(c.p, [8, 8])];
    assert.deepEqual(await meanSquaredError(zc, pc).data(), await layersMse(zc, pc).data(), 'cpu: the same ops, the same value');
    tf.dispose([zc, pc]);
    await tf.setBackend('native');
    tf.dispose([z, p]);
  },
);
