import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstSamples, pickSamples, type Samples } from './samples.js';

const s: Samples = {
  x: Float32Array.from([0, 1, 10, 11, 20, 21]),
  shape: [2],
  count: 3,
  labels: Uint8Array.from([7, 8, 9]),
  y: Float32Array.from([100, 200, 300]),
  yShape: [1],
};

test('pickSamples copies the rows, labels and targets at the indices, in their order', () => {
  const p = pickSamples(s, [2, 0]);
  assert.equal(p.count, 2);
  assert.deepEqual(Array.from(p.x), [20, 21, 0, 1]);
  assert.deepEqual(Array.from(p.labels ?? []), [9, 7]);
  assert.deepEqual(Array.from(p.y ?? []), [300, 100]);
  p.x[0] = -1;
  assert.equal(s.x[4], 20, 'a copy, not a view');
  const plain: Samples = pickSamples({ x: s.x, shape: [2], count: 3 }, [1]);
  assert.ok(!('labels' in plain) && plain.y === undefined);
});

test('firstSamples keeps the first n samples as views, labels and targets included', () => {
  const f = firstSamples(s, 2);
  assert.deepEqual([f.count, Array.from(f.x), Array.from(f.labels ?? []), Array.from(f.y ?? [])], [2, [0, 1, 10, 11], [7, 8], [100, 200]]);
  assert.equal(firstSamples(s, 5), s);
});
