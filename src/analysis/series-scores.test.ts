import assert from 'node:assert/strict';
import { test } from 'node:test';
import { anomalyLikelihood, gaussianTail, logLikelihood } from './anomaly-likelihood.js';
import { errorThreshold, flaggedIntervals, normaliseScores, stepScores } from './series-scores.js';

const near = (a: ArrayLike<number>, b: number[]) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < b.length; i++) {
    if (Number.isNaN(b[i])) assert.ok(Number.isNaN(a[i]), `step ${i}: expected NaN, got ${a[i]}`);
    else assert.ok(Math.abs(a[i] - b[i]) < 1e-12, `step ${i}: expected ${b[i]}, got ${a[i]}`);
  }
};

test('stepScores: centred = mean of the covering windows, causal = the window ending at the step', () => {
  // 6 rows, windows of 3 at starts 0..3 with errors 1, 2, 3, 10 (the last window, rows 3–5, is anomalous)
  const errors = [1, 2, 3, 10];
  const starts = [0, 1, 2, 3];
  // row 0: window 0; row 1: 0,1; row 2: 0,1,2; row 3: 1,2,3; row 4: 2,3; row 5: 3
  near(stepScores(errors, starts, 3, 6, 'centred'), [1, 1.5, 2, 5, 6.5, 10]);
  // causal: row t gets the window ending at t (start t − 2); rows 0, 1 have none
  near(stepScores(errors, starts, 3, 6, 'causal'), [Number.NaN, Number.NaN, 1, 2, 3, 10]);
  // with stride 2 (starts 0, 2): causal holds the latest window that has ended
  near(stepScores([1, 5], [0, 2], 3, 6, 'causal'), [Number.NaN, Number.NaN, 1, 1, 5, 5]);
  // a change in the window errors: the causal score never moves earlier than the centred one
  const centred = stepScores(errors, starts, 3, 6, 'centred');
  const causal = stepScores(errors, starts, 3, 6, 'causal');
  assert.ok(
    centred[3] > 4 && causal[3] === 2,
    'the centred score at row 3 sees the anomalous window that ends at row 5; the causal one cannot',
  );
});

test('normaliseScores maps to [0, 1]; flaggedIntervals finds the runs above a threshold', () => {
  const { scores, low, high } = normaliseScores(Float64Array.of(Number.NaN, 2, 4, 6));
  near(scores, [0, 0, 0.5, 1]);
  assert.equal(low, 2);
  assert.equal(high, 6);
  assert.deepEqual(flaggedIntervals([0, 2, 3, 0, 5, Number.NaN], 1), [
    { start: 1, end: 2, peak: 3, peakRow: 2 },
    { start: 4, end: 4, peak: 5, peakRow: 4 },
  ]);
  assert.equal(errorThreshold([0.1, 0.3, 0.2], { method: 'max' }), 0.3);
  assert.ok(Math.abs(errorThreshold([0, 1, 2, 3, 4], { method: 'percentile', q: 50 }) - 2) < 1e-12);
});

test('anomalyLikelihood: a jump after a steady history approaches 1, steady noise stays low, suppression holds it back', () => {
  assert.ok(Math.abs(gaussianTail(0) - 0.5) < 1e-7);
  assert.ok(Math.abs(gaussianTail(1.959964) - 0.025) < 1e-6);
  assert.equal(logLikelihood(1), 0);
  assert.ok(logLikelihood(1e-10) > 0.96);
  // raw scores: a repeating pattern of 0.9–1.1 for 500 steps, then 10 steps at 5
  const raw = Array.from({ length: 520 }, (_, t) => (t >= 500 && t < 510 ? 5 : 1 + 0.1 * Math.sin(t)));
  const scores = anomalyLikelihood(raw, { history: 400, recent: 5 });
  assert.ok(Math.max(...scores.slice(0, 500)) < 0.5, 'steady stretch scores low');
  assert.ok(scores[504] > 0.9, `the jump's fifth step scores ${scores[504]}`);
  assert.ok(scores.every((s) => s >= 0 && s <= 1));
  const quiet = anomalyLikelihood(raw, { history: 400, recent: 5, suppress: 50, suppressAbove: 0.5 });
  const first = quiet.findIndex((s) => s >= 0.5);
  assert.ok(first >= 500 && first < 505);
  assert.ok(
    quiet.slice(first + 1, first + 51).every((s) => s === 0),
    'the 50 steps after a detection score 0',
  );
  // causal: changing a later raw score never changes an earlier anomaly score
  const later = raw.slice();
  later[515] = 100;
  assert.deepEqual(anomalyLikelihood(later, { history: 400, recent: 5 }).slice(0, 515), scores.slice(0, 515));
});
