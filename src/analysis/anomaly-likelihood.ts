/**
 * Anomaly likelihood: raw anomaly scores (reconstruction errors) turned into how unusual the recent
 * ones are (after Ahmad, Lavin, Purdy & Agha 2017, the post-processing NAB's best detectors use).
 * At step t: fit a Gaussian to the last `history` raw scores, take the mean of the last `recent`
 * ones, and its upper tail probability `q` under that Gaussian; the likelihood is `1 − q`, reported
 * on a log scale, `log(q) / log(1e-10)` clipped to [0, 1], so that only stretches about 1e-10 unlikely
 * reach 1. Causal: step t uses raw scores at steps ≤ t only. After a step reaches `suppressAbove`,
 * the next `suppress` steps score 0, so one anomaly is reported once instead of over and over.
 */

import { ArgumentError } from '../core/errors.js';

/** Settings of {@link anomalyLikelihood}. */
export interface AnomalyLikelihoodOptions {
  /** Raw scores the Gaussian is fitted to, the latest ones. Default 8640 (30 days of 5-minute steps). */
  history?: number;
  /** Raw scores averaged into the recent score. Default 10. */
  recent?: number;
  /** Steps that score 0 at the start, while the history is too short to fit. Default 0 (from the first step with `recent` scores). */
  warmup?: number;
  /** Steps scored 0 after a step scored ≥ `suppressAbove`. Default 0 (none). */
  suppress?: number;
  /** Log-likelihood at or above which a step counts as a detection for `suppress`. Default 0.5. */
  suppressAbove?: number;
  /** Smallest standard deviation of the history, relative to its mean's magnitude plus 1e-6 (a flat history does not make every change infinitely unlikely). Default 1e-6. */
  minStd?: number;
}

/** The Gaussian upper tail probability `P(Z > z)`, accurate to about 1e-7 relative (Numerical Recipes' erfc). */
export function gaussianTail(z: number): number {
  const x = z / Math.SQRT2;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.5 * a);
  const r =
    t *
    Math.exp(
      -a * a -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return 0.5 * (x >= 0 ? r : 2 - r);
}

/** The likelihood `1 − q` as the log score `log(q) / log(1e-10)` in [0, 1] (NAB's numenta detector reports this scale). */
export function logLikelihood(q: number): number {
  const v = Math.log(Math.max(q, 0) + 1e-10) / Math.log(1e-10);
  return Math.min(1, Math.max(0, v));
}

/**
 * The anomaly likelihood of every step of `raw` (see the module comment), in [0, 1]; steps before
 * `max(warmup, recent − 1)` and NaN raw scores give 0 (NaN raw scores are left out of the history).
 *
 * @example
 * const scores = anomalyLikelihood(errors, { history: 2000, recent: 10, suppress: 100 });
 */
export function anomalyLikelihood(raw: ArrayLike<number>, options: AnomalyLikelihoodOptions = {}): Float64Array {
  const { history = 8640, recent = 10, warmup = 0, suppress = 0, suppressAbove = 0.5, minStd = 1e-6 } = options;
  for (const [name, v] of [
    ['history', history],
    ['recent', recent],
  ] as const)
    if (!Number.isInteger(v) || v < 1) throw new ArgumentError(name, `expected a positive integer, got ${v}`);
  if (!Number.isInteger(warmup) || warmup < 0) throw new ArgumentError('warmup', `expected an integer ≥ 0, got ${warmup}`);
  if (!Number.isInteger(suppress) || suppress < 0) throw new ArgumentError('suppress', `expected an integer ≥ 0, got ${suppress}`);
  const n = raw.length;
  const out = new Float64Array(n);
  // running sums over the history window and the recent window (NaN counts as absent)
  let hs = 0;
  let hss = 0;
  let hc = 0;
  let rs = 0;
  let rc = 0;
  let quietUntil = -1;
  for (let t = 0; t < n; t++) {
    const v = raw[t];
    if (!Number.isNaN(v)) {
      hs += v;
      hss += v * v;
      hc++;
      rs += v;
      rc++;
    }
    const oldH = t - history;
    if (oldH >= 0 && !Number.isNaN(raw[oldH])) {
      hs -= raw[oldH];
      hss -= raw[oldH] * raw[oldH];
      hc--;
    }
    const oldR = t - recent;
    if (oldR >= 0 && !Number.isNaN(raw[oldR])) {
      rs -= raw[oldR];
      rc--;
    }
    if (t < warmup || rc < recent || hc < 2 || Number.isNaN(v)) continue;
    const mean = hs / hc;
    const std = Math.max(Math.sqrt(Math.max(hss / hc - mean * mean, 0)), minStd * (Math.abs(mean) + 1e-6));
    const score = logLikelihood(gaussianTail((rs / rc - mean) / std));
    if (t <= quietUntil) continue;
    out[t] = score;
    if (suppress > 0 && score >= suppressAbove) quietUntil = t + suppress;
  }
  return out;
}
