/**
 * Exact k-nearest neighbours (brute force in plain JavaScript: measured faster here than tfjs's
 * `matMul` on the wasm backend) and the leave-one-out k-NN classification accuracy used to compare
 * how well classes separate in a space; k-NN anomaly scores of new points against a reference set
 * (one matrix product per batch, on the active backend).
 */
import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import { type Samples, sampleSize } from '../data/samples.js';

/**
 * Points for the analysis functions: flat {@link Samples} of shape `[dim]` (`count` rows of `dim`
 * floats in `x`); codings of any shape are read as their flattened rows.
 */
export type Points = Samples;

/** Floats per point of `points`. */
export function pointDim(points: Points): number {
  return sampleSize(points.shape);
}

/** Neighbour lists: row `i` holds the `k` nearest other points of point `i`, nearest first. */
export interface Neighbours {
  /** `count × k` point indices. */
  indices: Int32Array;
  /** `count × k` Euclidean distances (not squared). */
  distances: Float32Array;
  /** Neighbours per point. */
  k: number;
}

function checkPoints(points: Points, what: string): void {
  const dim = pointDim(points);
  if (!Number.isInteger(points.count) || !Number.isInteger(dim) || dim < 1 || points.x.length !== points.count * dim) {
    throw new ArgumentError(
      'points',
      `${what}: expected ${points.count} × ${dim} = ${points.count * dim} floats, found ${points.x.length}`,
    );
  }
}

/**
 * The `k` nearest neighbours of every point among the others (the point itself excluded).
 *
 * @example
 * const { indices } = nearestNeighbours({ x: codings, shape: [30], count: 5000 }, 5);
 */
export function nearestNeighbours(points: Points, k: number): Neighbours {
  checkPoints(points, 'nearestNeighbours');
  const { count, x: data } = points;
  const dim = pointDim(points);
  if (!Number.isInteger(k) || k < 1 || k >= count)
    throw new ArgumentError('k', `nearestNeighbours: {k} must be an integer in 1…${count - 1} (count − 1), got ${k}`);
  const indices = new Int32Array(count * k);
  const distances = new Float32Array(count * k);
  // |a − b|² = |a|² + |b|² − 2·a·b: one multiply-add per float instead of a subtraction too.
  const norms = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let s = 0;
    for (let q = i * dim; q < (i + 1) * dim; q++) s += data[q] * data[q];
    norms[i] = s;
  }
  // Every pair is measured once and offered to both points' lists (half the work of row by row).
  const bestD = new Float64Array(count * k).fill(Infinity);
  const bestI = new Int32Array(count * k).fill(-1);
  const offer = (i: number, j: number, d: number): void => {
    const o = i * k;
    if (d >= bestD[o + k - 1]) return;
    let p = k - 1;
    while (p > 0 && bestD[o + p - 1] > d) {
      bestD[o + p] = bestD[o + p - 1];
      bestI[o + p] = bestI[o + p - 1];
      p--;
    }
    bestD[o + p] = d;
    bestI[o + p] = j;
  };
  const end4 = dim - (dim % 4);
  for (let i = 0; i < count; i++) {
    const a = i * dim;
    for (let j = i + 1; j < count; j++) {
      const b = j * dim;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let q = 0;
      for (; q < end4; q += 4) {
        s0 += data[a + q] * data[b + q];
        s1 += data[a + q + 1] * data[b + q + 1];
        s2 += data[a + q + 2] * data[b + q + 2];
        s3 += data[a + q + 3] * data[b + q + 3];
      }
      for (; q < dim; q++) s0 += data[a + q] * data[b + q];
      const d = norms[i] + norms[j] - 2 * (s0 + s1 + s2 + s3);
      offer(i, j, d);
      offer(j, i, d);
    }
  }
  for (let o = 0; o < count * k; o++) {
    indices[o] = bestI[o];
    distances[o] = Math.sqrt(Math.max(0, bestD[o]));
  }
  return { indices, distances, k };
}

/**
 * Leave-one-out k-NN accuracy: the share of points whose label is the majority label of their `k`
 * nearest other points (a tie goes to the label that reached the winning count first, i.e. the
 * one with the nearer votes).
 * A measure of how well the classes separate in the space of `points`.
 *
 * @example
 * knnAccuracy(codings, labels, 5); // 0.83
 */
export function knnAccuracy(points: Points, labels: ArrayLike<number>, k = 5, neighbours?: Neighbours): number {
  if (labels.length !== points.count) throw new ArgumentError('labels', `knnAccuracy: ${points.count} points but ${labels.length} labels`);
  const nb = neighbours ?? nearestNeighbours(points, k);
  if (nb.k < k) throw new ArgumentError('k', `knnAccuracy: the neighbour lists hold ${nb.k} neighbours, ${k} needed`);
  let right = 0;
  const votes = new Map<number, number>();
  for (let i = 0; i < points.count; i++) {
    votes.clear();
    let best = -1;
    let bestVotes = 0;
    for (let p = 0; p < k; p++) {
      const label = labels[nb.indices[i * nb.k + p]];
      const v = (votes.get(label) ?? 0) + 1;
      votes.set(label, v);
      if (v > bestVotes) {
        bestVotes = v;
        best = label;
      }
    }
    // A label reaching the top count first is the one whose votes include the nearer neighbours.
    if (best === labels[i]) right++;
  }
  return right / points.count;
}

/** Options of {@link knnScores}. */
export interface KnnScoreOptions {
  /** Neighbours averaged. Default 5. */
  k?: number;
  /**
   * The queries are the reference points themselves (same rows, same order): each point's own row
   * is skipped, so a training point's score is that of a new point (leave-one-out).
   */
  excludeSelf?: boolean;
  /** Queries compared with the whole reference set at once (one matrix product each). Default 512. */
  batchSize?: number;
}

/**
 * The k-NN anomaly score of each query: its mean Euclidean distance to the `k` nearest points of
 * `reference` (PyOD's `KNN(method='mean')`). Distances come from one matrix product per batch of
 * queries on the active tfjs backend (|q − r|² = |q|² + |r|² − 2·q·r); the nearest `k` are kept
 * in plain JavaScript.
 *
 * @example
 * const scores = knnScores(trainCodings, testCodings, { k: 5 }); // higher = farther from training
 */
export function knnScores(reference: Points, queries: Points, options: KnnScoreOptions = {}): Float32Array {
  const { k = 5, excludeSelf = false, batchSize = 512 } = options;
  checkPoints(reference, 'knnScores');
  checkPoints(queries, 'knnScores');
  const dim = pointDim(reference);
  if (pointDim(queries) !== dim)
    throw new ArgumentError('queries', `knnScores: the reference points have ${dim} values each, the queries ${pointDim(queries)}`);
  const available = reference.count - (excludeSelf ? 1 : 0);
  if (!Number.isInteger(k) || k < 1 || k > available)
    throw new ArgumentError('k', `knnScores: {k} must be an integer in 1…${available} (the reference points), got ${k}`);
  if (excludeSelf && queries.count !== reference.count)
    throw new ArgumentError(
      'queries',
      `knnScores: excludeSelf needs the reference points as queries, got ${queries.count} of ${reference.count}`,
    );
  const n = reference.count;
  const squaredNorms = (p: Points): Float64Array => {
    const out = new Float64Array(p.count);
    for (let i = 0; i < p.count; i++) {
      let s = 0;
      for (let q = i * dim; q < (i + 1) * dim; q++) s += p.x[q] * p.x[q];
      out[i] = s;
    }
    return out;
  };
  const refNorms = squaredNorms(reference);
  const queryNorms = excludeSelf ? refNorms : squaredNorms(queries);
  const scores = new Float32Array(queries.count);
  const ref = tf.tensor2d(reference.x, [n, dim]);
  const best = new Float64Array(k);
  try {
    for (let from = 0; from < queries.count; from += batchSize) {
      const m = Math.min(batchSize, queries.count - from);
      const dots = tf.tidy(() => tf.matMul(tf.tensor2d(queries.x.subarray(from * dim, (from + m) * dim), [m, dim]), ref, false, true));
      const d = dots.dataSync();
      dots.dispose();
      for (let r = 0; r < m; r++) {
        best.fill(Infinity);
        const self = excludeSelf ? from + r : -1;
        const qn = queryNorms[from + r];
        const row = r * n;
        for (let j = 0; j < n; j++) {
          const dist = qn + refNorms[j] - 2 * d[row + j];
          if (dist < best[k - 1] && j !== self) {
            let p = k - 1;
            while (p > 0 && best[p - 1] > dist) {
              best[p] = best[p - 1];
              p--;
            }
            best[p] = dist;
          }
        }
        let sum = 0;
        for (let p = 0; p < k; p++) sum += Math.sqrt(Math.max(0, best[p]));
        scores[from + r] = sum / k;
      }
    }
  } finally {
    ref.dispose();
  }
  return scores;
}
