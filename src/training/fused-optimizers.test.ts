/**
 * FusedSgd (one AekitSgd kernel per variable) against tfjs's SGD on `cpu`, bit for bit, with a
 * learning-rate change between steps; FusedAdam (one AekitAdam kernel per variable on the native
 * engine) against tfjs's Adam on the reference `cpu` backend: values, moments and β powers over several steps and a grid of shapes;
 * the kernels a step runs; tfjs's own update where the kernel is missing; a checkpoint taken
 * mid-way and restored into a fresh optimizer.
 *
 * Tolerance: |native − cpu| ≤ 1e-5 · (1 + max |cpu|) elementwise (the square root and divisions
 * vectorised). Needs the addon (`npm run build:native`); AEKIT_SKIP_NATIVE=1 skips the native tests visibly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import { ADAM_KERNEL, adamUpdate, SGD_KERNEL, sgdUpdate } from '../engine/fused-optimizers.js';
import { assertClose, randomValues, seedRandom } from '../engine/kernel-test-helper.js';
import { registerNativeBackend } from '../engine/native.js';
import { FusedAdam, FusedSgd } from './fused-optimizers.js';
import { captureOptimizerState, restoreOptimizerState } from './optimizer-state.js';

const skip = process.env.AEKIT_SKIP_NATIVE === '1' ? 'AEKIT_SKIP_NATIVE=1: native engine tests skipped' : false;
const SHAPES = [[1], [7], [3, 5], [33, 17], [3, 3, 16, 32], [41000]];
const STEPS = 4;

type Values = { shape: number[]; values: Float32Array };

/** Runs `steps` updates of fresh variables with the given starts and per-step gradients; returns values, moments and β powers. */
async function train(
  backend: string,
  make: () => tf.Optimizer,
  starts: Values[],
  grads: Values[][],
  tag: string,
): Promise<{ values: Float32Array[]; weights: Float32Array[]; kernels: string[] }> {
  await tf.setBackend(backend);
  const opt = make();
  const vars = starts.map((s, i) => tf.variable(tf.tensor(s.values, s.shape), true, `${tag}_${backend}_${i}`));
  let kernels: string[] = [];
  for (let step = 0; step < grads.length; step++) {
    const gs = grads[step].map((g, i) => ({ name: vars[i].name, tensor: tf.tensor(g.values, g.shape) }));
    if (step === grads.length - 1) kernels = (await tf.profile(() => opt.applyGradients(gs))).kernels.map((k) => k.name);
    else opt.applyGradients(gs);
    tf.dispose(gs.map((g) => g.tensor));
  }
  const values = await Promise.all(vars.map(async (v) => (await v.data()) as Float32Array));
  const named = await opt.getWeights();
  const weights = await Promise.all(named.map(async (w) => (await w.tensor.data()) as Float32Array));
  const internals = opt as unknown as { accBeta1: tf.Tensor; accBeta2: tf.Tensor };
  weights.push((await internals.accBeta1.data()) as Float32Array, (await internals.accBeta2.data()) as Float32Array);
  tf.dispose(vars);
  opt.dispose();
  return { values, weights, kernels };
}

function cases(seed: number): { starts: Values[]; grads: Values[][] } {
  seedRandom(seed);
  const starts = SHAPES.map((s) => randomValues(s));
  const grads = Array.from({ length: STEPS }, () => SHAPES.map((s) => randomValues(s)));
  return { starts, grads };
}

test('FusedAdam on native = tfjs Adam on cpu: values, moments and β powers over 4 steps, a grid of shapes', { skip }, async () => {
  await registerNativeBackend();
  const { starts, grads } = cases(21);
  for (const [lr, eps] of [
    [1e-3, 1e-7],
    [0.2, 1e-3],
  ]) {
    const want = await train('cpu', () => tf.train.adam(lr, 0.9, 0.999, eps), starts, grads, `a${lr}`);
    const got = await train('native', () => new FusedAdam(lr, 0.9, 0.999, eps), starts, grads, `b${lr}`);
    assert.ok(got.kernels.includes(ADAM_KERNEL), `native runs ${ADAM_KERNEL}: ${got.kernels.join(', ')}`);
    assert.ok(!got.kernels.includes('Sqrt') && !got.kernels.includes('RealDiv'), `no tfjs update kernels: ${got.kernels.join(', ')}`);
    assert.equal(got.kernels.filter((k) => k === ADAM_KERNEL).length, SHAPES.length, 'one kernel per variable');
    got.values.forEach((v, i) => assertClose(v, want.values[i], `lr ${lr} value [${SHAPES[i]}]`, 1e-5));
    assert.equal(got.weights.length, want.weights.length, 'as many weights');
    got.weights.forEach((w, i) => assertClose(w, want.weights[i], `lr ${lr} optimizer weight ${i}`, 1e-5));
  }
});

test('FusedAdam where the backend has no AekitAdam: tfjs update, bit for bit', async () => {
  const { starts, grads } = cases(22);
  const want = await train('cpu', () => tf.train.adam(0.01, 0.9, 0.999, 1e-7), starts, grads, 'c');
  const got = await train('cpu', () => new FusedAdam(0.01, 0.9, 0.999, 1e-7), starts, grads, 'd');
  assert.ok(!got.kernels.includes(ADAM_KERNEL) && got.kernels.includes('Sqrt'), got.kernels.join(', '));
  got.values.forEach((v, i) => assert.deepEqual(v, want.values[i], `value ${i}`));
  got.weights.forEach((w, i) => assert.deepEqual(w, want.weights[i], `weight ${i}`));
  assert.equal(new FusedAdam(0.01, 0.9, 0.999).getClassName(), 'Adam', "serializes as tfjs's Adam");
});

test('FusedAdam on native: a checkpoint after 2 steps restored into a fresh optimizer ends as 4 straight steps', { skip }, async () => {
  await registerNativeBackend();
  await tf.setBackend('native');
  const { starts, grads } = cases(23);
  const run = async (tag: string, split: boolean): Promise<Float32Array[]> => {
    const vars = starts.map((s, i) => tf.variable(tf.tensor(s.values, s.shape), true, `${tag}_${i}`));
    let opt = new FusedAdam(0.05, 0.9, 0.999, 1e-7);
    for (let step = 0; step < STEPS; step++) {
      if (split && step === 2) {
        const state = await captureOptimizerState(opt);
        opt.dispose();
        opt = new FusedAdam(0.05, 0.9, 0.999, 1e-7);
        await restoreOptimizerState(opt, state);
      }
      const gs = grads[step].map((g, i) => ({ name: vars[i].name, tensor: tf.tensor(g.values, g.shape) }));
      opt.applyGradients(gs);
      tf.dispose(gs.map((g) => g.tensor));
    }
    const out = await Promise.all(vars.map(async (v) => (await v.data()) as Float32Array));
    tf.dispose(vars);
    opt.dispose();
    return out;
  };
  const straight = await run('e', false);
  const resumed = await run('f', true);
  resumed.forEach((v, i) => assert.deepEqual(v, straight[i], `value [${SHAPES[i]}]`));
});

test('adamUpdate refuses inputs it does not compute', { skip }, async () => {
  await registerNativeBackend();
  await tf.setBackend('native');
  const c = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, learningRate: 0.1 };
  const x = tf.zeros([3]);
  const s = tf.scalar(0.9);
  assert.throws(() => adamUpdate(x, tf.zeros([4]), x, x, s, s, c), ArgumentError);
  assert.throws(() => adamUpdate(x, x, x, tf.zeros([3], 'int32'), s, s, c), ArgumentError);
  assert.throws(() => adamUpdate(x, x, x, x, tf.zeros([2]), s, c), ArgumentError);
  const before = tf.memory().numTensors;
  tf.dispose(adamUpdate(x, x, x, x, s, s, c));
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  await tf.setBackend('cpu');
  assert.throws(() => adamUpdate(x, x, x, x, s, s, c), /backend 'cpu' has no AekitAdam/);
});

test('FusedSgd on native = tfjs SGD on cpu bit for bit, a learning-rate change included; one kernel per variable', { skip }, async () => {
  await registerNativeBackend();
  const { starts, grads } = cases(24);
  const run = async (backend: string, make: () => tf.SGDOptimizer, tag: string) => {
    await tf.setBackend(backend);
    const opt = make();
    const vars = starts.map((s, i) => tf.variable(tf.tensor(s.values, s.shape), true, `${tag}_${i}`));
    let kernels: string[] = [];
    for (let step = 0; step < grads.length; step++) {
      if (step === 2) opt.setLearningRate(0.37);
      const gs = grads[step].map((g, i) => ({ name: vars[i].name, tensor: tf.tensor(g.values, g.shape) }));
      if (step === grads.length - 1) kernels = (await tf.profile(() => opt.applyGradients(gs))).kernels.map((k) => k.name);
      else opt.applyGradients(gs);
      tf.dispose(gs.map((g) => g.tensor));
    }
    const values = await Promise.all(vars.map(async (v) => (await v.data()) as Float32Array));
    tf.dispose(vars);
    opt.dispose();
    return { values, kernels };
  };
  const want = await run('cpu', () => tf.train.sgd(1.5), 'g');
  const got = await run('native', () => new FusedSgd(1.5), 'h');
  assert.equal(
    got.kernels.filter((k) => k === SGD_KERNEL).length,
    SHAPES.length,
    `one ${SGD_KERNEL} per variable: ${got.kernels.join(', ')}`,
  );
  assert.ok(!got.kernels.includes('Multiply') && !got.kernels.includes('Add'), `no tfjs update kernels: ${got.kernels.join(', ')}`);
  got.values.forEach((v, i) => assert.deepEqual(v, want.values[i], `value [${SHAPES[i]}]`));
  const fallback = await run('cpu', () => new FusedSgd(1.5), 'k');
  assert.ok(!fallback.kernels.includes(SGD_KERNEL), 'cpu: tfjs update');
  fallback.values.forEach((v, i) => assert.deepEqual(v, want.values[i], `cpu value [${SHAPES[i]}]`));
  assert.equal(new FusedSgd(0.1).getClassName(), 'SGD', "serializes as tfjs's SGD");
});

test('sgdUpdate refuses inputs it does not compute', { skip }, async () => {
  await registerNativeBackend();
  await tf.setBackend('native');
  const x = tf.zeros([3]);
  assert.throws(() => sgdUpdate(x, tf.zeros([4]), tf.scalar(-1)), ArgumentError);
  assert.throws(() => sgdUpdate(x, x, tf.zeros([2])), ArgumentError);
  assert.throws(() => sgdUpdate(x, tf.zeros([3], 'int32'), tf.scalar(-1)), ArgumentError);
  await tf.setBackend('cpu');
  assert.throws(() => sgdUpdate(x, x, tf.scalar(-1)), /backend 'cpu' has no AekitSgd/);
});
