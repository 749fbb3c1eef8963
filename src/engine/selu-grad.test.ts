/**
 * The fused SELU gradient against tfjs's composite formula on the reference `cpu` backend, on every
 * backend that has the kernel (cpu, wasm, native), over shapes with negative, zero and positive
 * inputs; also checks that the fused kernel really runs (and the composite ops do not), and that
 * the composite fallback is used where the kernel is missing.
 * Tolerance: |backend − cpu composite| ≤ 1e-5 · (1 + max |cpu|) elementwise (exp differs by ulps).
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '../core/tf.js';
import { type BackendName, useBackend } from './backend.js';
import { SELU_GRAD_KERNEL, seluGradComposite, seluGradKernelConfigs } from './selu-grad.js';

const skipNative = process.env.AEKIT_SKIP_NATIVE === '1' ? 'AEKIT_SKIP_NATIVE=1' : false;
const SHAPES = [[1], [3], [7, 5], [2, 9, 9, 3], [4, 14, 14, 16], [33, 129]];

let seed = 5;
function values(n: number): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const r = seed / 1073741824 - 1; // [-1, 1)
    // zeros, exact ±1, tiny values, large negatives (exp underflows) and ordinary values
    v[i] = i % 11 === 0 ? 0 : i % 13 === 0 ? Math.sign(r) : i % 17 === 0 ? r * 1e-6 : i % 19 === 0 ? r * 120 : r * 4;
  }
  return v;
}

interface Case {
  shape: number[];
  x: Float32Array;
  dy: Float32Array;
}
const CASES: Case[] = SHAPES.map((shape) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape, x: values(n), dy: values(n) };
});

/** d/dx of sum(selu(x) · dy) on `backend` (through the registered gradient), and the kernels that ran. */
async function gradOn(backend: string, c: Case): Promise<{ dx: Float32Array; kernels: string[] }> {
  await tf.setBackend(backend);
  const x = tf.tensor(c.x, c.shape);
  const dy = tf.tensor(c.dy, c.shape);
  let dx: tf.Tensor | undefined;
  const prof = await tf.profile(() => {
    dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.selu(xx), dy)))(x);
    return dx;
  });
  const out = (await dx!.data()) as Float32Array;
  tf.dispose([x, dy, dx!]);
  return { dx: out, kernels: prof.kernels.map((k) => k.name) };
}

async function compositeOnCpu(c: Case): Promise<Float32Array> {
  await tf.setBackend('cpu');
  const out = tf.tidy(() => seluGradComposite(tf.tensor(c.dy, c.shape), tf.tensor(c.x, c.shape)));
  const v = (await out.data()) as Float32Array;
  out.dispose();
  return v;
}

function assertClose(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  let scale = 0;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  const tol = 1e-5 * (1 + scale);
  for (let i = 0; i < got.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol)) assert.fail(`${what}: element ${i} is ${got[i]}, composite on cpu says ${want[i]}`);
  }
}

for (const backend of ['cpu', 'wasm', 'native'] as const) {
  test(
    `fused SELU gradient on ${backend} matches tfjs's composite formula on cpu`,
    { skip: backend === 'native' && skipNative },
    async () => {
      await useBackend(backend as BackendName);
      assert.ok(tf.getKernel(SELU_GRAD_KERNEL, backend) !== undefined, `${SELU_GRAD_KERNEL} registered for ${backend}`);
      for (const c of CASES) {
        const want = await compositeOnCpu(c);
        const got = await gradOn(backend, c);
        assertClose(got.dx, want, `${backend} ${JSON.stringify(c.shape)}`);
        assert.ok(got.kernels.includes(SELU_GRAD_KERNEL), `${backend}: kernels run were ${got.kernels.join(',')}`);
        assert.ok(
          !got.kernels.includes('Select') && !got.kernels.includes('Exp'),
          `${backend}: composite ops ran: ${got.kernels.join(',')}`,
        );
      }
    },
  );
}

test('fused SELU gradient falls back to the composite formula where the kernel is missing', async () => {
  await useBackend('cpu');
  const cpuConfig = seluGradKernelConfigs.find((k) => k.backendName === 'cpu')!;
  tf.unregisterKernel(SELU_GRAD_KERNEL, 'cpu');
  try {
    for (const c of CASES.slice(0, 4)) {
      const got = await gradOn('cpu', c);
      assert.ok(!got.kernels.includes(SELU_GRAD_KERNEL) && got.kernels.includes('Select'), got.kernels.join(','));
      assertClose(got.dx, await compositeOnCpu(c), `fallback ${JSON.stringify(c.shape)}`);
    }
  } finally {
    tf.registerKernel(cpuConfig);
  }
});
