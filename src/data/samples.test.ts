import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type ByteSamples,
  firstSamples,
  floatRows,
  GCN_MIN_STD,
  globalContrastNormalize,
  MemoryRows,
  pickSamples,
  type Samples,
} from './samples.js';

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

test('globalContrastNormalize: each sample to mean 0.5 and standard deviation 1/6, clipped to [0, 1]; flat samples stay flat', () => {
  // Sample 0: a ramp (no value beyond 3 standard deviations); sample 1: the same ramp brighter and
  // with twice the contrast (the same result); sample 2: flat; sample 3: one outlier (clipped).
  const per = 8;
  const ramp = Array.from({ length: per }, (_, i) => i / 10);
  const x = Float32Array.from([...ramp, ...ramp.map((v) => 0.1 + 2 * v), ...Array(per).fill(0.3), ...[1, ...Array(per - 1).fill(0)]]);
  globalContrastNormalize(x, per);
  const rows = [0, 1, 2, 3].map((r) => Array.from(x.subarray(r * per, (r + 1) * per)));
  const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
  const std = (a: number[]): number => Math.sqrt(mean(a.map((v) => (v - mean(a)) ** 2)));
  assert.ok(
    Math.abs(mean(rows[0]) - 0.5) < 1e-6 && Math.abs(std(rows[0]) - 1 / 6) < 1e-6,
    `ramp: mean ${mean(rows[0])}, std ${std(rows[0])}`,
  );
  for (let i = 0; i < per; i++) assert.ok(Math.abs(rows[1][i] - rows[0][i]) < 1e-6, 'brightness and contrast removed');
  assert.deepEqual(rows[2], Array(per).fill(0.5), 'a flat sample maps to 0.5');
  // The outlier is √7 ≈ 2.65 standard deviations above the mean: below 3, so not clipped; the others are at −0.378.
  assert.ok(rows[3][0] > 0.9 && rows[3][0] <= 1 && rows[3].every((v) => v >= 0 && v <= 1));
  const spike = Float32Array.from([1, ...Array(99).fill(0)]);
  globalContrastNormalize(spike, 100);
  assert.equal(spike[0], 1, 'an outlier 9.9 standard deviations away is clipped to 1');
  const tiny = Float32Array.from([0.5, 0.5 + GCN_MIN_STD / 10]);
  globalContrastNormalize(tiny, 2);
  assert.ok(Math.abs(tiny[1] - tiny[0]) < 0.02, 'a near-flat sample is divided by GCN_MIN_STD, not by its tiny deviation');
  assert.throws(() => globalContrastNormalize(new Float32Array(5), 2), /not whole samples of 2/);
});

test('floatRows normalises byte samples that say gcn, and leaves the others at v / 255', () => {
  const bytes = Uint8Array.from([0, 51, 102, 153, 10, 10, 10, 10]);
  const plain: ByteSamples = { bytes: new MemoryRows(bytes, 4), shape: [4], count: 2 };
  assert.deepEqual(
    Array.from(floatRows(plain, null, 0, 1)),
    [0, 51, 102, 153].map((v) => Math.fround(v / 255)),
  );
  const gcn = floatRows({ ...plain, normalize: 'gcn' }, [1, 0], 0, 2);
  assert.deepEqual(Array.from(gcn.subarray(0, 4)), [0.5, 0.5, 0.5, 0.5], 'row 1 is flat');
  const expected = globalContrastNormalize(
    Float32Array.from([0, 51, 102, 153], (v) => v / 255),
    4,
  );
  assert.deepEqual(Array.from(gcn.subarray(4)), Array.from(expected));
  assert.deepEqual(pickSamples({ ...plain, normalize: 'gcn' }, [0]).normalize, 'gcn', 'subsets keep the normalisation');
});
