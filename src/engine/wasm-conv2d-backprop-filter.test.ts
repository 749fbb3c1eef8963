/**
 * aekit's `Conv2DBackpropFilter` for tfjs's `wasm` backend against the reference `cpu` backend, over
 * a grid of shapes (odd sizes, stride 1 and 2, `same` and `valid`, batch 1 and more, 1 to 64 channels).
 * Tolerance: |wasm − cpu| ≤ 1e-4 · (1 + max |cpu|), elementwise.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '../core/tf.js';
import { useBackend } from './backend.js';

let seed = 5;
function rand(n: number): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    v[i] = seed / 1073741824 - 1;
  }
  return v;
}

async function filterGrad(
  backend: string,
  x: Float32Array,
  xs: number[],
  dy: Float32Array,
  dys: number[],
  fs: number[],
  s: number,
  pad: 'same' | 'valid',
): Promise<Float32Array> {
  await tf.setBackend(backend);
  const xt = tf.tensor4d(x, xs as [number, number, number, number]);
  const dyt = tf.tensor4d(dy, dys as [number, number, number, number]);
  const g = tf.engine().runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, {
    strides: [s, s],
    pad,
    dataFormat: 'NHWC',
    dimRoundingMode: undefined,
    filterShape: fs,
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
  const out = (await g.data()) as Float32Array;
  tf.dispose([g, xt, dyt]);
  return out;
}

test('wasm Conv2DBackpropFilter matches cpu over a grid of shapes', async () => {
  await useBackend('wasm');
  let cases = 0;
  for (const [h, w] of [
    [5, 5],
    [7, 9],
    [13, 13],
    [14, 14],
  ]) {
    for (const s of [1, 2]) {
      for (const pad of ['same', 'valid'] as const) {
        for (const [n, ci, co] of [
          [1, 1, 16],
          [3, 16, 32],
          [2, 64, 1],
          [2, 32, 64],
        ]) {
          const ho = pad === 'same' ? Math.ceil(h / s) : Math.floor((h - 3) / s) + 1;
          const wo = pad === 'same' ? Math.ceil(w / s) : Math.floor((w - 3) / s) + 1;
          const xs = [n, h, w, ci],
            dys = [n, ho, wo, co],
            fs = [3, 3, ci, co];
          const x = rand(n * h * w * ci),
            dy = rand(n * ho * wo * co);
          const want = await filterGrad('cpu', x, xs, dy, dys, fs, s, pad);
          const got = await filterGrad('wasm', x, xs, dy, dys, fs, s, pad);
          const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
          for (let i = 0; i < want.length; i++) {
            assert.ok(
              Math.abs(got[i] - want[i]) <= 1e-4 * (1 + scale),
              `${JSON.stringify({ xs, s, pad })}: element ${i} is ${got[i]}, cpu says ${want[i]}`,
            );
          }
          cases++;
        }
      }
    }
  }
  assert.equal(cases, 64);
});
