/**
 * Mahalanobis distances to a set of points with a shrunk covariance (Ledoit & Wolf 2004): the
 * sample covariance pulled towards a multiple of the identity by the amount that minimises the
 * expected squared error, so that it stays invertible and well conditioned when the points have
 * more dimensions than the data supports (a conv encoder's 576 values from 6,000 images).
 */
import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import { type Points, pointDim } from './knn.js';

/** A fitted Gaussian: the mean and the whitening matrix `W` with `W Σ Wᵀ = I` for the shrunk covariance Σ. */
export interface MahalanobisModel {
  /** Values per point. */
  dim: number;
  /** The points' mean, `dim` values. */
  mean: Float32Array;
  /** `dim × dim`, row-major: the inverse of the Cholesky factor of the shrunk covariance. */
  whitening: Float32Array;
  /** The Ledoit–Wolf shrinkage intensity used, in [0, 1]. */
  shrinkage: number;
}

/**
 * Fits the mean and the Ledoit–Wolf shrunk covariance of `points` (at least 2).
 *
 * @example
 * const gauss = fitMahalanobis(trainCodings);
 * const scores = mahalanobisScores(gauss, testCodings);
 */
export function fitMahalanobis(points: Points): MahalanobisModel {
  const n = points.count;
  const d = pointDim(points);
  if (n < 2) throw new ArgumentError('points', `fitMahalanobis: needs at least 2 points, got ${n}`);
  if (points.x.length !== n * d) throw new ArgumentError('points', `fitMahalanobis: expected ${n * d} floats, found ${points.x.length}`);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += points.x[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const centred = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) centred[i * d + j] = points.x[i * d + j] - mean[j];
  // S = XᵀX / n, and Σᵢ‖xᵢxᵢᵀ − S‖² for the shrinkage (Ledoit–Wolf's b̄²) from (X∘X)ᵀ(X∘X).
  const [s, s4] = tf.tidy(() => {
    const x = tf.tensor2d(centred, [n, d]);
    const x2 = tf.square(x);
    return [tf.div(tf.matMul(x, x, true, false), n).dataSync(), tf.matMul(x2, x2, true, false).dataSync()];
  });
  let trace = 0;
  for (let j = 0; j < d; j++) trace += s[j * d + j];
  const mu = trace / d;
  // d² = ‖S − μI‖²_F; b̄² = (1/n²) Σᵢ ‖xᵢxᵢᵀ − S‖²_F = (1/n²)(Σᵢ‖xᵢ‖⁴ − n‖S‖²_F) with Σᵢ‖xᵢ‖⁴ = Σ_jk (X∘X)ᵀ(X∘X).
  let dist2 = 0;
  let frob = 0;
  let fourth = 0;
  for (let a = 0; a < d; a++)
    for (let b = 0; b < d; b++) {
      const v = s[a * d + b];
      frob += v * v;
      const t = v - (a === b ? mu : 0);
      dist2 += t * t;
      fourth += s4[a * d + b];
    }
  const b2 = Math.min(dist2, (fourth - n * frob) / (n * n));
  const shrinkage = dist2 > 0 ? Math.max(0, b2 / dist2) : 1;
  const cov = new Float64Array(d * d);
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a * d + b] = (1 - shrinkage) * s[a * d + b] + (a === b ? shrinkage * mu : 0);
  // A direction of zero variance everywhere (mu = 0) keeps a tiny floor so that Cholesky succeeds.
  const floor = Math.max(mu, 1e-12) * 1e-9;
  for (let a = 0; a < d; a++) cov[a * d + a] += floor;
  return { dim: d, mean: Float32Array.from(mean), whitening: Float32Array.from(inverseLower(cholesky(cov, d), d)), shrinkage };
}

/** The squared Mahalanobis distance of each point to the fitted Gaussian: ‖W(x − mean)‖². */
export function mahalanobisScores(model: MahalanobisModel, points: Points, batchSize = 1024): Float32Array {
  const d = model.dim;
  if (pointDim(points) !== d)
    throw new ArgumentError('points', `mahalanobisScores: the model was fitted on ${d} values per point, got ${pointDim(points)}`);
  const out = new Float32Array(points.count);
  const w = tf.tensor2d(model.whitening, [d, d]);
  const m = tf.tensor1d(model.mean);
  try {
    for (let from = 0; from < points.count; from += batchSize) {
      const count = Math.min(batchSize, points.count - from);
      const v = tf.tidy(() => {
        const x = tf.sub(tf.tensor2d(points.x.subarray(from * d, (from + count) * d), [count, d]), m);
        return tf.sum(tf.square(tf.matMul(x, w, false, true)), 1);
      });
      out.set(v.dataSync(), from);
      v.dispose();
    }
  } finally {
    w.dispose();
    m.dispose();
  }
  return out;
}

/** The lower Cholesky factor L (L Lᵀ = A) of a symmetric positive-definite `d × d` matrix. */
function cholesky(a: Float64Array, d: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * d + j];
      for (let k = 0; k < j; k++) sum -= l[i * d + k] * l[j * d + k];
      if (i === j) {
        if (!(sum > 0)) throw new ArgumentError('points', `fitMahalanobis: the covariance is not positive definite (pivot ${i} is ${sum})`);
        l[i * d + i] = Math.sqrt(sum);
      } else l[i * d + j] = sum / l[j * d + j];
    }
  }
  return l;
}

/** The inverse of a lower-triangular `d × d` matrix (itself lower triangular). */
function inverseLower(l: Float64Array, d: number): Float64Array {
  const inv = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    inv[j * d + j] = 1 / l[j * d + j];
    for (let i = j + 1; i < d; i++) {
      let sum = 0;
      for (let k = j; k < i; k++) sum -= l[i * d + k] * inv[k * d + j];
      inv[i * d + j] = sum / l[i * d + i];
    }
  }
  return inv;
}
