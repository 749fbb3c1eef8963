import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '../core/tf.js';
import { useBackend } from '../engine/backend.js';
import { checkModel } from '../testing/check-model.js';
import { ActivityRegularization } from './activity-regularization.js';
import {
  deserializeRegularizer,
  KLDivergenceRegularizer,
  L1ActivityRegularizer,
  parseSparsity,
  serializeRegularizer,
} from './sparsity-regularizers.js';

before(async () => {
  await useBackend('wasm');
});

const close = (a: number, b: number, tol = 1e-5): void => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

test('KL regularizer equals weight · Σ_units Bernoulli KL(target ‖ batch mean) / batch', () => {
  const acts = tf.tensor2d([
    [0.2, 0.9],
    [0.4, 0.5],
  ]); // unit means 0.3, 0.7
  const r = new KLDivergenceRegularizer({ weight: 0.05, target: 0.1 });
  const kl = (t: number, m: number): number => t * Math.log(t / m) + (1 - t) * Math.log((1 - t) / (1 - m));
  const p = r.apply(acts);
  close(p.dataSync()[0], (0.05 * (kl(0.1, 0.3) + kl(0.1, 0.7))) / 2);
  const atTarget = r.apply(tf.fill([4, 3], 0.1));
  close(atTarget.dataSync()[0], 0);
  tf.dispose([acts, p, atTarget]);
});

test('L1 regularizer equals l1 · Σ|a| / batch', () => {
  const acts = tf.tensor2d([
    [0.5, -1],
    [2, 0],
  ]);
  const p = new L1ActivityRegularizer({ l1: 1e-3 }).apply(acts);
  close(p.dataSync()[0], (1e-3 * 3.5) / 2);
  tf.dispose([acts, p]);
});

test('regularizers serialize and come back equal', () => {
  for (const r of [new KLDivergenceRegularizer({ weight: 0.05, target: 0.1 }), new L1ActivityRegularizer({ l1: 0.002 })]) {
    const s = JSON.parse(JSON.stringify(serializeRegularizer(r)));
    const back = deserializeRegularizer(s);
    assert.equal(back.constructor, r.constructor);
    assert.deepEqual(back.getConfig(), r.getConfig());
  }
  assert.throws(() => deserializeRegularizer({ className: 'Nope', config: {} }), /unknown activity regularizer class 'Nope'/);
});

test('sparsity parsing accepts the book forms and explains bad ones', () => {
  assert.deepEqual(parseSparsity('kl:0.05,0.1')?.getConfig(), { weight: 0.05, target: 0.1 });
  assert.deepEqual(parseSparsity('l1:1e-3')?.getConfig(), { l1: 0.001 });
  assert.equal(parseSparsity('none'), null);
  assert.throws(() => parseSparsity('kl:0.05'), /sparsity 'kl:0.05': kl takes a weight and a target/);
  assert.throws(() => parseSparsity('kl:0.05,1.5'), /target must lie in \(0, 1\)/);
  assert.throws(() => parseSparsity('l2:1'), /unknown kind 'l2'/);
});

test('ActivityRegularization is the identity and survives save → load with its penalty', async () => {
  const input = tf.input({ shape: [5] });
  const h = tf.layers
    .dense({ units: 3, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })
    .apply(input) as tf.SymbolicTensor;
  const reg = new ActivityRegularization({ regularizer: new KLDivergenceRegularizer({ weight: 0.5, target: 0.2 }), name: 'sparsity' });
  const model = tf.model({ inputs: input, outputs: reg.apply(h) as tf.SymbolicTensor });
  const x = tf.randomUniform([4, 5], 0, 1, 'float32', 3);
  const loaded = await checkModel(model, { input: x, outputShape: [4, 3], trainableParams: 18 });
  const again = loaded.getLayer('sparsity') as ActivityRegularization;
  assert.ok(again instanceof ActivityRegularization);
  const acts = tf.randomUniform([4, 3], 0, 1, 'float32', 4);
  const [p1, p2] = [reg.penalty(acts), again.penalty(acts)];
  close(p1.dataSync()[0], p2.dataSync()[0], 0);
  tf.dispose([x, acts, p1, p2]);
});
