/**
 * Anomaly scores per time step of a series, from the reconstruction errors of its overlapping
 * windows: centred (each step gets the mean error of the windows that cover it) or causal (each
 * step gets the error of the latest window ending at or before it, so a score at t uses rows ≤ t
 * only), normalised to [0, 1], with the intervals above a threshold.
 */

import { ArgumentError } from '../core/errors.js';
import { percentile } from './scores.js';

/** How window errors become step scores: `centred` (windows covering the step) or `causal` (the window ending at it). */
export type StepScoreMode = 'centred' | 'causal';

/** The modes {@link stepScores} knows. */
export const STEP_SCORE_MODES: readonly StepScoreMode[] = ['centred', 'causal'];

/**
 * The score of each of `rows` steps from the errors of windows of `window` steps starting at
 * `starts` (ascending): `centred`, the mean error of the windows covering the step; `causal`, the
 * error of the latest window that ends at or before it (with stride 1: the window ending at it).
 * Steps no window gives a score (causal: before the first window's end) are NaN.
 *
 * @example
 * stepScores([1, 3], [0, 1], 2, 3, 'centred') // [1, 2, 3]
 * stepScores([1, 3], [0, 1], 2, 3, 'causal')  // [NaN, 1, 3]
 */
export function stepScores(
  errors: ArrayLike<number>,
  starts: readonly number[],
  window: number,
  rows: number,
  mode: StepScoreMode,
): Float64Array {
  if (errors.length !== starts.length)
    throw new ArgumentError('errors', `${errors.length} window error(s) for ${starts.length} window start(s): expected one per window`);
  if (!STEP_SCORE_MODES.includes(mode)) throw new ArgumentError('mode', `expected centred or causal, got '${mode}'`);
  const out = new Float64Array(rows).fill(Number.NaN);
  if (mode === 'causal') {
    let w = -1;
    for (let t = 0; t < rows; t++) {
      while (w + 1 < starts.length && starts[w + 1] + window - 1 <= t) w++;
      if (w >= 0) out[t] = errors[w];
    }
    return out;
  }
  // centred: a difference array of sums and counts over each window's rows
  const sum = new Float64Array(rows + 1);
  const count = new Float64Array(rows + 1);
  starts.forEach((s, k) => {
    const end = Math.min(rows, s + window);
    sum[s] += errors[k];
    sum[end] -= errors[k];
    count[s] += 1;
    count[end] -= 1;
  });
  let s = 0;
  let c = 0;
  for (let t = 0; t < rows; t++) {
    s += sum[t];
    c += count[t];
    if (c > 0) out[t] = s / c;
  }
  return out;
}

/** Step scores mapped to [0, 1] and the linear map used, so that a threshold can be mapped the same way. */
export interface NormalisedScores {
  /** Scores in [0, 1]: `(score − low) / (high − low)`; steps without a score are 0. */
  scores: Float64Array;
  /** The raw score mapped to 0 (the smallest). */
  low: number;
  /** The raw score mapped to 1 (the largest). */
  high: number;
}

/**
 * Min–max normalises `scores` (NaN = no score) to [0, 1] over the steps that have one; NaN steps
 * become 0. A constant series of scores becomes all 0.
 *
 * @example normaliseScores(Float64Array.of(NaN, 2, 4)).scores // [0, 0, 1]
 */
export function normaliseScores(scores: ArrayLike<number>): NormalisedScores {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i];
    if (Number.isNaN(v)) continue;
    low = Math.min(low, v);
    high = Math.max(high, v);
  }
  if (!Number.isFinite(low)) return { scores: new Float64Array(scores.length), low: 0, high: 0 };
  const span = high - low;
  const out = Float64Array.from(scores, (v) => (Number.isNaN(v) || span <= 0 ? 0 : (v - low) / span));
  return { scores: out, low, high };
}

/** A threshold on window errors: the largest training window error (the Keras example's) or a percentile of them. */
export type ErrorThreshold = { method: 'max' } | { method: 'percentile'; q: number };

/**
 * The threshold `rule` gives on the training windows' errors `trainErrors`.
 *
 * @example errorThreshold([0.1, 0.3, 0.2], { method: 'max' }) // 0.3
 */
export function errorThreshold(trainErrors: ArrayLike<number>, rule: ErrorThreshold): number {
  if (trainErrors.length === 0) throw new ArgumentError('trainErrors', 'no training window errors to set a threshold from');
  if (rule.method === 'max') {
    let m = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < trainErrors.length; i++) m = Math.max(m, trainErrors[i]);
    return m;
  }
  return percentile(trainErrors, rule.q);
}

/** A run of consecutive steps whose score is above the threshold. */
export interface FlaggedInterval {
  /** Its first and last step (0-based rows, inclusive). */
  start: number;
  end: number;
  /** The largest score in it, and the step where it is. */
  peak: number;
  peakRow: number;
}

/**
 * The intervals of consecutive steps whose score is strictly above `threshold` (NaN never is).
 *
 * @example flaggedIntervals([0, 2, 3, 0, 5], 1) // [{start: 1, end: 2, peak: 3, peakRow: 2}, {start: 4, end: 4, peak: 5, peakRow: 4}]
 */
export function flaggedIntervals(scores: ArrayLike<number>, threshold: number): FlaggedInterval[] {
  const out: FlaggedInterval[] = [];
  let open: FlaggedInterval | null = null;
  for (let t = 0; t < scores.length; t++) {
    const v = scores[t];
    if (v > threshold) {
      if (open === null) {
        open = { start: t, end: t, peak: v, peakRow: t };
        out.push(open);
      } else {
        open.end = t;
        if (v > open.peak) {
          open.peak = v;
          open.peakRow = t;
        }
      }
    } else open = null;
  }
  return out;
}
