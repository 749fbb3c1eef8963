/**
 * Nearest-neighbour resize on the native engine (native/resize.cc, the index tables of
 * `resize-nearest.ts`) against tfjs's reference `cpu` backend, over a grid: batch 1 and 3; sizes
 * 1×1, 3×5, 7×7, 16×16 and a tall thin 21×1; 1, 3, 8 and 17 channels; scales ×2, ×3, ×1.5, ×0.5
 * and ×1; every alignCorners / halfPixelCenters combination of tf.image.resizeNearestNeighbor, and
 * the fourth (both) through the kernel. Compared: the output, and the gradient of sum(y · r) (r
 * random) through tf.grads. Also: the native kernels run (and int32 images fall back to wasm), the
 * gradient is the same bits on 1 and 2 threads, and the upsampling model trains as on wasm.
 *
 * Tolerance: |native − cpu| ≤ 1e-4 · (1 + max |cpu|), elementwise (cpu sums the gradient in double).
 * Needs the addon (`npm run build:native`); AEKIT_SKIP_NATIVE=1 skips these tests visibly.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '../core/tf.js';
import { convAutoencoder } from '../models/conv.js';
import { useBackend } from './backend.js';
import { assertClose, randomValues, seedRandom } from './kernel-test-helper.js';
import { loadNativeAddon, type NativeAddon, registerNativeBackend } from './native.js';
import { resizeNearestGradTargets, resizeNearestSources } from './resize-nearest.js';

const skip = process.env.AEKIT_SKIP_NATIVE === '1' ? 'AEKIT_SKIP_NATIVE=1: native engine tests skipped' : false;
const RTOL = 1e-4;

type Values = { shape: number[]; values: Float32Array };
interface Attrs {
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

/** y = resize(x) and the gradient of sum(y · r) w.r.t. x on `backend` (tf.grads). */
async function valueAndGrad(backend: string, x: Values, size: [number, number], attrs: Attrs, r: Values): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const xs = tf.tensor4d(x.values, x.shape as [number, number, number, number]);
  const rs = tf.tensor(r.values, r.shape);
  const f = (t: tf.Tensor): tf.Tensor4D =>
    tf.image.resizeNearestNeighbor(t as tf.Tensor4D, size, attrs.alignCorners, attrs.halfPixelCenters);
  const y = f(xs);
  const [g] = tf.grads((t: tf.Tensor) => tf.sum(tf.mul(f(t), rs)))([xs]);
  const outs = [(await y.data()) as Float32Array, (await g.data()) as Float32Array];
  tf.dispose([xs, rs, y, g]);
  return outs;
}

/** Image b of an NHWC batch, as a batch of one. */
function image(v: Values, b: number): Values {
  const per = v.values.length / v.shape[0];
  return { shape: [1, ...v.shape.slice(1)], values: v.values.slice(b * per, (b + 1) * per) };
}

/** Concatenates per-image results along the batch. */
function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((k, p) => k + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The reference: {@link valueAndGrad} on cpu, image by image. tfjs 4.22's cpu
 * ResizeNearestNeighborGrad offsets dy by the images' batch stride, so that its gradient is
 * wrong for every image after the first when the sizes differ (wasm's is right); on one image it
 * is right.
 */
async function cpuReference(x: Values, size: [number, number], attrs: Attrs, r: Values): Promise<Float32Array[]> {
  const parts: Float32Array[][] = [];
  for (let b = 0; b < x.shape[0]; b++) parts.push(await valueAndGrad('cpu', image(x, b), size, attrs, image(r, b)));
  return [concat(parts.map((p) => p[0])), concat(parts.map((p) => p[1]))];
}

/** Runs one kernel on `backend` and returns its output's values. */
async function kernel(
  backend: string,
  name: string,
  inputs: Record<string, Values>,
  attrs: Record<string, unknown>,
): Promise<Float32Array> {
  await tf.setBackend(backend);
  const ts = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.values, v.shape)]));
  const out = tf.engine().runKernel(name, ts, attrs as tf.NamedAttrMap) as tf.Tensor;
  const values = (await out.data()) as Float32Array;
  tf.dispose([out, ...Object.values(ts)]);
  return values;
}

/** Sums `v` (NHWC) over its rows and/or columns, keeping them as size 1. */
function sumAxes(v: Values, rows: boolean, cols: boolean): Values {
  const [n, h, w, c] = v.shape;
  const shape = [n, rows ? 1 : h, cols ? 1 : w, c];
  const out = new Float32Array(shape.reduce((p, q) => p * q, 1));
  for (let b = 0; b < n; b++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++)
        for (let k = 0; k < c; k++) {
          const o = ((b * shape[1] + (rows ? 0 : i)) * shape[2] + (cols ? 0 : j)) * c + k;
          out[o] += v.values[((b * h + i) * w + j) * c + k];
        }
  return { shape, values: out };
}

const SIDES: [number, number][] = [
  [1, 1],
  [3, 5],
  [7, 7],
  [16, 16],
  [21, 1],
];
const SCALES = [2, 3, 1.5, 0.5, 1];
const ATTRS: Attrs[] = [
  { alignCorners: false, halfPixelCenters: false },
  { alignCorners: true, halfPixelCenters: false },
  { alignCorners: false, halfPixelCenters: true },
];

test('resizeNearestNeighbor on native matches cpu over the grid, values and gradients', { skip }, async () => {
  await registerNativeBackend();
  seedRandom(5);
  let cases = 0;
  for (const n of [1, 3])
    for (const [h, w] of SIDES)
      for (const c of [1, 3, 8, 17])
        for (const s of SCALES)
          for (const attrs of ATTRS) {
            const size: [number, number] = [Math.max(1, Math.round(h * s)), Math.max(1, Math.round(w * s))];
            const tag = `n${n} ${h}x${w}x${c} → ${size[0]}x${size[1]} ${JSON.stringify(attrs)}`;
            const x = randomValues([n, h, w, c]);
            const r = randomValues([n, size[0], size[1], c]);
            const [y, g] = await valueAndGrad('native', x, size, attrs, r);
            // With alignCorners, an input side of 1 and an output side > 1, tfjs's cpu gradient
            // loops forever: there every output row (column) reads input row (column) 0, and the
            // reference is cpu's gradient of the resize to size 1 on that side, of dy summed over it.
            const rows = attrs.alignCorners && h === 1 && size[0] > 1;
            const cols = attrs.alignCorners && w === 1 && size[1] > 1;
            if (rows || cols) {
              const want = await kernel('cpu', 'ResizeNearestNeighbor', { images: x }, { ...attrs, size });
              assertClose(y, want, `${tag} value`, RTOL);
              const dy = sumAxes(r, rows, cols);
              const reduced = { ...attrs, size: [dy.shape[1], dy.shape[2]] };
              const wantGrad = concat(
                await Promise.all(
                  Array.from({ length: n }, (_, b) =>
                    kernel('cpu', 'ResizeNearestNeighborGrad', { images: image(x, b), dy: image(dy, b) }, reduced),
                  ),
                ),
              );
              assertClose(g, wantGrad, `${tag} gradient (input side 1)`, RTOL);
            } else {
              const [wantY, wantG] = await cpuReference(x, size, attrs, r);
              assertClose(y, wantY, `${tag} value`, RTOL);
              assertClose(g, wantG, `${tag} gradient`, RTOL);
            }
            cases++;
          }
  assert.equal(cases, 2 * SIDES.length * 4 * SCALES.length * ATTRS.length);
});

test('resizeNearestNeighbor on native matches cpu where double rounding differs from exact arithmetic', { skip }, async () => {
  await registerNativeBackend();
  seedRandom(8);
  // sizes from resize index tables' test: a source index one below the exact quotient
  for (const [h, w, size, attrs] of [
    [2, 4, [98, 49], ATTRS[0]],
    [4, 4, [49, 98], ATTRS[2]],
    [2, 4, [99, 95], ATTRS[1]],
  ] as const) {
    const x = randomValues([2, h, w, 3]);
    const r = randomValues([2, size[0], size[1], 3]);
    const tag = `${h}x${w} → ${size[0]}x${size[1]} ${JSON.stringify(attrs)}`;
    const [y, g] = await valueAndGrad('native', x, [...size], attrs, r);
    const [wantY, wantG] = await cpuReference(x, [...size], attrs, r);
    assertClose(y, wantY, `${tag} value`, RTOL);
    assertClose(g, wantG, `${tag} gradient`, RTOL);
  }
});

test('resizeNearestNeighbor on native: alignCorners with halfPixelCenters (only through the kernel) matches cpu', { skip }, async () => {
  await registerNativeBackend();
  seedRandom(6);
  // (not 1×1 and 21×1: an input side of 1 with alignCorners sends cpu's gradient into an endless loop)
  for (const [h, w] of SIDES.slice(1, -1))
    for (const s of SCALES) {
      const size = [Math.max(1, Math.round(h * s)), Math.max(1, Math.round(w * s))];
      const attrs = { alignCorners: true, halfPixelCenters: true, size };
      const images = randomValues([2, h, w, 3]);
      const dy = randomValues([2, size[0], size[1], 3]);
      const tag = `${h}x${w} → ${size[0]}x${size[1]}`;
      const want = await kernel('cpu', 'ResizeNearestNeighbor', { images }, attrs);
      assertClose(await kernel('native', 'ResizeNearestNeighbor', { images }, attrs), want, `${tag} value`, RTOL);
      const wantGrad = concat([
        await kernel('cpu', 'ResizeNearestNeighborGrad', { images: image(images, 0), dy: image(dy, 0) }, attrs),
        await kernel('cpu', 'ResizeNearestNeighborGrad', { images: image(images, 1), dy: image(dy, 1) }, attrs),
      ]);
      assertClose(await kernel('native', 'ResizeNearestNeighborGrad', { images, dy }, attrs), wantGrad, `${tag} gradient`, RTOL);
    }
});

test('resize index tables: tfjs double rounding, clamping, and the gradient window', () => {
  assert.deepEqual([...resizeNearestSources(3, 6, false, false)], [0, 0, 1, 1, 2, 2]);
  assert.deepEqual([...resizeNearestSources(3, 5, false, true)], [0, 0, 1, 2, 2]);
  assert.deepEqual([...resizeNearestSources(3, 5, true, false)], [0, 1, 1, 2, 2]); // Math.round(0.5) = 1
  assert.deepEqual([...resizeNearestSources(7, 3, false, false)], [0, 2, 4]);
  assert.deepEqual([...resizeNearestSources(5, 1, true, false)], [0]);
  assert.deepEqual([...resizeNearestSources(1, 4, true, false)], [0, 0, 0, 0]);
  // a ratio just below its exact value in double: (2 / 98) · 49 = 0.9999999999999999, floored to
  // 0 as tfjs does (exactly it is 1); likewise with half-pixel centres and with alignCorners
  assert.equal(resizeNearestSources(2, 98, false, false)[49], 0);
  assert.equal(resizeNearestSources(4, 49, false, true)[24], 1);
  assert.equal(resizeNearestSources(2, 99, true, false)[49], 0);
  // the gradient ignores halfPixelCenters (as tfjs's does): the targets of plain nearest
  assert.deepEqual([...resizeNearestGradTargets(3, 5, false)], [...resizeNearestSources(3, 5, false, false)]);
  assert.deepEqual([...resizeNearestGradTargets(1, 4, true)], [0, 0, 0, 0]);
  // downscaling: every output row adds to the row it read
  assert.deepEqual([...resizeNearestGradTargets(7, 3, false)], [0, 2, 4]);
});

test('resizeNearestNeighbor: the native kernels run for float32 images; int32 images fall back to wasm', { skip }, async () => {
  await registerNativeBackend();
  const a = loadNativeAddon() as NativeAddon & Record<string, unknown>;
  const calls: Record<string, number> = { resizeNearest: 0, resizeNearestGrad: 0 };
  const saved = { resizeNearest: a.resizeNearest, resizeNearestGrad: a.resizeNearestGrad };
  for (const name of ['resizeNearest', 'resizeNearestGrad'] as const) {
    const f = saved[name];
    a[name] = (...args: unknown[]) => {
      calls[name]++;
      return (f as (...xs: unknown[]) => boolean)(...args);
    };
  }
  try {
    await tf.setBackend('native');
    const x = tf.randomUniform([2, 5, 3, 4]) as tf.Tensor4D;
    const [g] = tf.grads((t: tf.Tensor) => tf.sum(tf.image.resizeNearestNeighbor(t as tf.Tensor4D, [10, 6])))([x]);
    // every input pixel is read by 2 × 2 output pixels
    assert.deepEqual([...new Set(await g.data())], [4]);
    assert.deepEqual(calls, { resizeNearest: 1, resizeNearestGrad: 1 });
    const xi = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1], 'int32');
    const yi = tf.image.resizeNearestNeighbor(xi, [4, 4]);
    assert.deepEqual([...(await yi.data())], [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    assert.equal(calls.resizeNearest, 1, 'int32 images ran on wasm');
    tf.dispose([x, g, xi, yi]);
  } finally {
    Object.assign(a, saved);
  }
});

test('resizeNearestNeighborGrad on native: the same bits on 1 and 2 threads (no races, fixed order)', { skip }, async () => {
  await registerNativeBackend();
  const a = loadNativeAddon();
  const threads = (JSON.parse(a.info()) as { threads: number }).threads;
  seedRandom(7);
  const images = randomValues([8, 16, 16, 17]);
  const dy = randomValues([8, 40, 24, 17]);
  const attrs = { alignCorners: false, halfPixelCenters: false, size: [40, 24] };
  const bits: Uint32Array[] = [];
  try {
    for (const t of [1, 2, 1, 2]) {
      a.setThreads(t);
      bits.push(new Uint32Array((await kernel('native', 'ResizeNearestNeighborGrad', { images, dy }, attrs)).buffer));
    }
  } finally {
    a.setThreads(threads);
  }
  for (let i = 1; i < bits.length; i++) assert.deepEqual(bits[i], bits[0], `run ${i} differs from run 0`);
});

/** Trains the upsampling conv autoencoder (UpSampling2D decoder) on fixed data; returns the losses. */
async function upsampleLosses(backend: 'native' | 'wasm', steps: number): Promise<number[]> {
  await useBackend(backend);
  const { autoencoder } = convAutoencoder({ seed: 11, inputShape: [32, 32, 3], decoder: 'upsample' });
  autoencoder.compile({ optimizer: tf.train.sgd(1.0), loss: 'binaryCrossentropy' });
  seedRandom(12);
  const data = tf.tensor(
    randomValues([8, 32, 32, 3]).values.map((v) => (v + 1) / 2),
    [8, 32, 32, 3],
  );
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push(Number(await autoencoder.trainOnBatch(data, data)));
  data.dispose();
  autoencoder.dispose();
  return losses;
}

test('resizeNearestNeighbor: 3 SGD steps of the upsampling model give wasm losses within 1e-4 relative', { skip }, async () => {
  const wasm = await upsampleLosses('wasm', 3);
  const native = await upsampleLosses('native', 3);
  for (let i = 0; i < wasm.length; i++)
    assert.ok(Math.abs(native[i] - wasm[i]) <= 1e-4 * Math.abs(wasm[i]), `step ${i}: native ${native[i]} vs wasm ${wasm[i]}`);
  assert.notEqual(native[2], native[0], 'the weights changed');
});
