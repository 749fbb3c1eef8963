import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { CHAINED_OPS } from './chained-ops.js';
import * as tf from './tf.js';

before(async () => {
  await tf.setBackend('cpu');
});

/** The tensor methods tfjs-core's own chained-op files define (what the umbrella package registers). */
function tfjsChainedOps(): string[] {
  const core = path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-core/package.json'));
  const dir = path.join(core, 'dist', 'public', 'chained_ops');
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.js') && !f.endsWith('_test.js'))) {
    for (const m of readFileSync(path.join(dir, file), 'utf8').matchAll(/prototype\.(\w+)\s*=\s*function/g)) names.add(m[1]);
  }
  return [...names].sort();
}

test('every tensor method of tfjs-core is registered, and only those', () => {
  const expected = tfjsChainedOps();
  assert.ok(expected.length > 100, `found ${expected.length} chained ops in tfjs-core`);
  assert.deepEqual([...CHAINED_OPS].sort(), expected);
  const t = tf.tensor([1, 2, 3, 4]);
  for (const name of expected) assert.equal(typeof (t as unknown as Record<string, unknown>)[name], 'function', name);
  t.dispose();
});

test('tensor methods compute what the functional ops do', async () => {
  const x = tf.tensor4d([1, 5, 2, 8, 3, 7, 4, 6], [1, 2, 4, 1]);
  const same = async (a: tf.Tensor, b: tf.Tensor): Promise<void> => {
    assert.deepEqual(a.shape, b.shape);
    assert.deepEqual(Array.from(await a.data()), Array.from(await b.data()));
  };
  await same(x.flatten(), tf.reshape(x, [8]));
  await same(x.reshape([2, 4]), tf.reshape(x, [2, 4]));
  await same(x.as2D(4, 2), tf.reshape(x, [4, 2]));
  await same(x.maxPool(2, 2, 'valid'), tf.maxPool(x, 2, 2, 'valid'));
  await same(x.square().mean(), tf.mean(tf.square(x)));
  await same(x.concat(x, 2), tf.concat([x, x], 2));
  const cond = tf.tensor4d([1, 0, 1, 0, 1, 0, 1, 0], [1, 2, 4, 1], 'bool');
  await same(x.where(cond, tf.zerosLike(x)), tf.where(cond, x, tf.zerosLike(x)));
  assert.equal(tf.tensor([3]).asScalar().rank, 0);
  assert.throws(() => x.asScalar(), /only 1 element/);
  x.dispose();
  assert.throws(() => x.flatten(), /disposed/);
});
