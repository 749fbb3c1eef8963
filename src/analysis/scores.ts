/**
 * Anomaly scores: per-image reconstruction errors (in batches), percentiles for thresholds, and the
 * ROC AUC of a score for telling one group from the rest.
 */

import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import type { AnySamples } from '../data/samples.js';
import { predictAll, predictBatches } from '../training/predict.js';

/** How an image's reconstruction error is measured: mean squared error or mean binary cross-entropy over its pixels. */
export type ErrorMetric = 'mse' | 'bce';

/** The metrics {@link reconstructionErrors} knows. */
export const ERROR_METRICS: readonly ErrorMetric[] = ['mse', 'bce'];

/**
 * The reconstruction error of each of `count` flat images under `model` (an autoencoder whose
 * output has the input's shape), computed `batchSize` images at a time.
 *
 * @example
 * const errors = await reconstructionErrors(run.model, test.x, test.count);
 */
export async function reconstructionErrors(
  model: tf.LayersModel,
  images: Float32Array | AnySamples,
  count: number,
  metric: ErrorMetric = 'mse',
  batchSize = 256,
): Promise<Float32Array> {
  const { x: data } = await predictAll(model, images, count, {
    batchSize,
    map: (x, output) => {
      const n = x.shape[0];
      const y = tf.reshape(output, [n, -1]);
      const t = tf.reshape(x, [n, -1]);
      if (metric === 'mse') return tf.mean(tf.square(tf.sub(y, t)), 1);
      const p = tf.clipByValue(y, 1e-7, 1 - 1e-7);
      return tf.neg(tf.mean(tf.add(tf.mul(t, tf.log(p)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, p)))), 1));
    },
  });
  return data;
}

/**
 * The mean squared reconstruction error of every feature (value) of one sample over the first
 * `count` samples: `prod(shape)` means, e.g. one per table column.
 */
export async function featureErrors(
  model: tf.LayersModel,
  samples: AnySamples,
  count = samples.count,
  batchSize = 256,
): Promise<Float64Array> {
  let sums: Float64Array | null = null;
  for await (const b of predictBatches(model, samples, count, {
    batchSize,
    map: (x, output) => tf.square(tf.sub(tf.reshape(output, [x.shape[0], -1]), tf.reshape(x, [x.shape[0], -1]))),
  })) {
    sums ??= new Float64Array(b.dim);
    for (let i = 0; i < b.count; i++) for (let j = 0; j < b.dim; j++) sums[j] += b.data[i * b.dim + j];
  }
  const out = sums ?? new Float64Array(0);
  for (let j = 0; j < out.length; j++) out[j] /= Math.max(1, count);
  return out;
}

/** The `q`-th percentile (0–100) of `values`, with linear interpolation between order statistics (NumPy's default). */
export function percentile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) throw new ArgumentError('values', 'percentile: no values');
  if (!(q >= 0 && q <= 100)) throw new ArgumentError('q', `percentile: {q} must be in 0–100, got ${q}`);
  const sorted = Float64Array.from(values).sort();
  const pos = (q / 100) * (sorted.length - 1);
  const i = Math.floor(pos);
  return i + 1 < sorted.length ? sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
}

/**
 * Area under the ROC curve of `scores` for telling the `positive` items from the others: the
 * probability that a random positive scores higher than a random negative (ties count half),
 * computed from ranks (Mann–Whitney U). 0.5 = chance, 1 = perfect.
 *
 * @example
 * rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true]); // 0.75
 */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const n = scores.length;
  if (positive.length !== n) throw new ArgumentError('positive', `rocAuc: ${n} scores but ${positive.length} positive flags`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++)
      if (positive[order[k]]) {
        pos++;
        rankSum += rank;
      }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0)
    throw new ArgumentError('positive', `rocAuc: needs both positives and negatives, found ${pos} positives and ${neg} negatives`);
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/**
 * The ROC curve of `scores` for telling the `positive` items from the others, sampled at
 * `points` evenly spaced false-positive rates from 0 to 1: at each, the highest true-positive rate
 * reached without exceeding it (a step curve, as the thresholds sweep from high to low).
 *
 * @example
 * const { fpr, tpr } = rocCurve(scores, isAnomaly); // fpr = [0, 0.01, …, 1]
 */
export function rocCurve(scores: ArrayLike<number>, positive: ArrayLike<boolean>, points = 101): { fpr: number[]; tpr: number[] } {
  const n = scores.length;
  if (positive.length !== n) throw new ArgumentError('positive', `rocCurve: ${n} scores but ${positive.length} positive flags`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let pos = 0;
  for (let i = 0; i < n; i++) if (positive[i]) pos++;
  const neg = n - pos;
  if (pos === 0 || neg === 0)
    throw new ArgumentError('positive', `rocCurve: needs both positives and negatives, found ${pos} positives and ${neg} negatives`);
  const fpr = Array.from({ length: points }, (_, i) => i / (points - 1));
  const tpr = new Array<number>(points).fill(0);
  let tp = 0;
  let fp = 0;
  let at = 0;
  for (let i = 0; i < n; ) {
    // every item tied with this score crosses the threshold together
    let j = i;
    while (j < n && scores[order[j]] === scores[order[i]]) {
      if (positive[order[j]]) tp++;
      else fp++;
      j++;
    }
    i = j;
    while (at < points && fpr[at] < fp / neg - 1e-12) at++;
    for (let q = at; q < points; q++) tpr[q] = Math.max(tpr[q], tp / pos);
  }
  return { fpr, tpr };
}
