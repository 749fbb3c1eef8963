/**
 * UMAP through `umap-js` (the PAIR team's implementation), fed with exact nearest neighbours from
 * {@link nearestNeighbours} (faster here than its own NN-descent) and a seeded random source.
 */
import { UMAP } from 'umap-js';
import { ArgumentError } from '../core/errors.js';
import { seededRandom } from '../core/random.js';
import { type Neighbours, nearestNeighbours, type Points, pointDim } from './knn.js';

/** Options of {@link umap}. */
export interface UmapOptions {
  /** Neighbours that define the local structure. Default 15 (umap-js's and umap-learn's default). */
  neighbours?: number;
  /** Minimum distance between embedded points. Default 0.1. */
  minDist?: number;
  /** Optimisation epochs; umap-js picks 500 for < 10,000 points, 200 above, when unset. */
  epochs?: number;
  /** Seed of the random source. Default 42. */
  seed?: number;
  /** Neighbour lists of `points` already computed (at least `neighbours` − 1 each). */
  knn?: Neighbours;
  /** Called after every epoch with (done, total); may return a promise (e.g. to yield). */
  onEpoch?: (done: number, total: number) => void | Promise<void>;
}

/**
 * Embeds `points` in 2-D with UMAP; returns `count × 2` coordinates.
 *
 * @example
 * const map = await umap({ x: codings, shape: [30], count: 5000 }, { seed: 1 });
 */
export async function umap(points: Points, options: UmapOptions = {}): Promise<Points> {
  const { neighbours = 15, minDist = 0.1, epochs, seed = 42, onEpoch } = options;
  const { count } = points;
  const dim = pointDim(points);
  if (count <= neighbours) throw new ArgumentError('points', `umap: needs more points than neighbours (${neighbours}), got ${count}`);
  // umap-js counts the point itself as its first neighbour, at distance 0.
  const k = neighbours - 1;
  const nb = options.knn !== undefined && options.knn.k >= k ? options.knn : nearestNeighbours(points, k);
  const knnIndices: number[][] = [];
  const knnDistances: number[][] = [];
  for (let i = 0; i < count; i++) {
    const idx = [i];
    const dst = [0];
    for (let q = 0; q < k; q++) {
      idx.push(nb.indices[i * nb.k + q]);
      dst.push(nb.distances[i * nb.k + q]);
    }
    knnIndices.push(idx);
    knnDistances.push(dst);
  }
  const rows: number[][] = Array.from({ length: count }, (_, i) => Array.from(points.x.subarray(i * dim, (i + 1) * dim)));
  const model = new UMAP({ nComponents: 2, nNeighbors: neighbours, minDist, nEpochs: epochs, random: seededRandom(seed) });
  model.setPrecomputedKNN(knnIndices, knnDistances);
  const total = model.initializeFit(rows);
  for (let e = 0; e < total; e++) {
    model.step();
    await onEpoch?.(e + 1, total);
  }
  const embedding = model.getEmbedding();
  const data = new Float32Array(count * 2);
  embedding.forEach((p, i) => {
    data[2 * i] = p[0];
    data[2 * i + 1] = p[1];
  });
  return { x: data, shape: [2], count };
}
