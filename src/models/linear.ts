/**
 * The book's linear autoencoder (Géron, ch. 17): Dense(2) encoder and Dense(3) decoder without
 * activations, trained with MSE on a generated 3-D point cloud; it learns the same plane as PCA.
 */
import * as tf from '@tensorflow/tfjs';
import * as path from 'node:path';
import { fit, seededRandom } from '../training/fit.js';
import { writeFileAtomic } from '../training/io.js';
import { scatterPlot } from '../viz/basic-charts.js';
import { type Autoencoder, compose } from './conv.js';
import { registerRecipe } from './recipes.js';

/** A generated point cloud. */
export interface PointCloud {
  /** `count × 3` coordinates, centred (mean 0 per axis). */
  points: Float32Array;
  count: number;
  /** Angle that generated each point (its position along the curved band), for colouring plots. */
  angles: Float32Array;
}

/**
 * The book's 3-D data set: points along a bent band near the plane z = 0.1·x + 0.3·y, with noise,
 * then centred. Same recipe as the book's `generate_3d_data(60)`; the numbers differ from NumPy's
 * because aekit's seeded generator is its own.
 *
 * @example
 * const { points } = pointCloud(60, 42); // Float32Array of 180 values
 */
export function pointCloud(count = 60, seed = 42, options: { w1?: number; w2?: number; noise?: number } = {}): PointCloud {
  const { w1 = 0.1, w2 = 0.3, noise = 0.1 } = options;
  if (!Number.isInteger(count) || count < 2) throw new RangeError(`point cloud: count must be an integer ≥ 2, got ${count}`);
  const random = seededRandom(seed);
  const randn = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const angles = Float32Array.from({ length: count }, () => random() * 3 * Math.PI / 2 - 0.5);
  const data = new Float64Array(count * 3);
  for (let i = 0; i < count; i++) data[3 * i] = Math.cos(angles[i]) + Math.sin(angles[i]) / 2 + noise * randn() / 2;
  for (let i = 0; i < count; i++) data[3 * i + 1] = Math.sin(angles[i]) * 0.7 + noise * randn() / 2;
  for (let i = 0; i < count; i++) data[3 * i + 2] = data[3 * i] * w1 + data[3 * i + 1] * w2 + noise * randn();
  for (let a = 0; a < 3; a++) {
    let m = 0;
    for (let i = 0; i < count; i++) m += data[3 * i + a];
    m /= count;
    for (let i = 0; i < count; i++) data[3 * i + a] -= m;
  }
  return { points: Float32Array.from(data), count, angles };
}

/**
 * Builds the linear autoencoder: encoder Dense(2) `[n, 3]` → `[n, 2]`, decoder Dense(3) `[n, 2]` → `[n, 3]`.
 */
export function linearAutoencoder(options: { seed?: number; inputs?: number; codings?: number } = {}): Autoencoder {
  const { seed, inputs = 3, codings = 2 } = options;
  const init = (k: number): ReturnType<typeof tf.initializers.glorotUniform> => tf.initializers.glorotUniform(seed === undefined ? {} : { seed: seed + k });
  const encoder = tf.sequential({ name: 'linear_encoder', layers: [tf.layers.dense({ units: codings, inputShape: [inputs], kernelInitializer: init(1), name: 'encode' })] });
  const decoder = tf.sequential({ name: 'linear_decoder', layers: [tf.layers.dense({ units: inputs, inputShape: [codings], kernelInitializer: init(2), name: 'decode' })] });
  return { encoder, decoder, autoencoder: compose(encoder, decoder, 'linear_autoencoder') };
}

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
    if (n < 1e-12) throw new RangeError('principal angles: the vectors do not span a subspace of full rank');
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
          const mkp = m[k][p]; const mkq = m[k][q];
          m[k][p] = c * mkp - s * mkq; m[k][q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p][k]; const mqk = m[q][k];
          m[p][k] = c * mpk - s * mqk; m[q][k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p]; const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq; v[k][q] = s * vkp + c * vkq;
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
  for (let i = 0; i < count; i++) for (let p = 0; p < dim; p++) for (let q = 0; q < dim; q++) cov[p][q] += points[i * dim + p] * points[i * dim + q] / count;
  return symmetricEigen(cov).vectors.slice(0, k);
}

registerRecipe({
  name: 'linear',
  description: 'linear autoencoder = PCA: Dense(2) ‖ Dense(3), no activations, on a generated 3-D point cloud (60 points)',
  defaults: { epochs: 20, batchSize: 32, optimizer: 'sgd', lr: 1.5, loss: 'meanSquaredError' },
  build: ({ seed }) => linearAutoencoder({ seed }),
  async loadData({ seed }) {
    const cloud = pointCloud(60, seed);
    const samples = { x: cloud.points, shape: [3], count: cloud.count };
    return { train: samples, valid: samples, source: `generated 3-D point cloud: 60 centred points (seed ${seed}); validation = the same points, as the book has no validation set`, images: false };
  },
  async train(ctx) {
    const { built, data, settings } = ctx;
    ctx.compile(built.autoencoder);
    await fit(built.autoencoder, data.train, ctx.fitOptions());
    const { count, x } = data.train;
    const codings = tf.tidy(() => (built.encoder.predict(tf.tensor(x, [count, 3])) as tf.Tensor).dataSync());
    const cloud = pointCloud(60, settings.seed);
    const shade = cloud.count === count ? Array.from(cloud.angles, (a) => (a + 0.5) / (3 * Math.PI / 2)) : undefined;
    await writeFileAtomic(path.join(ctx.dir, 'codings.png'), await scatterPlot(codings, count, { shade, xLabel: 'coding 1', yLabel: 'coding 2' }));
    const kernel = built.decoder.layers[0].getWeights()[0];
    const rows = kernel.arraySync() as number[][]; // [2, 3]: each coding's direction in 3-D
    const angles = principalAngles(rows, pcaDirections(x, count, 3, 2));
    const degrees = angles.map((r) => (r * 180) / Math.PI);
    await ctx.record('pca', { principal_angles_degrees: degrees, decoder_directions: rows });
    ctx.log(`principal angles between the learned 2-D subspace and PCA's: ${degrees.map((d) => `${d.toFixed(2)}°`).join(', ')} (0° = the same plane)`);
    ctx.log('2-D codings drawn in codings.png (colour: position along the band, blue → red)');
  },
});
