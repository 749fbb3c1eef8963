/**
 * aekit's `MaxPoolGrad` for `wasm` against the reference `cpu` backend over a grid of shapes
 * (odd and even sizes, pool 2 and 3, stride 1 and 2, `same` and `valid`, batch 1 and more,
 * 1 to 64 channels). A max-pool gradient only routes values, so the only allowed difference is
 * float rounding where overlapping windows add into one pixel in another order: ≤ 1e-6 · (1 + |cpu|).
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '../core/tf.js';
import { useBackend } from './backend.js';

async function poolGrad(backend: 'cpu' | 'wasm', shape: number[], k: number, s: number, pad: 'same' | 'valid'): Promise<Float32Array> {
  await useBackend(backend);
  return tf.tidy(() => {
    const n = shape.reduce((a, b) => a * b, 1);
    // Distinct values, with a few exact ties to check which maximum wins.
    const x = tf.tensor(
      Float32Array.from({ length: n }, (_, i) => (i % 11 === 0 ? 1 : Math.sin(i * 1.7) * 2)),
      shape as [number, number, number, number],
    );
    const size = tf.maxPool(x as tf.Tensor4D, k, s, pad).size;
    const w = Float32Array.from({ length: size }, (_, i) => Math.cos(i * 0.3) + 2);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.reshape(tf.maxPool(v as tf.Tensor4D, k, s, pad), [-1]), w)))(x);
    return g.dataSync() as Float32Array;
  });
}

test('wasm MaxPoolGrad matches cpu over a grid of shapes', async () => {
  let cases = 0;
  for (const [h, w] of [
    [4, 4],
    [7, 7],
    [9, 8],
    [14, 14],
    [28, 28],
  ]) {
    for (const [k, s] of [
      [2, 2],
      [3, 2],
      [3, 1],
    ]) {
      for (const pad of ['same', 'valid'] as const) {
        for (const [n, c] of [
          [1, 1],
          [2, 3],
          [1, 16],
          [3, 64],
        ]) {
          if (h * w * c * n > 28 * 28 * 16 && c === 64) continue;
          const shape = [n, h, w, c];
          const want = await poolGrad('cpu', shape, k, s, pad);
          const got = await poolGrad('wasm', shape, k, s, pad);
          assert.equal(got.length, want.length);
          for (let i = 0; i < want.length; i++) {
            assert.ok(
              Math.abs(got[i] - want[i]) <= 1e-6 * (1 + Math.abs(want[i])),
              `${JSON.stringify({ shape, k, s, pad })}: element ${i} is ${got[i]}, cpu says ${want[i]}`,
            );
          }
          cases++;
        }
      }
    }
  }
  assert.ok(cases >= 100, `${cases} cases`);
});
