/**
 * Comparing subspaces: principal angles between two spans, PCA directions, symmetric eigenvectors
 * (used to show that a linear autoencoder learns PCA's plane).
 */
import { AekitError } from '../core/errors.js';

/** Orthonormal basis (columns, `dim × k`, row-major) of the span of `k` vectors given as rows of `rows` (`k × dim`), by Gram–Schmidt. */
function orthonormal(rows: number[][]): number[][] {
  const basis: number[][] = [];
  for (const r of rows) {
    const v = [...r];
    for (const b of basis) {
      const d = v.reduce((s, x, i) => s + x * b[i], 0);
      for (let i = 0; i < v.length; i++) v[i] -= d * b[i];
    }
    const n = Math.hypot(...v);
    if (n < 1e-12) throw new AekitError('principal angles: the vectors do not span a subspace of full rank', { code: 'E_RANK' });
    basis.push(v.map((x) => x / n));
  }
  return basis;
}

/** Eigenvectors of a symmetric matrix by Jacobi rotations, sorted by decreasing eigenvalue. */
export function symmetricEigen(a: number[][]): { values: number[]; vectors: number[][] } {
  const n = a.length;
  const m = a.map((r) => [...r]);
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p][q] ** 2;
    if (off < 1e-24) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(m[p][q]) < 1e-30) continue;
        const theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k][p];
          const mkq = m[k][q];
          m[k][p] = c * mkp - s * mkq;
          m[k][q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p][k];
          const mqk = m[q][k];
          m[p][k] = c * mpk - s * mqk;
          m[q][k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j][j] - m[i][i]);
  return { values: order.map((i) => m[i][i]), vectors: order.map((i) => v.map((row) => row[i])) };
}

/**
 * Principal angles (radians, ascending) between the subspaces spanned by the rows of `a` and of `b`
 * (each `k × dim`): the arccosines of the singular values of `Qaᵀ Qb`. 0 means the same subspace.
 *
 * @example
 * principalAngles([[1, 0, 0], [0, 1, 0]], [[0, 1, 0], [1, 1, 0]]); // [0, 0]
 */
export function principalAngles(a: number[][], b: number[][]): number[] {
  const qa = orthonormal(a);
  const qb = orthonormal(b);
  const m = qa.map((u) => qb.map((w) => u.reduce((s, x, i) => s + x * w[i], 0)));
  const mtm = qb.map((_, i) => qb.map((__, j) => m.reduce((s, row) => s + row[i] * row[j], 0)));
  const { values } = symmetricEigen(mtm);
  return values.map((l) => Math.acos(Math.min(1, Math.sqrt(Math.max(0, l))))).sort((x, y) => x - y);
}

/** PCA's top `k` directions (rows, unit length) of `count` centred points of dimension `dim`. */
export function pcaDirections(points: Float32Array, count: number, dim: number, k: number): number[][] {
  const cov = Array.from({ length: dim }, () => new Array<number>(dim).fill(0));
  for (let i = 0; i < count; i++)
    for (let p = 0; p < dim; p++) for (let q = 0; q < dim; q++) cov[p][q] += (points[i * dim + p] * points[i * dim + q]) / count;
  return symmetricEigen(cov).vectors.slice(0, k);
}
