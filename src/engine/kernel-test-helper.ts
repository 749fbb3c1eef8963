/**
 * Test support (not public API): seeded random inputs, the elementwise tolerance check and the
 * value-and-gradients run that kernel tests use to hold a kernel against tfjs's reference `cpu` backend.
 */
import assert from 'node:assert/strict';
import * as tf from '../core/tf.js';

let state = 1;

/** Restarts the generator of {@link randomValues} (tests that must draw the same values twice). */
export function seedRandom(seed: number): void {
  state = seed;
}

/** Where the generator of {@link randomValues} is now (pass to {@link seedRandom} to replay). */
export function randomState(): number {
  return state;
}

/** `shape` and values uniform in [-1, 1) from a fixed linear congruential sequence. */
export function randomValues(shape: number[]): { shape: number[]; values: Float32Array } {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    values[i] = state / 1073741824 - 1;
  }
  return { shape, values };
}

/**
 * Fails unless |actual − expected| ≤ rtol · (1 + max |expected|) elementwise (float32 sums run in a
 * different order on different engines), naming `what`, the element and both values.
 */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rtol = 1e-4): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  const tol = rtol * (1 + scale);
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      assert.fail(`${what}: element ${i} is ${actual[i]}, cpu says ${expected[i]} (tolerance ${tol.toExponential(2)})`);
    }
  }
}

/** One convolution of a kernel test's grid: batch, input size, channels, filter, stride, padding. */
export interface ConvCase {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  k: [number, number];
  s: number;
  pad: 'same' | 'valid';
}

/** A grid case as a test's messages name it: `n3 7x9 16->3 k3x3 s2 same`. */
export const convCaseTag = (c: ConvCase): string => `n${c.n} ${c.h}x${c.w} ${c.ci}->${c.co} k${c.k.join('x')} s${c.s} ${c.pad}`;

/** A test input as plain data: its shape and values. */
export type TestValues = { shape: number[]; values: Float32Array };

/**
 * On `backend`: y = f(inputs) and, with `grads` (default), the gradients of sum(y · r) with
 * respect to every input, r = {@link randomValues}(y.shape) drawn after y is computed (replay the
 * generator with {@link seedRandom} to draw the same r on another backend); all as plain arrays,
 * `[y, ...gradients]`, with the names of the kernels that ran when `kernels` is set (tf.profile).
 */
export async function valueAndGrads(
  backend: string,
  inputs: TestValues[],
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  { grads = true, kernels = false }: { grads?: boolean; kernels?: boolean } = {},
): Promise<{ outs: Float32Array[]; kernels: string[] }> {
  await tf.setBackend(backend);
  const xs = inputs.map((i) => tf.tensor(i.values, i.shape));
  let outs: tf.Tensor[] = [];
  const run = (): void => {
    const y = f(...xs);
    outs = [y];
    if (!grads) return;
    const r = tf.tensor(randomValues(y.shape).values, y.shape);
    outs.push(...tf.grads((...ys: tf.Tensor[]) => tf.sum(tf.mul(f(...ys), r)))(xs));
    r.dispose();
  };
  let names: string[] = [];
  if (kernels) names = (await tf.profile(run)).kernelNames;
  else run();
  const values = await Promise.all(outs.map(async (o) => (await o.data()) as Float32Array));
  tf.dispose([...xs, ...outs]);
  return { outs: values, kernels: names };
}
