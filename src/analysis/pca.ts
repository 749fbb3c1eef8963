/**
 * Principal component analysis: the directions of largest variance, found by power iteration with
 * deflation on the covariance matrix (enough for the 2 or 3 components a map needs).
 */

import { ArgumentError } from '../core/errors.js';
import { type Points, pointDim } from './knn.js';

/** What {@link pca} returns. */
export interface PcaResult {
  /** The points projected on the components: `count × components`, centred. */
  projected: Points;
  /** Share of the total variance each component explains. */
  explained: number[];
}

/**
 * Projects `points` on their first `components` principal components.
 *
 * @example
 * const { projected, explained } = pca({ x: codings, shape: [576], count: 5000 }, 2);
 */
export function pca(points: Points, components = 2, iterations = 300): PcaResult {
  const { count } = points;
  const dim = pointDim(points);
  if (points.x.length !== count * dim || count < 2)
    throw new ArgumentError(
      'points',
      `pca: expected at least 2 points of ${dim} floats, found ${points.x.length} floats for ${count} points`,
    );
  if (!Number.isInteger(components) || components < 1 || components > dim)
    throw new ArgumentError('components', `pca: {components} must be an integer in 1…${dim}, got ${components}`);
  // Centre, then accumulate the upper triangle of the covariance in plain JavaScript (measured
  // faster here than tfjs's wasm matMul for 5,000 × 576).
  const mean = new Float64Array(dim);
  for (let n = 0; n < count; n++) for (let j = 0; j < dim; j++) mean[j] += points.x[n * dim + j] / count;
  const centred = new Float64Array(count * dim);
  for (let n = 0; n < count; n++) for (let j = 0; j < dim; j++) centred[n * dim + j] = points.x[n * dim + j] - mean[j];
  const c = new Float64Array(dim * dim);
  for (let n = 0; n < count; n++) {
    const o = n * dim;
    for (let i = 0; i < dim; i++) {
      const xi = centred[o + i];
      if (xi === 0) continue;
      const row = i * dim;
      for (let j = i; j < dim; j++) c[row + j] += xi * centred[o + j];
    }
  }
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      c[i * dim + j] /= count - 1;
      c[j * dim + i] = c[i * dim + j];
    }
  }
  let total = 0;
  for (let i = 0; i < dim; i++) total += c[i * dim + i];
  const vectors: Float64Array[] = [];
  const explained: number[] = [];
  for (let k = 0; k < components; k++) {
    // Deterministic start, not orthogonal to any component in practice.
    let v = Float64Array.from({ length: dim }, (_, i) => 1 + ((i * 7919) % 13) / 13);
    let lambda = 0;
    const w = new Float64Array(dim);
    for (let it = 0; it < iterations; it++) {
      for (let i = 0; i < dim; i++) {
        let s = 0;
        for (let j = 0; j < dim; j++) s += c[i * dim + j] * v[j];
        w[i] = s;
      }
      let norm = 0;
      for (let i = 0; i < dim; i++) norm += w[i] * w[i];
      norm = Math.sqrt(norm);
      if (norm === 0) break;
      const next = w.map((x) => x / norm);
      const change = next.reduce((a, x, i) => a + Math.abs(x - v[i]), 0);
      v = next;
      lambda = norm;
      if (change < 1e-10) break;
    }
    // Deflate: remove the found component from the covariance.
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) c[i * dim + j] -= lambda * v[i] * v[j];
    vectors.push(v);
    explained.push(total > 0 ? lambda / total : 0);
  }
  const data = new Float32Array(count * components);
  for (let n = 0; n < count; n++) {
    for (let k = 0; k < components; k++) {
      let s = 0;
      const v = vectors[k];
      for (let j = 0; j < dim; j++) s += centred[n * dim + j] * v[j];
      data[n * components + k] = s;
    }
  }
  return { projected: { x: data, shape: [components], count }, explained };
}
