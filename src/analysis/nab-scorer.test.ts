/**
 * NAB's scoring rules on hand-made series whose scores are worked out by hand. Every fixture file
 * has 40 rows one minute apart, so its probationary period is floor(0.15 · 40) = 6 rows, and one
 * window on rows 10–13 (width 4). NAB's scaled sigmoid is S(x) = 2 / (1 + e^(5x)) - 1 = -tanh(2.5 x),
 * so a detection at a window's row i (of right edge r, width w) earns S(-(r - i + 1) / w) / S(-1),
 * and a false positive at row i after it costs fpWeight · S((i - r) / (w - 1)).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AekitError } from '../core/errors.js';
import {
  bestThreshold,
  corpusSweep,
  labelSeries,
  NAB_PROFILES,
  type NabSeries,
  normalizedScore,
  OUTSIDE,
  PROBATION,
  probationLength,
  scaledSigmoid,
  scoreNab,
  scoreSeries,
  thresholdScores,
} from './nab-scorer.js';

const MINUTE = 60_000;
const ROWS = 40;
const times = Array.from({ length: ROWS }, (_, i) => i * MINUTE);
/** The window on rows 10–13. */
const WINDOW = { start: 10 * MINUTE, end: 13 * MINUTE };
const S = (x: number): number => -Math.tanh(2.5 * x);
const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual}, expected ${expected}`);

/** A 40-row file with the window on rows 10–13 and anomaly score `at[row]` (0 elsewhere). */
function series(at: Record<number, number>, name = 'f.csv', windows = [WINDOW]): NabSeries {
  return { name, timestamps: times, scores: times.map((_, i) => at[i] ?? 0), windows };
}
/** The standard-profile score of a file at threshold 0.5. */
const standard = (at: Record<number, number>, windows = [WINDOW]): number =>
  scoreSeries(labelSeries(series(at, 'f.csv', windows)), 0.5, NAB_PROFILES.standard).score;

test("probationLength: NAB's min(floor(15 % of the rows), 750)", () => {
  assert.equal(probationLength(40), 6);
  assert.equal(probationLength(4032), 604);
  assert.equal(probationLength(5000), 750);
  assert.equal(probationLength(22695), 750);
});

test('scaledSigmoid: 0.98661 at a window start, 0 at its end, -0.98661 one width past it, -1 beyond 3', () => {
  close(scaledSigmoid(-1), Math.tanh(2.5), 'S(-1)');
  assert.ok(Math.abs(scaledSigmoid(-1) - 0.98661) < 1e-5);
  close(scaledSigmoid(-0.5), 2 / (1 + Math.exp(-2.5)) - 1, 'S(-0.5)');
  assert.equal(scaledSigmoid(0), 0);
  close(scaledSigmoid(1), -Math.tanh(2.5), 'S(1)');
  assert.equal(scaledSigmoid(3.01), -1);
});

test('labelSeries places rows: probation, the window (its rows in time order), outside', () => {
  const l = labelSeries(series({}));
  assert.equal(l.probation, 6);
  assert.deepEqual([...l.window.slice(0, 6)], Array(6).fill(PROBATION));
  assert.deepEqual([...l.window.slice(6, 16)], [OUTSIDE, OUTSIDE, OUTSIDE, OUTSIDE, 0, 0, 0, 0, OUTSIDE, OUTSIDE]);
  close(l.unweighted[10], S(-1), 'window start');
  close(l.unweighted[13], S(-0.25), 'window end');
  assert.equal(l.unweighted[9], -1, 'before any window');
  close(l.unweighted[14], S(1 / 3), 'right after');
});

test('a detection at the start of a window earns tpWeight, at its end S(-1/4)/S(-1) = 0.5621', () => {
  close(standard({ 10: 1 }), 1, 'start');
  const end = standard({ 13: 1 });
  close(end, Math.tanh(0.625) / Math.tanh(2.5), 'end');
  assert.ok(Math.abs(end - 0.5621) < 1e-4);
  close(standard({ 11: 1 }), Math.tanh(1.875) / Math.tanh(2.5), 'second row');
});

test('only the first detection in a window counts', () => {
  const s = scoreSeries(labelSeries(series({ 11: 0.9, 12: 0.9, 13: 0.9 })), 0.5, NAB_PROFILES.standard);
  close(s.score, Math.tanh(1.875) / Math.tanh(2.5), 'three detections');
  assert.equal(s.tp, 3, 'NAB counts detected rows');
  assert.equal(s.fn, 1, 'row 10 is not detected');
  assert.equal(s.windowsDetected, 1);
  assert.equal(s.windowsMissed, 0);
});

test('a false positive right after a window costs little, one far after it the full fpWeight', () => {
  // Row 14 is one row past the window: q = 1/3, S(1/3) = -tanh(5/6) = -0.682.
  close(standard({ 10: 1, 14: 1 }), 1 + 0.11 * S(1 / 3), 'right after');
  // Row 20: q = 7/3, S = -tanh(35/6) = -0.99998.
  close(standard({ 10: 1, 20: 1 }), 1 + 0.11 * S(7 / 3), 'later');
  // Row 30: q = 17/3 > 3: -1.
  close(standard({ 10: 1, 30: 1 }), 1 - 0.11, 'far after');
  // Row 8: no window before it: -1.
  close(standard({ 8: 1, 10: 1 }), 1 - 0.11, 'before any window');
  assert.ok(standard({ 10: 1, 14: 1 }) > standard({ 10: 1, 30: 1 }));
  // Every false positive counts, not only the first.
  close(standard({ 10: 1, 30: 1, 31: 1 }), 1 - 0.22, 'two far after');
  // The FP weight of the profile: reward_low_FP_rate doubles it.
  close(scoreSeries(labelSeries(series({ 10: 1, 30: 1 })), 0.5, NAB_PROFILES.reward_low_FP_rate).score, 1 - 0.22, 'low FP profile');
});

test('detections in the probationary period are not counted', () => {
  const s = scoreSeries(labelSeries(series({ 3: 1 })), 0.5, NAB_PROFILES.standard);
  assert.equal(s.score, -1, 'the FP in probation costs nothing, the window is still missed');
  assert.equal(s.fp, 0);
  assert.equal(s.total, ROWS - 6);
  // A window inside the probationary period is neither a TP nor an FN.
  const early = { start: 1 * MINUTE, end: 4 * MINUTE };
  assert.equal(standard({ 2: 1 }, [early]), 0);
  assert.equal(standard({}, [early]), 0);
  // ...but the false positives after it are weighted by their distance from it (row 6: q = 2/3).
  close(standard({ 6: 1 }, [early]), 0.11 * S(2 / 3), 'FP after a window in probation');
});

test('a window never detected is a false negative: -fnWeight', () => {
  assert.equal(standard({}), -1);
  assert.equal(scoreSeries(labelSeries(series({})), 0.5, NAB_PROFILES.reward_low_FN_rate).score, -2);
  const s = scoreSeries(labelSeries(series({ 30: 0.4 })), 0.5, NAB_PROFILES.standard);
  assert.deepEqual([s.tp, s.fp, s.fn, s.tn, s.windowsMissed], [0, 0, 4, 30, 1]);
});

test('thresholdScores sweeps every distinct score from 1.1 down; bestThreshold takes the highest of equal scores', () => {
  const sweep = corpusSweep([labelSeries(series({ 10: 0.9, 11: 0.8 }))]);
  const scores = thresholdScores(sweep, NAB_PROFILES.standard);
  assert.deepEqual(
    scores.slice(0, 3).map((t) => [t.threshold, t.score]),
    [
      [1.1, -1],
      [0.9, 1],
      [0.8, 1],
    ],
  );
  assert.equal(scores.length, 4, '1.1, 0.9, 0.8 and 0 (every row detected)');
  assert.ok(scores[3].score < 1);
  assert.deepEqual(bestThreshold(sweep, NAB_PROFILES.standard), { threshold: 0.9, score: 1 });
});

test('the threshold is optimised over all files together, per profile', () => {
  // File a: its window detected at its start (0.9). File b: its window detected at its end (0.6),
  // two false positives far after it (0.8). At 0.9: 1 - 1 = 0; at 0.8: 0 - 2 fp; at 0.6: 1 + 0.5621 - 2 fp.
  const a = labelSeries(series({ 10: 0.9 }, 'a.csv'));
  const b = labelSeries(series({ 13: 0.6, 30: 0.8, 31: 0.8 }, 'b.csv'));
  const sweep = corpusSweep([a, b]);
  const end = Math.tanh(0.625) / Math.tanh(2.5);
  const standardBest = bestThreshold(sweep, NAB_PROFILES.standard);
  assert.equal(standardBest.threshold, 0.6);
  close(standardBest.score, 1 + end - 0.22, 'standard');
  // With false positives as costly as misses, catching b's window late is not worth its two FPs.
  const strict = bestThreshold(sweep, { tpWeight: 1, fpWeight: 1, fnWeight: 1 });
  assert.deepEqual(strict, { threshold: 0.9, score: 0 });
  // The corpus score at the best threshold is the sum of the files' scores at it.
  close(
    scoreSeries(a, 0.6, NAB_PROFILES.standard).score + scoreSeries(b, 0.6, NAB_PROFILES.standard).score,
    standardBest.score,
    'sum of files',
  );
});

test('a perfect detector scores 100 and the null detector 0 on every profile', () => {
  const second = { start: 25 * MINUTE, end: 28 * MINUTE };
  const files = [series({ 10: 1 }, 'a.csv'), series({ 10: 1, 25: 1 }, 'b.csv', [WINDOW, second]), series({}, 'c.csv', [])];
  const perfect = scoreNab(files);
  for (const [name, p] of Object.entries(perfect.profiles)) {
    assert.equal(p.normalized, 100, name);
    assert.equal(p.perfect, 3);
    assert.equal(p.threshold, 1);
    assert.equal(p.thresholdFrom, 'sweep');
  }
  assert.equal(perfect.profiles.standard.null, -3, 'the null detector detects nothing: three misses');
  assert.equal(perfect.profiles.reward_low_FN_rate.null, -6);
  const nothing = scoreNab(files.map((f) => ({ ...f, scores: times.map(() => 0.5) })));
  for (const [name, p] of Object.entries(nothing.profiles)) assert.equal(p.normalized, 0, name);
  // The per-file table: b's two windows, both found.
  assert.deepEqual(
    perfect.files.map((f) => [f.name, f.rows, f.probation, f.windows, f.profiles.standard.windowsDetected, f.profiles.standard.score]),
    [
      ['a.csv', 40, 6, 1, 1, 1],
      ['b.csv', 40, 6, 2, 2, 2],
      ['c.csv', 40, 6, 0, 0, 0],
    ],
  );
});

test('scoreNab scores at given thresholds instead of optimising them', () => {
  const files = [series({ 10: 0.9 }, 'a.csv'), series({ 13: 0.6, 30: 0.8, 31: 0.8 }, 'b.csv')];
  const board = scoreNab(files, { thresholds: { standard: 0.9 } });
  assert.equal(board.profiles.standard.threshold, 0.9);
  assert.equal(board.profiles.standard.thresholdFrom, 'given');
  assert.equal(board.profiles.standard.raw, 0);
  close(board.profiles.standard.normalized, (100 * (0 + 2)) / (2 + 2), 'normalised');
  assert.equal(board.profiles.reward_low_FP_rate.thresholdFrom, 'sweep');
  assert.throws(() => scoreNab(files, { thresholds: { standard: Number.NaN } }), /threshold of profile 'standard' must be a finite number/);
});

test('normalizedScore: 100 (raw - null) / (perfect - null)', () => {
  assert.equal(normalizedScore(46.6, -116, 116), (100 * 162.6) / 232);
  assert.throws(
    () => normalizedScore(0, 0, 0),
    (e: unknown) => e instanceof AekitError && e.code === 'E_NAB_SERIES',
  );
});

test('bad series are refused with one line naming the file', () => {
  assert.throws(
    () => labelSeries({ name: 'x.csv', timestamps: [0, 1], scores: [0], windows: [] }),
    /x\.csv: 2 timestamp\(s\) but 1 anomaly score/,
  );
  assert.throws(
    () => labelSeries({ ...series({}), scores: times.map((_, i) => (i === 7 ? Number.NaN : 0)) }),
    /f\.csv: row 8: the anomaly score NaN/,
  );
  assert.throws(
    () => labelSeries(series({}, 'f.csv', [{ start: 10.5 * MINUTE, end: 13 * MINUTE }])),
    /f\.csv: the window .* starts at a time that is not a row's timestamp/,
  );
  assert.throws(() => labelSeries(series({}, 'f.csv', [{ start: 13 * MINUTE, end: 10 * MINUTE }])), /ends before it starts/);
  assert.throws(
    () => labelSeries(series({}, 'f.csv', [WINDOW, { start: 12 * MINUTE, end: 20 * MINUTE }])),
    /f\.csv: windows 1 and 2 .* overlap/,
  );
  assert.throws(
    () => scoreSeries(labelSeries(series({})), 0.5, { tpWeight: 0, fpWeight: 0.1, fnWeight: 1 }),
    /tpWeight must be a finite number > 0/,
  );
  assert.throws(() => scoreNab([]), /no files to score/);
});
